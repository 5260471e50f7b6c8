// Evidence of use (issue 32): reading audit events and CloudTrail, counting one record per request,
// attributing each to its caller as the export maps it, and the least-privilege roles. Sources: the audit
// types (kubernetes/apiserver pkg/apis/audit/v1/types.go), the audit filter (pkg/endpoints/filters/audit.go),
// RequestInfo (pkg/endpoints/request/requestinfo.go), the RBAC reason strings
// (plugin/pkg/auth/authorizer/rbac), aws-iam-authenticator's extras (pkg/server/server.go): usage-evidence.md
// sections 1 to 4.
#include "rbacgraph/usage.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <zlib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "helpers.hpp"
#include "rbacgraph/audit.hpp"

namespace rbacgraph::test {
namespace {

using Json = nlohmann::json;

struct EventSpec {
    std::string id = "id-1";
    std::string stage = "ResponseComplete";
    std::string verb = "get";
    std::string uri = "/api/v1/namespaces/dev/pods/web";
    Json user = Json{{"username", "alice"}, {"groups", {"dev", "system:authenticated"}}};
    Json object_ref = Json{{"resource", "pods"}, {"namespace", "dev"}, {"name", "web"}, {"apiVersion", "v1"}};
    int code = 200;
    std::optional<std::string> decision = "allow";
    std::string reason;
    std::string time = "2026-06-10T08:00:00.000000Z";
    Json impersonated;
};

Json event_json(const EventSpec& spec) {
    Json event = {
        {"kind", "Event"},     {"apiVersion", "audit.k8s.io/v1"}, {"level", "Metadata"}, {"auditID", spec.id},
        {"stage", spec.stage}, {"requestURI", spec.uri},          {"verb", spec.verb},   {"user", spec.user}};
    if (!spec.impersonated.is_null()) {
        event["impersonatedUser"] = spec.impersonated;
    }
    if (!spec.object_ref.is_null()) {
        event["objectRef"] = spec.object_ref;
    }
    if (spec.stage != "RequestReceived") {
        event["responseStatus"] = {{"metadata", Json::object()}, {"code", spec.code}};
    }
    event["requestReceivedTimestamp"] = spec.time;
    event["stageTimestamp"] = spec.time;
    if (spec.decision && spec.stage != "RequestReceived") {
        event["annotations"] = {{"authorization.k8s.io/decision", *spec.decision},
                                {"authorization.k8s.io/reason", spec.reason}};
    }
    return event;
}

std::string lines_of(const std::vector<EventSpec>& specs) {
    std::string out;
    for (const EventSpec& spec : specs) {
        out += event_json(spec).dump() + "\n";
    }
    return out;
}

struct Read {
    std::vector<AuditRequest> requests;
    AuditReadStats stats;
    std::vector<Diagnostic> diagnostics;
};

Read read(std::string_view text, const std::string& file = "audit.jsonl") {
    Read out;
    AuditReader reader([&](AuditRequest&& request) { out.requests.push_back(std::move(request)); });
    reader.read_text(text, file);
    out.stats = reader.stats();
    out.diagnostics = reader.diagnostics();
    return out;
}

UsageReport usage_of(const Graph& graph, std::string_view text, const std::vector<RoleAssumption>& trail = {},
                     bool shared_names = false) {
    UsageLog log;
    if (shared_names) {
        log.list_names_of(graph);
    }
    AuditReader reader([&](AuditRequest&& request) { log.add(std::move(request)); });
    reader.read_text(text, "audit.jsonl");
    REQUIRE(count_errors(reader.diagnostics()) == 0);
    return evaluate_usage(graph, log, reader.stats(), trail);
}

const CallerUsage* caller_named(const UsageReport& report, std::string_view username) {
    for (const CallerUsage& caller : report.callers) {
        if (caller.username == username) {
            return &caller;
        }
    }
    return nullptr;
}

std::vector<std::string> finding_kinds(const UsageReport& report) {
    std::vector<std::string> kinds;
    for (const UsageFinding& finding : report.findings) {
        kinds.push_back(finding.kind);
    }
    std::sort(kinds.begin(), kinds.end());
    return kinds;
}

// A cluster of the tests below: developers read pods in dev; ops-admins are cluster-admin; aws-auth maps a
// developer role and an admin role.
constexpr std::string_view kCluster = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-readers, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: Group, name: dev, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
- nonResourceURLs: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
subjects:
- {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/developer
      username: dev-{{SessionName}}
      groups: [dev]
    - rolearn: arn:aws:iam::111122223333:role/ops
      username: ops-{{SessionName}}
      groups: [ops]
    - rolearn: arn:aws:iam::111122223333:role/idle-admin
      username: idle
      groups: [ops]
)";

Json iam_user(const std::string& username, const std::vector<std::string>& groups, const std::string& role,
              const std::string& session, const std::string& key = "ASIAEXAMPLE") {
    return {{"username", username},
            {"uid", "aws-iam-authenticator:111122223333:AROAEXAMPLE"},
            {"groups", groups},
            {"extra",
             {{"accessKeyId", {key}},
              {"arn", {"arn:aws:sts::111122223333:assumed-role/" + role + "/" + session}},
              {"canonicalArn", {"arn:aws:iam::111122223333:role/" + role}},
              {"principalId", {"AROAEXAMPLE"}},
              {"sessionName", {session}}}}};
}

}  // namespace

TEST_CASE("RFC 3339 times read as the audit and CloudTrail records write them") {
    // MicroTime (audit): six fraction digits and Z; CloudTrail lookup-events: an offset.
    CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_rfc3339("2026-06-03T09:12:01.123456Z") == std::optional<std::int64_t>(1780477921123456));
    CHECK(parse_rfc3339("2026-06-03T09:00:06+00:00") == parse_rfc3339("2026-06-03T09:00:06Z"));
    CHECK(parse_rfc3339("2026-06-03T11:00:06+02:00") == parse_rfc3339("2026-06-03T09:00:06Z"));
    CHECK(parse_rfc3339("2026-06-03T09:00:06.5Z") == *parse_rfc3339("2026-06-03T09:00:06Z") + 500000);
    CHECK(format_rfc3339(*parse_rfc3339("2026-06-03T09:12:01.123456Z")) == "2026-06-03T09:12:01.123456Z");
    CHECK(format_rfc3339(*parse_rfc3339("2028-02-29T23:59:59Z")) == "2028-02-29T23:59:59Z");
    // Not times: no zone, a bad month, trailing text, an empty fraction.
    CHECK_FALSE(parse_rfc3339("2026-06-03T09:12:01"));
    CHECK_FALSE(parse_rfc3339("2026-13-03T09:12:01Z"));
    CHECK_FALSE(parse_rfc3339("2026-06-03T09:12:01Zjunk"));
    CHECK_FALSE(parse_rfc3339("2026-06-03T09:12:01.Z"));
}

