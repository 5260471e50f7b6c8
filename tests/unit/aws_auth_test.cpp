// aws-auth: kubernetes-sigs/aws-iam-authenticator pkg/mapper/configmap/configmap.go (ParseMap, saveMap,
// isSkippable), configmap/mapper.go (Map), pkg/server/server.go (doMapping), and shared/reference/eks-iam.md
// section 3.
#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

std::string aws_auth(std::string_view data) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n" +
           std::string(data);
}

constexpr std::string_view kPodReader = R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: Group, name: readers}, {kind: User, name: u-bob}, {kind: User, name: 'arn:aws:iam::555555555555:user/x'}]
)";

Identity resolve(std::string_view yaml, std::string_view arn) {
    const Graph graph = graph_of(yaml);
    return resolve_arn(graph, arn);
}

TEST_CASE("mapRoles matches sessions of the role, case-insensitively, with templates rendered") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/Dev
      username: dev:{{SessionName}}
      groups: [readers]
)");
    const Identity identity = resolve(yaml, "arn:aws:sts::111122223333:assumed-role/dev/jane@corp.com");
    REQUIRE(identity.authenticated);
    CHECK(identity.source == IdentitySource::kMapRoles);
    CHECK(identity.username.literal_text() == "dev:jane-corp.com");
    REQUIRE(identity.groups.size() == 2);
    CHECK(identity.groups[1].literal_text() == "system:authenticated");
    CHECK(identity.source_location.line == 6);  // the '- rolearn:' line inside the block
}

TEST_CASE("a configured role ARN with a path never matches, neither does an assumed-role ARN") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::1:role/teams/dev
      username: dev
    - rolearn: arn:aws:sts::1:assumed-role/ops/s1
      username: ops
)");
    CHECK_FALSE(resolve(yaml, "arn:aws:sts::1:assumed-role/dev/s").authenticated);
    CHECK_FALSE(resolve(yaml, "arn:aws:iam::1:role/teams/dev").authenticated);
    CHECK_FALSE(resolve(yaml, "arn:aws:sts::1:assumed-role/ops/s1").authenticated);
}

