// rbacgraph diff (docs/diff.md): permissions compare by what they allow, not by the grant; identity changes
// (aws-auth edits, access entries, the authentication mode) are access changes; a gain is rated by the new
// findings that name its holder.
#include "rbacgraph/diff.hpp"

#include <fmt/format.h>

#include "helpers.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::test {
namespace {

AccessDiff diff_of(const std::vector<std::pair<std::string, std::string>>& base,
                   const std::vector<std::pair<std::string, std::string>>& head) {
    const Graph before(load_files(base));
    const Graph after(load_files(head));
    CheckRun run;
    run.rules = builtin_rules();
    return diff_access(before, after, run_checks(before, run), run_checks(after, run));
}

const AccessChange* change_of(const AccessDiff& diff, std::string_view principal) {
    const auto found =
        std::find_if(diff.changes.begin(), diff.changes.end(),
                     [&](const AccessChange& change) { return change.principal == principal; });
    return found == diff.changes.end() ? nullptr : &*found;
}

std::string binding(std::string_view name, std::string_view role, std::string_view group) {
    return fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: {}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {}}}
subjects: [{{apiGroup: rbac.authorization.k8s.io, kind: Group, name: {}}}]
)",
                       name, role, group);
}

std::string role(std::string_view name, std::string_view resource, std::string_view verbs) {
    return fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: {}}}
rules: [{{apiGroups: [""], resources: [{}], verbs: [{}]}}]
)",
                       name, resource, verbs);
}

std::string aws_auth(std::string_view groups) {
    return fmt::format(R"(apiVersion: v1
kind: ConfigMap
metadata: {{name: aws-auth, namespace: kube-system}}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ci
      username: ci
      groups: [{}]
)",
                       groups);
}

TEST_CASE("diff: the same access through another binding is no change; one more verb is") {
    const auto base =
        std::vector<std::pair<std::string, std::string>>{{"a.yaml", aws_auth("ops")},
                                                         {"r.yaml", role("reader", "configmaps", "get")},
                                                         {"b.yaml", binding("one", "reader", "ops")}};
    const AccessDiff same = diff_of(base, {{"a.yaml", aws_auth("ops")},
                                           {"r.yaml", role("reader2", "configmaps", "get")},
                                           {"b.yaml", binding("two", "reader2", "ops")}});
    CHECK(same.changes.empty());  // neither the role's ARN nor Group ops can do anything else
    // Positive control: list added.
    const AccessDiff more = diff_of(base, {{"a.yaml", aws_auth("ops")},
                                           {"r.yaml", role("reader", "configmaps", "get, list")},
                                           {"b.yaml", binding("one", "reader", "ops")}});
    const AccessChange* ci = change_of(more, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    REQUIRE(ci->gained.size() == 1);
    CHECK(ci->gained[0].verbs == std::vector<std::string>{"list"});
    CHECK(ci->lost.empty());
    // get/list configmaps trips no rule: below every threshold.
    CHECK_FALSE(ci->severity);
    CHECK(more.failing(RiskSeverity::kInfo) == 0);
}

TEST_CASE("diff: gaining get secrets cluster-wide is rated by the finding it brings (high)") {
    const AccessDiff diff = diff_of({{"a.yaml", aws_auth("ops")},
                                     {"r.yaml", role("reader", "configmaps", "get")},
                                     {"b.yaml", binding("one", "reader", "ops")}},
                                    {{"a.yaml", aws_auth("ops")},
                                     {"r.yaml", role("reader", "secrets", "get")},
                                     {"b.yaml", binding("one", "reader", "ops")}});
    const AccessChange* ci = change_of(diff, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->severity == RiskSeverity::kHigh);
    CHECK(ci->gained.size() == 1);
    CHECK(ci->lost.size() == 1);
    CHECK(diff.failing(RiskSeverity::kHigh) == 1);
    CHECK(diff.failing(RiskSeverity::kCritical) == 0);
    CHECK(diff.failing(std::nullopt) == 0);
    REQUIRE(diff.new_findings.size() == 1);
    CHECK(diff.new_findings[0].rule == "secrets-access");
}

TEST_CASE("diff: an aws-auth edit into system:masters is an identity change and everything gained") {
    const AccessDiff diff = diff_of({{"a.yaml", aws_auth("ops")}}, {{"a.yaml", aws_auth("system:masters")}});
    const AccessChange* ci = change_of(diff, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->identity_changed());
    CHECK(ci->identity_after.find("system:masters") != std::string::npos);
    REQUIRE(ci->gained.size() == 1);
    CHECK(ci->gained[0].via.find("system:masters") != std::string::npos);
    CHECK(ci->severity == RiskSeverity::kCritical);
}

TEST_CASE("diff: moving a cluster to API mode kills its aws-auth entries (lost access)") {
    const std::string config_map =
        R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}})";
    const std::string api = R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": "API"}}})";
    const AccessDiff diff = diff_of({{"a.yaml", aws_auth("system:masters")}, {"c.json", config_map}},
                                    {{"a.yaml", aws_auth("system:masters")}, {"c.json", api}});
    const AccessChange* ci = change_of(diff, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->identity_after == "does not authenticate");
    CHECK(ci->gained.empty());
    CHECK(ci->lost.size() == 1);
    CHECK_FALSE(ci->severity);
}

}  // namespace
}  // namespace rbacgraph::test