TEST_CASE("an audit event is read field by field as Go reads it, by both readers alike") {
    EventSpec spec;
    spec.user = iam_user("dev-alice", {"dev", "system:authenticated"}, "developer", "alice");
    spec.reason =
        "RBAC: allowed by RoleBinding \"dev-readers/dev\" of ClusterRole \"pod-reader\" to Group \"dev\"";
    const std::string text = event_json(spec).dump();
    const auto fast = decode_audit_event(text);
    const auto reference = decode_audit_event_reference(text);
    REQUIRE(std::holds_alternative<AuditEvent>(fast));
    REQUIRE(std::holds_alternative<AuditEvent>(reference));
    CHECK(std::get<AuditEvent>(fast) == std::get<AuditEvent>(reference));
    const AuditEvent& event = std::get<AuditEvent>(fast);
    CHECK(event.audit_id == "id-1");
    CHECK(event.stage == AuditStage::kResponseComplete);
    CHECK(event.user.username == "dev-alice");
    CHECK(event.user.canonical_arn == "arn:aws:iam::111122223333:role/developer");
    CHECK(event.user.session_name == "alice");
    CHECK(event.user.access_key_id == "ASIAEXAMPLE");
    CHECK(event.resource == "pods");
    CHECK(event.code == 200);
    CHECK(event.decision == std::optional<std::string>("allow"));

    // Upstream's prefixed principal ID key (aws-iam-authenticator b058b49) is read too.
    Json prefixed = event_json(spec);
    prefixed["user"]["extra"].erase("principalId");
    prefixed["user"]["extra"]["sigs.k8s.io/aws-iam-authenticator/principalId"] = {"AROAOTHER"};
    CHECK(std::get<AuditEvent>(decode_audit_event(prefixed.dump())).user.principal_id == "AROAOTHER");

    // null is the zero value; a field of the wrong type makes the event unreadable, with the field named.
    Json nulls = event_json(spec);
    nulls["objectRef"] = nullptr;
    nulls["impersonatedUser"] = nullptr;
    const auto without_ref = decode_audit_event(nulls.dump());
    REQUIRE(std::holds_alternative<AuditEvent>(without_ref));
    CHECK_FALSE(std::get<AuditEvent>(without_ref).has_object_ref);
    for (const auto& [field, value, message] : std::vector<std::tuple<std::string, Json, std::string>>{
             {"verb", 7, "verb is not a string"},
             {"user", "alice", "user is not an object"},
             {"objectRef", Json::array(), "objectRef is not an object"}}) {
        Json broken = event_json(spec);
        broken[field] = value;
        const auto fast_error = decode_audit_event(broken.dump());
        const auto reference_error = decode_audit_event_reference(broken.dump());
        REQUIRE(std::holds_alternative<std::string>(fast_error));
        CHECK(std::get<std::string>(fast_error) == message);
        CHECK(std::get<std::string>(reference_error) == message);
    }
    Json fraction = event_json(spec);
    fraction["responseStatus"]["code"] = 200.5;
    CHECK(std::holds_alternative<std::string>(decode_audit_event(fraction.dump())));
    CHECK(std::holds_alternative<std::string>(decode_audit_event_reference(fraction.dump())));
    // Of two equal keys the last wins, as in Go.
    const std::string twice = R"({"auditID":"a","verb":"get","verb":"delete","user":{"username":"u"}})";
    CHECK(std::get<AuditEvent>(decode_audit_event(twice)).verb == "delete");
    CHECK(std::get<AuditEvent>(decode_audit_event_reference(twice)).verb == "delete");
    CHECK(std::holds_alternative<std::string>(decode_audit_event(R"({"auditID":"a"} trailing)")));
}

TEST_CASE("one record counts per request: RequestReceived never, a long request's stages once") {
    // audit.go WithAudit: every audited request ends in ResponseComplete or Panic; long-running ones (watch,
    // exec...) also write ResponseStarted; RequestReceived precedes authorization.
    EventSpec received;
    received.stage = "RequestReceived";
    EventSpec complete;  // same auditID
    EventSpec watch_started;
    watch_started.id = "id-2";
    watch_started.stage = "ResponseStarted";
    watch_started.verb = "watch";
    watch_started.uri = "/api/v1/namespaces/dev/pods?watch=true";
    watch_started.object_ref = {{"resource", "pods"}, {"namespace", "dev"}};
    EventSpec watch_complete = watch_started;
    watch_complete.stage = "ResponseComplete";
    EventSpec open_exec;  // still open when the log was exported: only ResponseStarted
    open_exec.id = "id-3";
    open_exec.stage = "ResponseStarted";
    open_exec.verb = "create";
    open_exec.uri = "/api/v1/namespaces/dev/pods/web/exec?command=sh";
    open_exec.object_ref = {
        {"resource", "pods"}, {"namespace", "dev"}, {"name", "web"}, {"subresource", "exec"}};
    open_exec.code = 101;
    const Read out = read(lines_of({received, complete, watch_started, watch_complete, open_exec, complete}));
    CHECK(out.stats.events == 6);
    CHECK(out.stats.requests == 3);
    CHECK(out.stats.request_received == 1);
    CHECK(out.stats.stages_merged == 1);
    CHECK(out.stats.duplicates == 1);  // the second copy of `complete`
    REQUIRE(out.requests.size() == 3);
    CHECK(out.requests[2].request.subresource == "exec");
    CHECK(out.requests[2].request.name == "web");  // a create on a subresource names its object in the URL

    // Out of order (CloudWatch): ResponseComplete before ResponseStarted is still one request.
    const Read reversed = read(lines_of({watch_complete, watch_started}));
    CHECK(reversed.stats.requests == 1);
    CHECK(reversed.stats.stages_merged == 1);
}

