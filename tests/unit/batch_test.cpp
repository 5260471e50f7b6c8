// can-i --batch contract (issue 3): one JSON answer per line, in order; a bad line gives an error and the
// rest go on.
#include <set>
#include <sstream>

#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

constexpr std::string_view kExport = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ns-reader}
rules: [{apiGroups: [''], resources: [namespaces], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: team}
roleRef: {kind: ClusterRole, name: ns-reader}
subjects: [{kind: Group, name: system:authenticated}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapUsers: |
    - userarn: arn:aws:iam::1:user/admin
      username: admin
      groups: [system:masters]
)";

std::vector<std::string> run(std::string_view input) {
    const Graph graph = graph_of(kExport);
    std::istringstream in{std::string(input)};
    std::ostringstream out;
    run_batch(graph, in, out);
    std::vector<std::string> lines;
    std::istringstream lines_in(out.str());
    for (std::string line; std::getline(lines_in, line);) {
        lines.push_back(line);
    }
    return lines;
}

TEST_CASE("answers in order, echoing ids, bad lines answer with an error") {
    const auto lines =
        run(R"({"id": 1, "arn": "arn:aws:iam::1:user/admin", "verb": "delete", "resource": "nodes"}
{"id": "two", "user": "jane", "verb": "get", "resource": "namespaces", "name": "team"}
{"id": 3, "user": "jane", "verb": "get", "resource": "namespaces", "name": "other"}
not json
{"id": 5, "verb": "get", "resource": "pods"}
{"id": 6, "user": "jane", "groups": "devs", "verb": "get", "resource": "pods"}
{"id": 7, "arn": "arn:aws:iam::1:user/nobody", "verb": "get", "path": "/healthz"}
{"id": 8, "user": "system:anonymous", "groups": ["system:unauthenticated"], "verb": "get", "resource": "namespaces", "name": "team"}
{"id": 9, "arn": "arn:aws:iam::1:user/admin", "verb": "get", "path": "healthz"}
)");
    REQUIRE(lines.size() == 9);
    CHECK(lines[0] == R"({"allowed":true,"id":1})");
    // A request on a named namespace is filed under that namespace; "user" identities carry
    // system:authenticated.
    CHECK(lines[1] == R"({"allowed":true,"id":"two"})");
    CHECK(lines[2] == R"({"allowed":false,"id":3})");
    CHECK(lines[3] == R"({"error":"not a JSON object","line":4})");
    CHECK(lines[4].find("exactly one of") != std::string::npos);
    CHECK(lines[5].find("list of strings") != std::string::npos);
    CHECK(lines[6] == R"({"allowed":false,"authenticated":false,"id":7})");
    CHECK(lines[7] == R"({"allowed":false,"id":8})");
    CHECK(lines[8].find("must start with '/'") != std::string::npos);
}

// Flat lines of plain strings take a fast reader; a nested field sends the same request to nlohmann/json.
// Both must answer alike, byte for byte, whatever the line holds.
TEST_CASE("the fast line reader answers exactly as the general JSON reader") {
    const std::vector<std::string> lines = {
        R"({"id": 1, "arn": "arn:aws:iam::1:user/admin", "verb": "delete", "resource": "nodes")",
        R"({"id": "two", "user": "jane", "verb": "get", "resource": "namespaces", "name": "team")",
        R"({"id": -42, "user": "jane", "groups": ["a", "b"], "verb": "get", "resource": "namespaces", "name": "x")",
        R"({"id": 0, "verb": "get", "resource": "pods")",
        R"({"user": "jane", "arn": "arn:aws:iam::1:user/admin", "verb": "get", "resource": "pods")",
        R"({"id": 7, "arn": "arn:aws:iam::1:user/nobody", "verb": "get", "path": "/healthz")",
        R"({"id": 9, "arn": "arn:aws:iam::1:user/admin", "verb": "get", "path": "healthz")",
        R"({"id": 10, "arn": "arn:aws:iam::1:user/admin", "groups": ["g"], "verb": "get", "resource": "pods")",
        R"({"id": 11, "user": "jane", "verb": "get", "resource": "pods", "path": "/x")",
        R"({"id": 12, "user": "jane", "verb": "get", "resource": "pods/log", "subresource": "exec")",
        R"({"id": 13, "user": "jane", "verb": "get", "resource": "deployments.apps", "apiGroup": "x")",
        R"({"id": 14, "user": "jane", "verb": "list", "resource": "pods", "namespace": "team", "extra": "ok")",
        R"({"id": 123456789012345678, "user": "jane", "verb": "get", "resource": "namespaces")",
        R"({ "id" : 15 , "user" : "jane" , "verb" : "get" , "resource" : "namespaces" )",
        R"({"user": "system:anonymous", "groups": [], "verb": "get", "resource": "namespaces", "name": "team")",
    };
    for (const std::string& line : lines) {
        CAPTURE(line);
        const auto fast = run(line + "}\n");
        const auto general = run(line + R"(, "zz": {"nested": [1]}})" + "\n");
        REQUIRE(fast.size() == 1);
        CHECK(fast == general);
    }
    // Lines the fast reader hands over: escapes, non-ASCII, floats, null, repeated keys, trailing text.
    const auto handed =
        run(R"({"id": 1.5, "user": "ja\u006ee", "verb": "get", "resource": "namespaces", "name": "team"}
{"id": null, "user": "jane", "verb": "get", "resource": "namespaces", "name": "tëam"}
{"id": 3, "user": "x", "user": "jane", "verb": "get", "resource": "namespaces", "name": "team"}
{"id": 4, "user": "jane", "verb": "get", "resource": "namespaces"} trailing
{"id": 01, "user": "jane", "verb": "get", "resource": "namespaces"}
)");
    REQUIRE(handed.size() == 5);
    CHECK(handed[0] == R"({"allowed":true,"id":1.5})");
    CHECK(handed[1] == R"({"allowed":false,"id":null})");
    CHECK(handed[2] == R"({"allowed":true,"id":3})");  // the last of repeated keys
    CHECK(handed[3] == R"({"error":"not a JSON object","line":4})");
    CHECK(handed[4] == R"({"error":"not a JSON object","line":5})");
}

TEST_CASE("large batches answer in input order across workers") {
    std::string input;
    for (int i = 0; i < 5000; ++i) {
        input += R"({"id": )" + std::to_string(i) +
                 R"(, "user": "jane", "verb": "get", "resource": "namespaces", "name": ")" +
                 (i % 3 == 0 ? "team" : "other") + "\"}\n";
        if (i % 1000 == 0) {
            input += "\n";  // blank lines are skipped
        }
    }
    const auto answers = run(input);
    REQUIRE(answers.size() == 5000);
    for (int i = 0; i < 5000; ++i) {
        CHECK(answers[i] == R"({"allowed":)" + std::string(i % 3 == 0 ? "true" : "false") + R"(,"id":)" +
                                std::to_string(i) + "}");
    }
}