// aws-iam-authenticator pkg/mapper/configmap: entries are looked up by the caller's canonical ARN with
// strings.EqualFold, never as patterns; IAM CreateRole/CreateUser: names match [\w+=,.@-]+, so no caller's
// ARN holds a '*' and an entry 'role/*' matches nobody (aws/containers-roadmap#474).
TEST_CASE("an entry's '*' is literal: no principal is named '*', so role/* matches nobody") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::1:role/*
      username: admin
      groups: [system:masters]
    - rolearn: arn:aws:iam::1:role/dev
      username: dev
)");
    CHECK_FALSE(resolve(yaml, "arn:aws:iam::1:role/*").authenticated);
    CHECK_FALSE(resolve(yaml, "arn:aws:sts::1:assumed-role/admin/s").authenticated);
    CHECK(resolve(yaml, "arn:aws:sts::1:assumed-role/dev/s").authenticated);  // positive control
    const Graph graph = graph_of(yaml);
    for (const Identity& identity : mapped_identities(graph)) {
        CHECK(identity.canonical_arn != "arn:aws:iam::1:role/*");
    }
    const auto status = aws_auth_entry_status(graph, *graph.role_mappings().begin()->second);
    CHECK(status.state == AwsAuthEntryStatus::State::kUnmatchable);
    CHECK(status.revival.empty());  // nothing to suggest: not another wildcard
}

TEST_CASE(
    "entry status: in force, unmatchable with what revives it, shadowed by an access entry or API mode") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::1:role/teams/ci
      username: ci
    - rolearn: arn:aws:iam::1:role/ops
      username: ops
    - rolearn: arn:aws:iam::1:role/dev
      username: dev
)");
    const auto status_of = [](const Graph& graph, std::string_view arn) {
        for (const auto& [key, entry] : graph.role_mappings()) {
            if (entry->arn == arn) {
                return aws_auth_entry_status(graph, *entry);
            }
        }
        FAIL("no entry " << arn);
        return AwsAuthEntryStatus{};
    };
    using State = AwsAuthEntryStatus::State;
    const Graph config_map = graph_of(yaml);
    CHECK(status_of(config_map, "arn:aws:iam::1:role/dev").state == State::kInForce);
    const auto path = status_of(config_map, "arn:aws:iam::1:role/teams/ci");
    CHECK(path.state == State::kUnmatchable);
    CHECK(path.revival == "removing the path (mapping arn:aws:iam::1:role/ci)");
    // EKS access entries: in API_AND_CONFIG_MAP an access entry for the principal wins over aws-auth.
    const std::string both = yaml + R"(---
cluster: {name: c, arn: "arn:aws:eks:us-east-1:1:cluster/c", accessConfig: {authenticationMode: API_AND_CONFIG_MAP}}
---
accessEntry: {principalArn: "arn:aws:iam::1:role/ops", type: STANDARD}
)";
    const Graph shadowed = graph_of(both);
    CHECK(status_of(shadowed, "arn:aws:iam::1:role/ops").state == State::kShadowed);
    CHECK(status_of(shadowed, "arn:aws:iam::1:role/ops").revival == "deleting that access entry");
    CHECK(status_of(shadowed, "arn:aws:iam::1:role/dev").state == State::kInForce);
    std::string api = both;
    api.replace(api.find("API_AND_CONFIG_MAP"), 18, "API");
    const Graph api_mode = graph_of(api);
    CHECK(status_of(api_mode, "arn:aws:iam::1:role/dev").state == State::kShadowed);
    CHECK(status_of(api_mode, "arn:aws:iam::1:role/dev").revival.empty());  // a cluster never leaves API mode
}

TEST_CASE(
    "mapRoles is searched before mapUsers for any principal, a user ARN under mapRoles matches the user") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::1:user/alice
      username: from-roles
  mapUsers: |
    - userarn: arn:aws:iam::1:user/alice
      username: from-users
    - userarn: arn:aws:iam::1:role/r
      username: role-in-users
)");
    CHECK(resolve(yaml, "arn:aws:iam::1:user/Alice").username.literal_text() == "from-roles");
    const Identity role = resolve(yaml, "arn:aws:sts::1:assumed-role/r/s");
    CHECK(role.source == IdentitySource::kMapUsers);
    CHECK(role.username.literal_text() == "role-in-users");
}

TEST_CASE("of duplicate entries the last wins, whole, compared ignoring case") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::1:role/r
      username: first
      groups: [system:masters]
    - rolearn: arn:aws:iam::1:role/R
      username: second
)");
    const Identity identity = resolve(yaml, "arn:aws:iam::1:role/r");
    CHECK(identity.username.literal_text() == "second");
    CHECK_FALSE(identity.is_masters());
}

// configmap/mapper.go Map: roles first, then users; configmap.go saveMap keys them by lower-cased ARN, last
// wins. The hashed lookups must agree with the ordered maps entry for entry, and survive the graph's move.
TEST_CASE("the hashed aws-auth lookups find exactly the entries the ordered maps hold") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::1:role/Ops
      username: ops
    - rolearn: arn:aws:iam::1:role/dev
      username: dev-first
    - rolearn: arn:aws:iam::1:role/DEV
      username: dev-last
  mapUsers: |
    - userarn: arn:aws:iam::1:user/Ann
      username: ann
)");
    Graph built = graph_of(yaml);
    const Graph graph = std::move(built);  // the index views the maps' keys: they must outlive a move
    REQUIRE(graph.role_mappings().size() == 2);
    for (const auto& [key, entry] : graph.role_mappings()) {
        CHECK(graph.role_mapping(key) == entry);
        CHECK(graph.user_mapping(key) == nullptr);
    }
    REQUIRE(graph.user_mappings().size() == 1);
    CHECK(graph.user_mapping("arn:aws:iam::1:user/ann") == graph.user_mappings().begin()->second);
    CHECK(graph.role_mapping("arn:aws:iam::1:user/ann") == nullptr);
    REQUIRE(graph.role_mapping("arn:aws:iam::1:role/dev") != nullptr);
    CHECK(graph.role_mapping("arn:aws:iam::1:role/dev")->username == "dev-last");
    // Keys are lower-cased by the caller; the written case is not a key.
    CHECK(graph.role_mapping("arn:aws:iam::1:role/Ops") == nullptr);
    CHECK(graph.role_mapping("arn:aws:iam::1:role/ops") != nullptr);
    CHECK(graph.role_mapping("arn:aws:iam::1:role/op") == nullptr);
    CHECK(resolve_arn(graph, "arn:aws:sts::1:assumed-role/Ops/s").username.literal_text() == "ops");
    CHECK(resolve_arn(graph, "arn:aws:iam::1:user/ANN").username.literal_text() == "ann");
}

TEST_CASE("entry keys are case-insensitive, data keys are case-sensitive") {
    CHECK(resolve(aws_auth("  mapRoles: |\n    - rOlEaRn: arn:aws:iam::1:role/r\n      UsErNaMe: x\n"),
                  "arn:aws:iam::1:role/r")
              .authenticated);
    const std::string lower =
        aws_auth("  maproles: |\n    - rolearn: arn:aws:iam::1:role/r\n      username: x\n");
    const Export loaded = load_yaml(lower);
    CHECK_FALSE(Graph(load_yaml(lower), test_options()).role_mappings().size() > 0);
    CHECK(loaded.diagnostics.size() == 1);
}

TEST_CASE("mapAccounts admits any principal of the account as its canonical ARN with no groups") {
    const std::string yaml = aws_auth("  mapAccounts: |\n    - 555555555555\n") + std::string(kPodReader);
    const Graph graph = graph_of(yaml);
    const Identity identity = resolve_arn(graph, "arn:aws:sts::555555555555:assumed-role/any/s");
    CHECK(identity.source == IdentitySource::kMapAccounts);
    CHECK(identity.username.literal_text() == "arn:aws:iam::555555555555:role/any");
    CHECK(identity.groups.size() == 1);
    CHECK(arn_can(graph, "arn:aws:iam::555555555555:user/x", resource_request("get", "pods")));
    CHECK_FALSE(resolve_arn(graph, "arn:aws:iam::444455556666:user/x").authenticated);
}

TEST_CASE("a template that fails to render denies the login, with no fall-back to mapAccounts") {
    const std::string yaml = aws_auth(R"(  mapUsers: |
    - userarn: arn:aws:iam::1:user/n
      username: system:node:{{EC2PrivateDNSName}}
  mapAccounts: |
    - "1"
)");
    const Identity identity = resolve(yaml, "arn:aws:iam::1:user/n");
    CHECK_FALSE(identity.authenticated);
    CHECK(identity.denial.find("instance ID") != std::string::npos);
}

TEST_CASE("a bare role ARN stands for every session: u-{{SessionName}} reaches a binding for u-bob") {
    const std::string yaml = aws_auth(
                                 "  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/dev\n      username: "
                                 "u-{{SessionName}}\n") +
                             std::string(kPodReader);
    const Graph graph = graph_of(yaml);
    const Authorizer authorizer(graph, resolve_arn(graph, "arn:aws:iam::1:role/dev"));
    const Decision decision = authorizer.authorize(resource_request("get", "pods"));
    REQUIRE(decision.allowed());
    CHECK(decision.grants[0].witness == "bob");
    CHECK_FALSE(arn_can(graph, "arn:aws:sts::1:assumed-role/dev/carol", resource_request("get", "pods")));
    CHECK(arn_can(graph, "arn:aws:sts::1:assumed-role/dev/bob", resource_request("get", "pods")));
}

TEST_CASE(
    "bad mapRoles input: wrong field types keep the entry, missing ARNs drop it, parse errors drop the key") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::1:role/a
      username: a
      groups: system:masters
    - username: no-arn
  mapUsers: |
    - userarn: [oops
)");
    const Export loaded = load_yaml(yaml);
    REQUIRE(loaded.aws_auth);
    REQUIRE(loaded.aws_auth->map_roles.size() == 1);
    CHECK(loaded.aws_auth->map_roles[0].groups.empty());
    CHECK(loaded.aws_auth->map_users.empty());
    CHECK(errors_in(loaded) == 3);
    for (const Diagnostic& diagnostic : loaded.diagnostics) {
        CHECK(diagnostic.location.line > 0);
        CHECK(diagnostic.object == "ConfigMap kube-system/aws-auth");
    }
}

TEST_CASE("messages describe a list or mapping by its type, a scalar by its type and text") {
    const std::string yaml = aws_auth(R"(  mapRoles: |
    - rolearn: arn:aws:iam::1:role/a
      username: [a, b]
      groups: {admins: yes}
    - rolearn: arn:aws:iam::1:role/b
      username: 42
)");
    const Export loaded = load_yaml(yaml);
    REQUIRE(loaded.diagnostics.size() == 3);
    CHECK(loaded.diagnostics[0].message.starts_with("'username' is list, not a string"));
    CHECK(loaded.diagnostics[1].message.starts_with("'groups' is a mapping, not a list"));
    CHECK(loaded.diagnostics[2].message.starts_with("'username' is integer '42', not a string"));
}

TEST_CASE("a data value that is not a string makes the API server reject the whole ConfigMap") {
    const std::string yaml =
        aws_auth("  mapRoles:\n    - rolearn: arn:aws:iam::1:role/a\n      username: a\n");
    const Export loaded = load_yaml(yaml);
    CHECK_FALSE(loaded.aws_auth);
    CHECK(errors_in(loaded) == 1);
    CHECK(loaded.summary.rejected == 1);
}

TEST_CASE("skippable values and a mis-indented group that folds into one") {
    const std::string yaml = aws_auth(R"(  mapUsers: "''"
  mapAccounts: "  "
  mapRoles: |
    - rolearn: arn:aws:iam::1:role/n
      username: node
      groups:
        - system:bootstrappers
         - system:nodes
)");
    const Export loaded = load_yaml(yaml);
    CHECK(errors_in(loaded) == 0);
    REQUIRE(loaded.aws_auth->map_roles.size() == 1);
    CHECK(loaded.aws_auth->map_roles[0].groups ==
          std::vector<std::string>{"system:bootstrappers - system:nodes"});
}

TEST_CASE("an entry without username authenticates with an empty username, and says so") {
    const Identity identity =
        resolve(aws_auth("  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/r\n      groups: [readers]\n"),
                "arn:aws:iam::1:role/r");
    CHECK(identity.authenticated);
    CHECK(identity.username.literal_text().empty());
    CHECK(identity.notes.size() >= 1);
}

TEST_CASE("only kube-system/aws-auth is read") {
    const std::string yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: default}\ndata:\n"
        "  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/r\n      username: x\n";
    const Export loaded = load_yaml(yaml);
    CHECK_FALSE(loaded.aws_auth);
    CHECK(loaded.diagnostics.size() == 1);
}

// aws-iam-authenticator decodes entries YAML -> JSON -> encoding/json (reference eks-iam.md 3.2): the JSON
// step sorts keys, and every key that folds to a field's name sets it, so the last in byte order wins
// wherever it stands in the file; folding includes U+017F (long s) and U+212A (Kelvin sign), as
// bytes.EqualFold does.
bool has_group(const Identity& identity, std::string_view group) {
    return std::any_of(identity.groups.begin(), identity.groups.end(),
                       [&](const IdentityValue& value) { return value.literal_text() == group; });
}

TEST_CASE(
    "aws-auth entry keys: of groups and Groups, 'groups' (last in byte order) wins, and a long s folds to "
    "s") {
    const std::string entry =
        "  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/x\n      username: x\n";
    const Identity later_upper =
        resolve(aws_auth(entry + "      groups: [readers]\n      Groups: [viewers]\n"),
                "arn:aws:iam::111122223333:role/x");
    CHECK(has_group(later_upper, "readers"));
    CHECK_FALSE(has_group(later_upper, "viewers"));
    const Identity earlier_upper =
        resolve(aws_auth(entry + "      Groups: [viewers]\n      groups: [readers]\n"),
                "arn:aws:iam::111122223333:role/x");
    CHECK(has_group(earlier_upper, "readers"));
    CHECK_FALSE(has_group(earlier_upper, "viewers"));
    // U+017F folds to 's': the key is the groups field to encoding/json.
    const Identity long_s =
        resolve(aws_auth(entry + "      group\xC5\xBF: [readers]\n"), "arn:aws:iam::111122223333:role/x");
    CHECK(has_group(long_s, "readers"));
    // Positive control: one key, read as written.
    const Identity plain =
        resolve(aws_auth(entry + "      groups: [viewers]\n"), "arn:aws:iam::111122223333:role/x");
    CHECK(has_group(plain, "viewers"));
}

// The authenticator decodes each string with one go-yaml v2 Unmarshal, which reads the first document only:
// an empty first document ("---" then "---") is null, so the entries after it map nobody (fuzz seed
// aws-auth-empty-first-document). No "---" line is cut away there, unlike in a kubectl stream.
TEST_CASE("an empty first document in an aws-auth string maps nobody, as one Unmarshal reads it") {
    const Export empty_first =
        load_yaml(aws_auth("  mapAccounts: |\n    ---\n    ---\n    - \"555555555555\"\n"));
    REQUIRE(empty_first.aws_auth);
    CHECK(empty_first.aws_auth->map_accounts.empty());
    CHECK(std::any_of(empty_first.diagnostics.begin(), empty_first.diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::kWarning; }));
    const Export roles =
        load_yaml(aws_auth("  mapRoles: |\n    ---\n    # none yet\n    ---\n    - rolearn: "
                           "arn:aws:iam::111122223333:role/r\n      username: r\n"));
    REQUIRE(roles.aws_auth);
    CHECK(roles.aws_auth->map_roles.empty());
    // Positive control: one "---" before the entries starts the document that holds them.
    const Export one = load_yaml(aws_auth("  mapAccounts: |\n    ---\n    - \"555555555555\"\n"));
    REQUIRE(one.aws_auth);
    CHECK(one.aws_auth->map_accounts.size() == 1);
}

}  // namespace
}  // namespace rbacgraph::test