TEST_CASE("what is not usage is counted apart: a 401 has no identity, a 429 no decision") {
    EventSpec unauthenticated;
    unauthenticated.user = Json::object();
    unauthenticated.code = 401;
    unauthenticated.decision.reset();
    EventSpec throttled;
    throttled.id = "id-2";
    throttled.code = 429;
    throttled.decision.reset();
    EventSpec counted;  // the positive control
    counted.id = "id-3";
    const Read out = read(lines_of({unauthenticated, throttled, counted}));
    CHECK(out.stats.unauthenticated == 1);
    CHECK(out.stats.no_decision == 1);
    CHECK(out.stats.requests == 1);
}

TEST_CASE("the request is the one the authorizer was asked") {
    // Non-resource: the URL path without the query (the authorizer reads req.URL.Path).
    EventSpec discovery;
    discovery.uri = "/apis?timeout=32s";
    discovery.object_ref = nullptr;
    // A create posted to the collection: the audit filter copies the name from the body, the authorizer saw
    // none (audit/request.go; audit2rbac eventToAttributes).
    EventSpec create;
    create.id = "id-2";
    create.verb = "create";
    create.uri = "/api/v1/namespaces/dev/pods?dryRun=All";
    // A watch with fieldSelector metadata.name is authorized with that name (requestinfo.go).
    EventSpec named_watch;
    named_watch.id = "id-3";
    named_watch.verb = "watch";
    named_watch.uri = "/api/v1/namespaces/dev/pods?fieldSelector=metadata.name%3Dweb&watch=true";
    // A namespace named by its path is filed under itself.
    EventSpec namespace_get;
    namespace_get.id = "id-4";
    namespace_get.uri = "/api/v1/namespaces/dev";
    namespace_get.object_ref = {{"resource", "namespaces"}, {"name", "dev"}};
    const Read out = read(lines_of({discovery, create, named_watch, namespace_get}));
    REQUIRE(out.requests.size() == 4);
    CHECK(out.requests[0].request.non_resource);
    CHECK(out.requests[0].request.path == "/apis");
    CHECK(out.requests[1].request.name.empty());
    CHECK(out.requests[1].dry_run);
    CHECK(out.requests[2].request.name == "web");
    CHECK(out.requests[3].request.ns == "dev");
}

TEST_CASE("every export shape holds the same requests") {
    std::vector<EventSpec> specs(3);
    specs[1].id = "id-2";
    specs[2].id = "id-3";
    specs[2].decision = "forbid";
    specs[2].code = 403;
    const std::string lines = lines_of(specs);
    const Read plain = read(lines);
    REQUIRE(plain.stats.requests == 3);
    // CloudWatch Logs export to S3: "<time> <message>" lines.
    std::string exported;
    for (const EventSpec& spec : specs) {
        exported += "2026-06-10T08:00:00.000Z " + event_json(spec).dump() + "\n";
    }
    // aws logs filter-log-events: messages as strings in "events".
    Json filter = {{"events", Json::array()}, {"searchedLogStreams", Json::array()}};
    Json insights = {{"results", Json::array()}, {"status", "Complete"}};
    Json list = {{"kind", "EventList"}, {"apiVersion", "audit.k8s.io/v1"}, {"items", Json::array()}};
    for (const EventSpec& spec : specs) {
        filter["events"].push_back({{"logStreamName", "kube-apiserver-audit-0"},
                                    {"timestamp", 1},
                                    {"message", event_json(spec).dump()},
                                    {"eventId", "1"}});
        insights["results"].push_back(
            Json::array({{{"field", "@timestamp"}, {"value", "2026-06-10 08:00:00.000"}},
                         {{"field", "@message"}, {"value", event_json(spec).dump()}}}));
        list["items"].push_back(event_json(spec));
    }
    for (const std::string& text :
         {exported, filter.dump(4), filter.dump(), insights.dump(2), list.dump(2), "\n\n" + lines}) {
        CAPTURE(text.substr(0, 60));
        const Read other = read(text);
        CHECK(other.diagnostics.empty());
        CHECK(other.stats.requests == 3);
        CHECK(other.stats.forbidden == 1);
    }
    // A page of a paginated query says that it is one.
    Json page = filter;
    page["nextToken"] = "token";
    const Read paged = read(page.dump());
    REQUIRE(paged.diagnostics.size() == 1);
    CHECK(paged.diagnostics[0].message.find("nextToken") != std::string::npos);
    // CloudTrail given as an audit log is refused with the option to use.
    const Read trail = read(R"({"Records": []})");
    REQUIRE(trail.diagnostics.size() == 1);
    CHECK(trail.diagnostics[0].message.find("--cloudtrail") != std::string::npos);
}

TEST_CASE("an unreadable line is named by file and line, and the rest is still read") {
    const std::string text = lines_of({EventSpec{}}) + "{\"auditID\": \"broken\", \"verb\": \n" +
                             "not json at all\n" + R"({"auditID":"x","verb":5,"user":{"username":"u"}})" +
                             "\n";
    EventSpec last;
    last.id = "id-9";
    const Read out = read(text + lines_of({last}));
    CHECK(out.stats.requests == 2);
    CHECK(out.stats.invalid == 3);
    REQUIRE(out.diagnostics.size() == 3);
    CHECK(out.diagnostics[0].location.line == 2);
    CHECK(out.diagnostics[1].location.line == 3);
    CHECK(out.diagnostics[2].location.line == 4);
    CHECK(out.diagnostics[2].message == "not an audit event: verb is not a string");
}