// Lines are answered grouped by who asks (issue 33): identities interleaved in one block, users that differ
// only by a group, and the same user with its groups in another order must each get the answer a block of
// that one line gets.
TEST_CASE("interleaved identities in one block answer as each line alone") {
    const std::vector<std::string> askers = {
        R"("arn": "arn:aws:iam::1:user/admin")",
        R"("user": "jane")",
        R"("user": "jane", "groups": ["system:authenticated"])",
        R"("user": "jane", "groups": ["system:authenticated", "ops"])",
        R"("user": "jane", "groups": ["ops", "system:authenticated"])",
        R"("user": "bob", "groups": ["system:authenticated"])",
        R"("arn": "arn:aws:iam::1:user/nobody")",
        R"("user": "jane", "groups": ["system:masters"])",  // only the groups tell it from the jane above
    };
    const std::vector<std::string> asks = {
        R"("verb": "get", "resource": "namespaces", "name": "team")",
        R"("verb": "get", "resource": "namespaces", "name": "team", "namespace": "team")",
        R"("verb": "delete", "resource": "pods", "namespace": "team")",
    };
    std::string input;
    std::vector<std::string> alone;
    for (int i = 0; i < 3000; ++i) {
        const std::string line = "{" + askers[(i * 3) % askers.size()] + ", " + asks[(i / 5) % asks.size()] +
                                 R"(, "id": )" + std::to_string(i) + "}";
        input += line + "\n";
        const auto answer = run(line);
        REQUIRE(answer.size() == 1);
        alone.push_back(answer.front());
    }
    const auto answers = run(input);
    REQUIRE(answers.size() == alone.size());
    std::size_t allowed = 0;
    for (std::size_t i = 0; i < alone.size(); ++i) {
        CHECK(answers[i] == alone[i]);
        allowed += alone[i].starts_with(R"({"allowed":true)") ? 1 : 0;
    }
    // Both answers occur (a control: the comparison is not of refusals only).
    CHECK(allowed > 0);
    CHECK(allowed < alone.size());
}

TEST_CASE("resource words: RESOURCE/SUB, RESOURCE.GROUP and conflicts") {
    auto request =
        make_request({.verb = "update", .resource = "deployments.apps/scale", .name = "web", .ns = "ns"});
    REQUIRE(std::holds_alternative<Request>(request));
    const Request& parsed = std::get<Request>(request);
    CHECK(parsed.resource == "deployments");
    CHECK(parsed.api_group == "apps");
    CHECK(parsed.subresource == "scale");
    CHECK(std::holds_alternative<std::string>(
        make_request({.verb = "get", .resource = "pods/log", .subresource = "exec"})));
    CHECK(std::holds_alternative<std::string>(
        make_request({.verb = "get", .resource = "deployments.apps", .api_group = "extensions"})));
    CHECK(std::holds_alternative<std::string>(
        make_request({.verb = "get", .resource = "/healthz", .ns = "ns"})));
    // Positive controls for the conflicts above.
    CHECK(std::holds_alternative<Request>(
        make_request({.verb = "get", .resource = "pods", .subresource = "log"})));
    CHECK(std::holds_alternative<Request>(make_request({.verb = "get", .resource = "/healthz"})));
}

}  // namespace
}  // namespace rbacgraph::test