TEST_CASE("a gzip file is read by its magic bytes, a stream of any length in constant memory") {
    const std::string lines = lines_of({EventSpec{}});
    const std::filesystem::path path = std::filesystem::temp_directory_path() / "rbacgraph-usage-test.gz";
    gzFile file = gzopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    gzwrite(file, lines.data(), static_cast<unsigned>(lines.size()));
    gzclose(file);
    std::size_t requests = 0;
    AuditReader reader([&](AuditRequest&&) { ++requests; });
    reader.read_path(path.string());
    std::filesystem::remove(path);
    CHECK(reader.diagnostics().empty());
    CHECK(requests == 1);
    // A stream's lines are numbered as the file's, blank lines before the first event included.
    const std::filesystem::path plain = std::filesystem::temp_directory_path() / "rbacgraph-usage-test.jsonl";
    {
        std::ofstream out(plain);
        out << "\n \n" << lines << "{broken\n";
    }
    AuditReader stream_reader([](AuditRequest&&) {});
    stream_reader.read_path(plain.string());
    std::filesystem::remove(plain);
    REQUIRE(stream_reader.diagnostics().size() == 1);
    CHECK(stream_reader.diagnostics()[0].location.line == 4);
    CHECK(stream_reader.stats().requests == 1);
}

TEST_CASE("a directory of logs is walked as inputs are: every file, a FIFO named but never opened") {
    // Shares load.hpp files_in with the export reader: a FIFO in a walked directory could block forever.
    const std::filesystem::path directory = std::filesystem::temp_directory_path() / "rbacgraph-usage-dir";
    std::filesystem::remove_all(directory);
    std::filesystem::create_directories(directory / "stream-a");
    {
        std::ofstream out(directory / "stream-a" / "000000");
        out << lines_of({EventSpec{}});
    }
    REQUIRE(mkfifo((directory / "pipe").c_str(), 0600) == 0);
    AuditReader reader([](AuditRequest&&) {});
    reader.read_path(directory.string());
    CloudTrailRead trail;
    read_cloudtrail_path(directory.string(), trail);
    std::filesystem::remove_all(directory);
    CHECK(reader.stats().requests == 1);
    REQUIRE(reader.diagnostics().size() == 1);
    CHECK(reader.diagnostics()[0].message.find("FIFO") != std::string::npos);
    CHECK(std::any_of(trail.diagnostics.begin(), trail.diagnostics.end(),
                      [](const Diagnostic& d) { return d.message.find("FIFO") != std::string::npos; }));
}

TEST_CASE("each allowed request is credited to every grant that allows it, refused ones kept apart") {
    const Graph graph = graph_of(kCluster);
    EventSpec read_pods;
    read_pods.user = iam_user("dev-alice", {"dev", "system:authenticated"}, "developer", "alice");
    read_pods.reason =
        "RBAC: allowed by RoleBinding \"dev-readers/dev\" of ClusterRole \"pod-reader\" to Group \"dev\"";
    EventSpec refused = read_pods;
    refused.id = "id-2";
    refused.verb = "delete";
    refused.decision = "forbid";
    refused.code = 403;
    refused.reason = "";
    const UsageReport report = usage_of(graph, lines_of({read_pods, refused}));
    CHECK(report.findings.empty());
    const CallerUsage* alice = caller_named(report, "dev-alice");
    REQUIRE(alice != nullptr);
    CHECK(alice->kind == "IAM role");
    CHECK(alice->mapping.find("aws-auth mapRoles entry") != std::string::npos);
    REQUIRE(alice->allowed.size() == 1);
    CHECK(alice->allowed[0].decided_by == "RBAC");
    REQUIRE(alice->forbidden.size() == 1);
    CHECK(alice->forbidden[0].request.verb == "delete");
    REQUIRE(alice->grants.size() == 1);
    CHECK(alice->grants[0].requests == 1);
    CHECK(alice->grants[0].rules_used == std::vector<bool>{true});
    // The admin role made no request: it holds everything and is idle; the ops binding served nothing.
    REQUIRE(report.idle_principals.size() == 2);
    CHECK(report.idle_principals[0].admin);
    CHECK(std::any_of(report.idle_sources.begin(), report.idle_sources.end(), [](const IdleSource& idle) {
        return idle.via.find("ops-admins") != std::string::npos;
    }));
}

TEST_CASE("an impersonated request is the impersonated user's use and its caller's right to impersonate") {
    const Graph graph = graph_of(kCluster);
    EventSpec impersonated;
    impersonated.user = iam_user("ops-bob", {"ops", "system:authenticated"}, "ops", "bob");
    impersonated.impersonated = {{"username", "dev-alice"}, {"groups", {"dev", "system:authenticated"}}};
    const UsageReport report = usage_of(graph, lines_of({impersonated}));
    CHECK(report.findings.empty());
    const CallerUsage* alice = caller_named(report, "dev-alice");
    const CallerUsage* bob = caller_named(report, "ops-bob");
    REQUIRE(alice != nullptr);
    REQUIRE(bob != nullptr);
    REQUIRE(alice->allowed.size() == 1);
    CHECK(alice->allowed[0].request.resource == "pods");
    // impersonation.go: impersonate on users/NAME and on groups/NAME for each group it asks for
    // (system:authenticated is added by the filter itself).
    REQUIRE(bob->allowed.size() == 2);
    CHECK(bob->allowed[0].impersonation);
    CHECK(bob->allowed[0].request.resource == "groups");
    CHECK(bob->allowed[0].request.name == "dev");
    CHECK(bob->allowed[1].request.resource == "users");
    CHECK(bob->allowed[1].request.name == "dev-alice");
}

TEST_CASE("what the log shows and the export cannot explain is a finding, with its control") {
    const Graph graph = graph_of(kCluster);
    const Json alice = iam_user("dev-alice", {"dev", "system:authenticated"}, "developer", "alice");
    SUBCASE("a reason naming a binding the export lacks") {
        EventSpec event;
        event.user = alice;
        event.reason = "RBAC: allowed by RoleBinding \"old-readers/dev\" of Role \"r\" to User \"dev-alice\"";
        CHECK(finding_kinds(usage_of(graph, lines_of({event}))) ==
              std::vector<std::string>{"missing-binding"});
        event.reason =
            "RBAC: allowed by RoleBinding \"dev-readers/dev\" of ClusterRole \"pod-reader\" to Group \"dev\"";
        CHECK(usage_of(graph, lines_of({event})).findings.empty());  // the control: the binding is there
    }
    SUBCASE("a reason naming a binding that, in the export, does not allow the request") {
        // Names prove nothing: the binding of that name exists, but the export's does not allow this.
        EventSpec event;
        event.user = alice;
        event.verb = "list";
        event.uri = "/api/v1/namespaces/dev/secrets";
        event.object_ref = {{"resource", "secrets"}, {"namespace", "dev"}};
        event.reason =
            "RBAC: allowed by RoleBinding \"dev-readers/dev\" of ClusterRole \"pod-reader\" to Group \"dev\"";
        CHECK(finding_kinds(usage_of(graph, lines_of({event}))) ==
              std::vector<std::string>{"reason-mismatch", "unexplained-allow"});
    }
    SUBCASE("a refusal of what the export allows") {
        EventSpec event;
        event.user = alice;
        event.decision = "forbid";
        event.code = 403;
        CHECK(finding_kinds(usage_of(graph, lines_of({event}))) ==
              std::vector<std::string>{"unexpected-forbid"});
    }
    SUBCASE("groups the mapping does not give") {
        EventSpec event;
        event.user = iam_user("dev-alice", {"dev", "ops", "system:authenticated"}, "developer", "alice");
        CHECK(finding_kinds(usage_of(graph, lines_of({event}))) ==
              std::vector<std::string>{"identity-mismatch"});
    }
    SUBCASE("a principal the export does not map") {
        EventSpec event;
        event.user = iam_user("stranger", {"system:authenticated"}, "elsewhere", "x");
        event.reason =
            "RBAC: allowed by ClusterRoleBinding \"strangers\" of ClusterRole \"view\" to User \"stranger\"";
        CHECK(finding_kinds(usage_of(graph, lines_of({event}))) ==
              std::vector<std::string>{"missing-binding", "unexplained-allow", "unmapped-principal"});
    }
}

TEST_CASE("only a node's empty-reason allows are the Node authorizer's") {
    const Graph graph = graph_of(kCluster);
    EventSpec node;
    node.user = {{"username", "system:node:ip-10-0-0-1"},
                 {"groups", {"system:nodes", "system:authenticated"}}};
    node.verb = "get";
    node.uri = "/api/v1/namespaces/dev/secrets/tls";
    node.object_ref = {{"resource", "secrets"}, {"namespace", "dev"}, {"name", "tls"}};
    const UsageReport report = usage_of(graph, lines_of({node}));
    CHECK(report.findings.empty());
    REQUIRE(report.callers.size() == 1);
    CHECK(report.callers[0].node);
    CHECK(report.callers[0].allowed[0].decided_by == "Node authorizer");
    // The attacker's test: a node's username without the group (the Node authorizer requires both,
    // nodeidentifier.go) is not a node, and what the export does not allow it is unexplained.
    EventSpec impostor = node;
    impostor.user = {{"username", "system:node:ip-10-0-0-1"}, {"groups", {"system:authenticated"}}};
    CHECK(finding_kinds(usage_of(graph, lines_of({impostor}))) ==
          std::vector<std::string>{"unexplained-allow"});
    // A node whose allow carries an RBAC reason was allowed by RBAC: checked like any other.
    EventSpec by_rbac = node;
    by_rbac.reason =
        "RBAC: allowed by ClusterRoleBinding \"node-secrets\" of ClusterRole \"x\" to Group \"system:nodes\"";
    CHECK(finding_kinds(usage_of(graph, lines_of({by_rbac}))) ==
          std::vector<std::string>{"missing-binding", "unexplained-allow"});
}

TEST_CASE(
    "CloudTrail joins a session to the AssumeRole that minted it, and Pod Identity to its ServiceAccount") {
    const Json records = {
        {"Records",
         {{{"eventSource", "sts.amazonaws.com"},
           {"eventName", "AssumeRole"},
           {"eventTime", "2026-06-10T07:59:00Z"},
           {"userIdentity", {{"type", "IAMUser"}, {"arn", "arn:aws:iam::111122223333:user/alice"}}},
           {"requestParameters",
            {{"roleArn", "arn:aws:iam::111122223333:role/developer"}, {"roleSessionName", "alice"}}},
           {"responseElements",
            {{"credentials", {{"accessKeyId", "ASIAALICE"}}},
             {"assumedRoleUser", {{"arn", "arn:aws:sts::111122223333:assumed-role/developer/alice"}}}}}},
          {{"eventSource", "sts.amazonaws.com"},
           {"eventName", "AssumeRole"},
           {"eventTime", "2026-06-10T07:58:00Z"},
           {"userIdentity", {{"type", "IAMUser"}, {"arn", "arn:aws:iam::111122223333:user/alice"}}},
           {"errorCode", "AccessDenied"},
           {"requestParameters", {{"roleArn", "arn:aws:iam::111122223333:role/ops"}}},
           {"responseElements", nullptr}},
          {{"eventSource", "sts.amazonaws.com"},
           {"eventName", "AssumeRole"},
           {"eventTime", "2026-06-10T07:57:00Z"},
           {"userIdentity", {{"type", "AWSService"}, {"invokedBy", "pods.eks.amazonaws.com"}}},
           {"requestParameters",
            {{"roleArn", "arn:aws:iam::111122223333:role/scanner-pod"},
             {"tags",
              {{{"key", "kubernetes-namespace"}, {"value", "security"}},
               {{"key", "kubernetes-service-account"}, {"value", "scanner"}}}}}},
           {"responseElements", {{"credentials", {{"accessKeyId", "ASIAPOD"}}}}}},
          {{"eventSource", "s3.amazonaws.com"},
           {"eventName", "GetObject"},
           {"eventTime", "2026-06-10T07:57:00Z"}}}}};
    CloudTrailRead trail;
    read_cloudtrail_text(records.dump(), "trail.json", trail);
    CHECK(trail.diagnostics.empty());
    CHECK(trail.records == 4);
    REQUIRE(trail.assumptions.size() == 3);
    const Graph graph = graph_of(kCluster);
    EventSpec alice;
    alice.user = iam_user("dev-alice", {"dev", "system:authenticated"}, "developer", "alice", "ASIAALICE");
    EventSpec scanner;
    scanner.id = "id-2";
    scanner.user = {
        {"username", "system:serviceaccount:security:scanner"},
        {"groups", {"system:serviceaccounts", "system:serviceaccounts:security", "system:authenticated"}}};
    const UsageReport report = usage_of(graph, lines_of({alice, scanner}), trail.assumptions);
    const CallerUsage* dev = caller_named(report, "dev-alice");
    REQUIRE(dev != nullptr);
    REQUIRE(dev->assumed_via.size() == 1);
    CHECK(dev->assumed_via[0].find("by arn:aws:iam::111122223333:user/alice") != std::string::npos);
    const CallerUsage* sa = caller_named(report, "system:serviceaccount:security:scanner");
    REQUIRE(sa != nullptr);
    REQUIRE(sa->assumed_via.size() == 1);
    CHECK(sa->assumed_via[0].find("role/scanner-pod") != std::string::npos);
    REQUIRE(report.refused_assumptions.size() == 1);
    CHECK(report.refused_assumptions[0].find("AccessDenied") != std::string::npos);
    // lookup-events output: each record as a JSON string.
    Json lookup = {{"Events", Json::array()}};
    for (const Json& record : records["Records"]) {
        lookup["Events"].push_back({{"EventId", "1"}, {"CloudTrailEvent", record.dump()}});
    }
    CloudTrailRead looked_up;
    read_cloudtrail_text(lookup.dump(), "lookup.json", looked_up);
    CHECK(looked_up.assumptions.size() == 3);
}