namespace rbacgraph::test {
namespace {

std::string rows_text(const WhatCan& answer) {
    std::string out = answer.identity.arn + (answer.masters ? " masters" : "") + "\n";
    for (const PermissionRow& row : answer.rows) {
        out += row.ns + "|" + row.resource + "|" + row.via + "|";
        for (const std::string& verb : row.verbs) {
            out += verb + ",";
        }
        out += "\n";
    }
    return out;
}

// what_can_each spreads identities over the cores; each answer must be what what_can gives alone, in order.
TEST_CASE("what_can_each answers every identity as what_can does, in order") {
    const Graph graph(load_paths({std::string(RBACGRAPH_SOURCE_DIR) + "/testdata/demo"}));
    const std::vector<Identity> identities = mapped_identities(graph);
    REQUIRE(identities.size() > 3);
    const std::vector<WhatCan> all = what_can_each(graph, identities);
    REQUIRE(all.size() == identities.size());
    std::size_t rows = 0;
    for (std::size_t i = 0; i < identities.size(); ++i) {
        CHECK(rows_text(all[i]) == rows_text(what_can(graph, Authorizer(graph, identities[i]))));
        rows += all[i].rows.size();
    }
    CHECK(rows > 10);
}

}  // namespace
}  // namespace rbacgraph::test

namespace rbacgraph::test {
namespace {

// Hands out one line at a time, as a caller on a pipe that waits for each answer before it writes the next
// request; asking for a line before the previous answer was written would block such a caller forever.
class WaitingCaller : public std::streambuf {
  public:
    WaitingCaller(std::vector<std::string> lines, const std::ostringstream& answers)
        : lines_(std::move(lines)), answers_(answers) {}
    std::size_t early_reads = 0;

  protected:
    int_type underflow() override {
        if (next_ >= lines_.size()) {
            return traits_type::eof();
        }
        const std::string written = answers_.str();
        if (static_cast<std::size_t>(std::count(written.begin(), written.end(), '\n')) != next_) {
            ++early_reads;
        }
        current_ = lines_[next_++] + "\n";
        setg(current_.data(), current_.data(), current_.data() + current_.size());
        return traits_type::to_int_type(current_[0]);
    }
    std::streamsize showmanyc() override { return 0; }  // nothing more without waiting

  private:
    std::vector<std::string> lines_;
    const std::ostringstream& answers_;
    std::size_t next_ = 0;
    std::string current_;
};

// what_can_each spreads identities over threads; any sharing of a grant's rows between identities must keep
// how each holds it: one binding held by two roles through different session-name templates is held with
// different witnesses, which the answer names; rows shared by grant alone would give both the same text.
TEST_CASE("what_can_each keeps how each identity holds a grant it shares with others") {
    const Graph graph = graph_of(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::1:role/plain
      username: "{{SessionName}}"
    - rolearn: arn:aws:iam::1:role/prefixed
      username: "x-{{SessionName}}"
    - rolearn: arn:aws:iam::1:role/other
      username: "x-{{SessionName}}"
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [''], resources: [pods], verbs: [get]}, {apiGroups: [''], resources: [pods], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: x-alice-reads}
roleRef: {kind: ClusterRole, name: reader}
subjects: [{kind: User, name: x-alice}]
)");
    const std::vector<Identity> mapped = mapped_identities(graph);
    REQUIRE(mapped.size() == 3);
    // Interleaved and repeated, so that every thread meets both ways of holding the grant.
    std::vector<Identity> identities;
    for (int round = 0; round < 16; ++round) {
        identities.insert(identities.end(), mapped.begin(), mapped.end());
    }
    const std::vector<WhatCan> all = what_can_each(graph, identities);
    std::set<std::string> vias;
    for (std::size_t i = 0; i < identities.size(); ++i) {
        CHECK(rows_text(all[i]) == rows_text(what_can(graph, Authorizer(graph, identities[i]))));
        REQUIRE(all[i].rows.size() == 1);  // the two rules of one grant merge into one row
        CHECK(all[i].rows[0].verbs == std::vector<std::string>{"get", "list"});
        vias.insert(all[i].rows[0].via);
    }
    CHECK(vias.size() == 2);  // witness x-alice (plain) and alice (prefixed, other)
}

TEST_CASE("a caller that waits for each answer gets it before it sends the next request") {
    const Graph graph = graph_of(kExport);
    std::ostringstream out;
    WaitingCaller caller(
        {R"({"id": 1, "user": "jane", "verb": "get", "resource": "namespaces", "name": "team"})",
         R"({"id": 2, "user": "jane", "verb": "get", "resource": "namespaces", "name": "x"})",
         R"({"id": 3, "arn": "arn:aws:iam::1:user/admin", "verb": "delete", "resource": "nodes"})"},
        out);
    std::istream in(&caller);
    const BatchStats stats = run_batch(graph, in, out);
    CHECK(stats.requests == 3);
    CHECK(caller.early_reads == 0);
    CHECK(out.str() ==
          "{\"allowed\":true,\"id\":1}\n{\"allowed\":false,\"id\":2}\n{\"allowed\":true,\"id\":3}\n");
}

}  // namespace
}  // namespace rbacgraph::test