TEST_CASE("the suggested roles allow exactly what was used, and are checked by the grant table") {
    const Graph graph = graph_of(kCluster);
    std::vector<EventSpec> specs;
    const Json bob = iam_user("ops-bob", {"ops", "system:authenticated"}, "ops", "bob");
    const auto add = [&](std::string verb, Json ref, std::string uri = "/x") {
        EventSpec spec;
        spec.id = "id-" + std::to_string(specs.size());
        spec.user = bob;
        spec.verb = std::move(verb);
        spec.object_ref = std::move(ref);
        spec.uri = std::move(uri);
        specs.push_back(spec);
    };
    add("get", {{"resource", "pods"}, {"namespace", "dev"}, {"name", "web"}});
    add("list", {{"resource", "pods"}, {"namespace", "dev"}});
    add("get", {{"resource", "nodes"}, {"name", "n1"}});
    add("get", nullptr, "/metrics?x=1");
    for (int i = 0; i < 7; ++i) {  // more names than max_names: the verb is granted on every name
        add("get", {{"resource", "secrets"}, {"namespace", "prod"}, {"name", "s" + std::to_string(i)}});
    }
    const UsageReport report = usage_of(graph, lines_of(specs));
    const std::vector<RoleSuggestion> suggestions = suggest_roles(graph, report, {.max_names = 5});
    REQUIRE(suggestions.size() == 1);
    const RoleSuggestion& suggestion = suggestions[0];
    CHECK(suggestion.caller == "arn:aws:iam::111122223333:role/ops");
    CHECK(suggestion.subject.kind == "Group");
    CHECK(suggestion.failures.empty());
    CHECK(suggestion.verified == specs.size());
    REQUIRE(suggestion.widened.size() == 1);
    CHECK(suggestion.widened[0].find("7 names") != std::string::npos);
    // The mapping gives the role the suggestion's group instead of ops.
    REQUIRE_FALSE(suggestion.mapping_change.empty());
    CHECK(suggestion.mapping_change[0].find("groups [ops] -> [least-privilege-ops]") != std::string::npos);
    CHECK(suggestion.removes[0].find("ops-admins") != std::string::npos);
    // Unused neighbours are refused: another name, another verb, another namespace, another URL.
    const std::vector<Decision> unused = suggestion_decisions(
        graph, suggestion,
        {resource_request("get", "pods", "dev", "db"), resource_request("delete", "pods", "dev", "web"),
         resource_request("list", "pods", "prod"), resource_request("get", "nodes", "", "n2"),
         resource_request("list", "secrets", "prod")});
    for (const Decision& decision : unused) {
        CHECK_FALSE(decision.allowed());
    }
    Request other_url;
    other_url.non_resource = true;
    other_url.verb = "get";
    other_url.path = "/healthz";
    CHECK_FALSE(suggestion_decisions(graph, suggestion, {other_url})[0].allowed());
}

TEST_CASE("a suggestion stands on its own: what the export gives everyone is not taken as already allowed") {
    // The attacker's test: the export may bind system:authenticated to anything; only the objects every
    // cluster has (none here) count as allowed without a rule, so the used request still gets its rule.
    const std::string yaml = std::string(kCluster) + R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-reads-pods}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}
)";
    const Graph graph = graph_of(yaml);
    EventSpec read_pods;
    read_pods.user = iam_user("ops-bob", {"ops", "system:authenticated"}, "ops", "bob");
    const std::vector<RoleSuggestion> suggestions =
        suggest_roles(graph, usage_of(graph, lines_of({read_pods})));
    REQUIRE(suggestions.size() == 1);
    CHECK(suggestions[0].already_allowed.empty());
    CHECK(suggestions[0].verified == 1);
    REQUIRE(suggestions[0].roles.size() == 1);
    CHECK(suggestions[0].roles[0].rules[0].resource_names == std::vector<std::string>{"web"});
}

TEST_CASE("diff --audit: a used request the change refuses breaks its caller, an unused one does not") {
    const Graph base = graph_of(kCluster);
    std::string without = std::string(kCluster);
    const std::size_t at = without.find("kind: RoleBinding");
    REQUIRE(at != std::string::npos);
    without.replace(at, std::string("kind: RoleBinding").size(),
                    "kind: RoleBindingGone");  // not RBAC: ignored
    const Graph head = graph_of(without);
    EventSpec used;
    used.user = iam_user("dev-alice", {"dev", "system:authenticated"}, "developer", "alice");
    UsageLog log;
    AuditReader reader([&](AuditRequest&& request) { log.add(std::move(request)); });
    reader.read_text(lines_of({used}), "audit.jsonl");
    const std::vector<RemovedInUse> removed = removed_in_use(base, head, log);
    REQUIRE(removed.size() == 1);
    CHECK(removed[0].request.resource == "pods");
    CHECK_FALSE(removed[0].undetermined);
    CHECK(removed[0].via.front().find("dev-readers") != std::string::npos);
    // The control: the same log against an unchanged HEAD breaks nothing.
    CHECK(removed_in_use(base, base, log).empty());
}

TEST_CASE("check --audit: a finding gets what the log shows of its binding, its rule and its principals") {
    const Graph graph = graph_of(kCluster);
    EventSpec read_pods;
    read_pods.user = iam_user("dev-alice", {"dev", "system:authenticated"}, "developer", "alice");
    const UsageReport report = usage_of(graph, lines_of({read_pods}));
    const CallerUsage* alice = caller_named(report, "dev-alice");
    REQUIRE(alice != nullptr);
    REQUIRE(alice->grants.size() == 1);
    const GrantUse& readers = alice->grants[0];
    REQUIRE(report.idle_sources.size() == 1);
    std::vector<Finding> findings(3);
    findings[0].location = readers.location;  // the binding that served the request, and its rule
    findings[0].rule_cited = &readers.rules->front();
    findings[1].location = report.idle_sources[0].location;  // ops-admins: served nothing
    findings[2].arns = {"arn:aws:iam::111122223333:role/idle-admin",
                        "arn:aws:iam::111122223333:role/developer"};
    add_evidence(findings, report);
    REQUIRE(findings[0].evidence.size() == 2);
    CHECK(findings[0].evidence[0].find("served 1 requests") != std::string::npos);
    CHECK(findings[0].evidence[1] == "the rule it cites was used");
    REQUIRE(findings[1].evidence.size() == 1);
    CHECK(findings[1].evidence[0].find("served no request") != std::string::npos);
    REQUIRE(findings[2].evidence.size() == 2);
    CHECK(findings[2].evidence[0].find("idle-admin made no request") != std::string::npos);
    CHECK(findings[2].evidence[1].find("developer made 1 requests") != std::string::npos);
    // Without a request in the log there is no evidence either way.
    std::vector<Finding> none(1);
    add_evidence(none, usage_of(graph, ""));
    CHECK(none[0].evidence ==
          std::vector<std::string>{"the audit log holds no request: no evidence either way"});
}

// The sample corpus beside the project (../shared/corpus/audit, synthesized to the documented shapes):
// skipped in a user's clone, where testdata/usage covers the same shapes.
const std::filesystem::path kAuditCorpus = std::filesystem::path(RBACGRAPH_SHARED_CORPUS) / "audit";

TEST_CASE("the sample audit corpus reads as its README counts it, in every shape" *
          doctest::skip(!std::filesystem::exists(kAuditCorpus))) {
    const auto count = [](const std::string& file) {
        Read out;
        AuditReader reader([](AuditRequest&&) {});
        reader.read_path((kAuditCorpus / file).string());
        out.stats = reader.stats();
        out.diagnostics = reader.diagnostics();
        return out;
    };
    // README: 41 events, 35 auditIDs; one record per auditID and the 401 dropped: 34, 29 allow, 5 forbid.
    const Read lines = count("eks-audit.jsonl");
    CHECK(lines.diagnostics.empty());
    CHECK(lines.stats.events == 41);
    CHECK(lines.stats.requests == 34);
    CHECK(lines.stats.allowed == 29);
    CHECK(lines.stats.forbidden == 5);
    const Read filter = count("filter-log-events.json");
    CHECK(filter.diagnostics.empty());
    CHECK(filter.stats.requests == 34);
    const Read page = count("filter-log-events-no-paginate.json");
    CHECK(page.diagnostics.size() == 1);  // one page: says so
    CHECK(page.stats.events == 12);
    CloudTrailRead trail;
    read_cloudtrail_path((kAuditCorpus / "cloudtrail-lookup-events.json").string(), trail);
    CHECK(trail.diagnostics.empty());
    CHECK(trail.assumptions.size() == 7);
}

}  // namespace rbacgraph::test

namespace rbacgraph::test {
namespace {

// The vocabulary of the property below: small, so that used and unused requests share every part.
const std::vector<std::string> kVerbs = {"get", "list", "watch", "create", "delete", "patch"};
const std::vector<std::pair<std::string, std::string>> kResources = {
    {"", "pods"}, {"", "secrets"}, {"apps", "deployments"}, {"", "pods/log"}, {"", "nodes"}};
const std::vector<std::string> kNamespaces = {"", "a", "b"};
const std::vector<std::string> kNames = {"", "n1", "n2", "n3", "n4", "n5", "n6", "n7"};

struct Caller {
    std::string username;
    std::vector<std::string> groups;
};

std::string random_export(std::mt19937& random) {
    const auto chance = [&](int in) { return std::uniform_int_distribution<int>(0, in - 1)(random) == 0; };
    const auto subset = [&](const std::vector<std::string>& values, bool star) {
        std::vector<std::string> out;
        if (star && chance(6)) {
            return std::vector<std::string>{"*"};
        }
        for (const std::string& value : values) {
            if (chance(2)) {
                out.push_back(value);
            }
        }
        if (out.empty()) {
            out.push_back(values[0]);
        }
        return out;
    };
    std::string yaml;
    const int roles = std::uniform_int_distribution<int>(1, 4)(random);
    for (int r = 0; r < roles; ++r) {
        yaml += fmt::format(
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: "
            "role{}}}\nrules:\n",
            r);
        const int rules = std::uniform_int_distribution<int>(1, 3)(random);
        for (int i = 0; i < rules; ++i) {
            const auto& [group, resource] =
                kResources[std::uniform_int_distribution<std::size_t>(0, 4)(random)];
            yaml += fmt::format("- apiGroups: [\"{}\"]\n  resources: [\"{}\"]\n  verbs: [{}]\n", group,
                                resource, fmt::join(subset(kVerbs, true), ", "));
            if (chance(4)) {
                yaml += "  resourceNames: [n1, n2]\n";
            }
        }
    }
    const std::vector<std::string> subjects = {"{kind: User, name: u1}", "{kind: User, name: u2}",
                                               "{kind: Group, name: g1}", "{kind: Group, name: g2}",
                                               "{kind: ServiceAccount, name: sa, namespace: a}"};
    const int bindings = std::uniform_int_distribution<int>(1, 5)(random);
    for (int b = 0; b < bindings; ++b) {
        const std::string ns = kNamespaces[std::uniform_int_distribution<std::size_t>(0, 2)(random)];
        yaml += fmt::format(
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: {}\nmetadata: {{name: b{}{}}}\nroleRef: "
            "{{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: role{}}}\nsubjects:\n- {}\n",
            ns.empty() ? "ClusterRoleBinding" : "RoleBinding", b, ns.empty() ? "" : ", namespace: " + ns,
            std::uniform_int_distribution<int>(0, roles - 1)(random),
            subjects[std::uniform_int_distribution<std::size_t>(0, subjects.size() - 1)(random)]);
    }
    return yaml;
}

Request universe_request(const std::string& verb, const std::pair<std::string, std::string>& resource,
                         const std::string& ns, const std::string& name) {
    const std::size_t slash = resource.second.find('/');
    return normalize_request(
        resource_request(verb, resource.second.substr(0, slash), ns, name, resource.first,
                         slash == std::string::npos ? "" : resource.second.substr(slash + 1)));
}

std::string tuple_of(const Request& request) {
    return fmt::format("{}|{}|{}|{}|{}", request.verb, request.api_group, request.resource,
                       request.subresource, request.ns);
}

}  // namespace

TEST_CASE("property: a suggestion allows every used request and nothing unused") {
    std::mt19937 random(20261207);
    const std::vector<Caller> callers = {
        {"u1", {"g1", "system:authenticated"}},
        {"u2", {"g1", "g2", "system:authenticated"}},
        {"system:serviceaccount:a:sa",
         {"system:serviceaccounts", "system:serviceaccounts:a", "system:authenticated"}}};
    std::size_t checked = 0;
    std::size_t suggested = 0;
    for (int world = 0; world < 120; ++world) {
        CAPTURE(world);
        const std::string yaml = random_export(random);
        CAPTURE(yaml);
        const Graph graph = graph_of(yaml);
        // The log: random requests of random callers, decided as the export decides them.
        std::vector<EventSpec> specs;
        const int events = std::uniform_int_distribution<int>(5, 60)(random);
        for (int e = 0; e < events; ++e) {
            const Caller& caller = callers[std::uniform_int_distribution<std::size_t>(0, 2)(random)];
            const std::string verb =
                kVerbs[std::uniform_int_distribution<std::size_t>(0, kVerbs.size() - 1)(random)];
            const auto& resource = kResources[std::uniform_int_distribution<std::size_t>(0, 4)(random)];
            const std::string ns = kNamespaces[std::uniform_int_distribution<std::size_t>(0, 2)(random)];
            // A create names nothing (the reader clears it); list and watch mostly name nothing.
            std::string name =
                kNames[std::uniform_int_distribution<std::size_t>(0, kNames.size() - 1)(random)];
            if (verb == "create" && resource.second.find('/') == std::string::npos) {
                name.clear();
            }
            const Request request = universe_request(verb, resource, ns, name);
            const Authorizer authorizer(graph, kubernetes_identity(caller.username, caller.groups));
            EventSpec spec;
            spec.id = fmt::format("e{}", e);
            spec.verb = verb;
            spec.user = {{"username", caller.username}, {"groups", caller.groups}};
            spec.object_ref = {{"resource", request.resource}, {"apiGroup", request.api_group}};
            if (!request.subresource.empty()) {
                spec.object_ref["subresource"] = request.subresource;
            }
            if (!request.ns.empty()) {
                spec.object_ref["namespace"] = request.ns;
            }
            if (!request.name.empty()) {
                spec.object_ref["name"] = request.name;
            }
            const bool allowed = authorizer.authorize(request).allowed();
            spec.decision = allowed ? "allow" : "forbid";
            spec.code = allowed ? 200 : 403;
            specs.push_back(spec);
        }
        // Names no rule lists share entries, as the command reads logs: the answers must not change.
        const UsageReport report = usage_of(graph, lines_of(specs), {}, true);
        REQUIRE(report.findings.empty());  // the log was decided by this export
        const std::vector<RoleSuggestion> suggestions = suggest_roles(graph, report, {.max_names = 3});
        for (const RoleSuggestion& suggestion : suggestions) {
            CAPTURE(suggestion.caller);
            ++suggested;
            CHECK(suggestion.failures.empty());
            const CallerUsage* caller = caller_named(report, suggestion.username);
            REQUIRE(caller != nullptr);
            // What was used, per (verb, group, resource, namespace): the names, or every name.
            std::map<std::string, std::optional<std::set<std::string>>> used;
            for (const UsedRequest& request : caller->allowed) {
                auto [at, inserted] = used.try_emplace(tuple_of(request.request), std::set<std::string>{});
                if (request.request.name.empty()) {
                    at->second.reset();
                } else if (at->second) {
                    at->second->insert(request.names.begin(), request.names.end());
                }
            }
            for (auto& [tuple, names] : used) {
                if (names && names->size() > 3) {
                    names.reset();  // widened: granted on every name (max_names)
                }
            }
            std::vector<Request> universe;
            for (const std::string& verb : kVerbs) {
                for (const auto& resource : kResources) {
                    for (const std::string& ns : kNamespaces) {
                        for (const std::string& name : kNames) {
                            universe.push_back(universe_request(verb, resource, ns, name));
                        }
                    }
                }
            }
            const std::vector<Decision> decisions = suggestion_decisions(graph, suggestion, universe);
            for (std::size_t i = 0; i < universe.size(); ++i) {
                const Request& request = universe[i];
                // A request used at cluster scope is granted by a ClusterRoleBinding, which covers every
                // namespace too (rbac.go: ClusterRoleBindings apply to all namespaces): the same request in a
                // namespace is not a new grant.
                Request cluster_wide = request;
                cluster_wide.ns.clear();
                const auto covered = [&](const Request& asked) {
                    const auto at = used.find(tuple_of(asked));
                    return at != used.end() && (!at->second || at->second->count(asked.name) != 0);
                };
                const bool expected = covered(request) || covered(cluster_wide);
                CAPTURE(request.display());
                CHECK(decisions[i].allowed() == expected);
                ++checked;
            }
        }
    }
    MESSAGE(fmt::format("{} suggestions, {} requests compared", suggested, checked));
    CHECK(suggested > 30);
}

}  // namespace rbacgraph::test
