// Rules ask the grant table through its door (rbacgraph/grants.hpp), so what a finding says is what can-i and
// who-can say (issue 27): each case is a rule that read around the table and contradicted it, with its
// positive control.
#include <fmt/format.h>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::test {
namespace {

std::vector<Finding> findings_of(const Graph& graph, std::string_view slug) {
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {std::string(slug)};
    run.options.include_builtin = true;
    return run_checks(graph, run).findings;
}

TEST_CASE(
    "dashboard-binding: a ServiceAccount subject that matches nobody is not reported (rule.go "
    "appliesToUser)") {
    constexpr std::string_view kBinding = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dashboard}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: kubernetes-dashboardNAMESPACE}]
)";
    std::string without(kBinding);
    without.replace(without.find("NAMESPACE"), 9, "");
    // A ClusterRoleBinding's ServiceAccount without a namespace matches nobody: who-can leaves it out, and so
    // does the rule.
    const Graph nobody = graph_of(without);
    CHECK(findings_of(nobody, "dashboard-binding").empty());
    CHECK(who_can(nobody, resource_request("list", "pods")).subjects.size() == 1);  // system:masters only
    // Positive control: with its namespace it is a holder, and reported.
    std::string with(kBinding);
    with.replace(with.find("NAMESPACE"), 9, ", namespace: kubernetes-dashboard");
    const Graph holder = graph_of(with);
    REQUIRE(findings_of(holder, "dashboard-binding").size() == 1);
    CHECK(findings_of(holder, "dashboard-binding")[0].subjects ==
          std::vector<std::string>{"ServiceAccount kubernetes-dashboard/kubernetes-dashboard"});
}

TEST_CASE("capability-drivers: access policies drive a capability only in the API modes, as who-can says") {
    constexpr std::string_view kCluster = R"(
cluster: {name: c, accessConfig: {authenticationMode: MODE}}
---
capability: {capabilityName: ack, type: ACK, roleArn: "arn:aws:iam::1:role/ack"}
---
accessEntry: {principalArn: "arn:aws:iam::1:role/ack-user", type: STANDARD}
---
principalArn: "arn:aws:iam::1:role/ack-user"
associatedAccessPolicies:
- {policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSACKPolicy", accessScope: {type: cluster}}
)";
    const auto drivers_in = [&](std::string mode) {
        std::string text(kCluster);
        text.replace(text.find("MODE"), 4, mode);
        const Graph graph = graph_of(text);
        const std::vector<Finding> findings = findings_of(graph, "capability-drivers");
        REQUIRE(findings.size() == 1);
        // who-can, asked for an ACK resource, names the same principals.
        const WhoCan answer =
            who_can(graph, resource_request("create", "buckets", "data", "", "s3.services.k8s.aws"));
        std::vector<std::string> principals;
        for (const WhoCanPrincipal& principal : answer.principals) {
            principals.push_back(principal.identity.arn);
        }
        return std::pair(findings[0].subjects, principals);
    };
    // CONFIG_MAP: access entries and their policies grant nothing (EKS user guide, grant-k8s-access).
    const auto config_map = drivers_in("CONFIG_MAP");
    CHECK(config_map.first.empty());
    CHECK(config_map.second.empty());
    // Positive control: in API mode the policy's principal drives it.
    const auto api = drivers_in("API");
    CHECK(api.first == std::vector<std::string>{"arn:aws:iam::1:role/ack-user"});
    CHECK(api.second == std::vector<std::string>{"arn:aws:iam::1:role/ack-user"});
}

TEST_CASE("cluster-admin-binding cites the rule that grants everything, as can-i --explain does") {
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: admin-ish}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get]
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin-ish}
subjects: [{kind: Group, name: ops}]
)");
    const std::vector<Finding> findings = findings_of(graph, "cluster-admin-binding");
    REQUIRE(findings.size() == 1);
    // can-i '*' '*' --explain: the grant's rule.
    const Decision decision = Authorizer(graph, kubernetes_identity("u", {"ops"}))
                                  .authorize(resource_request("*", "*", "", "", "*"));
    REQUIRE(decision.allowed());
    const PolicyRule* cited = granted_rule(graph, decision.grants.front());
    REQUIRE(cited != nullptr);
    CHECK(cited->location.line == 9);
    CHECK(findings[0].message.find(fmt::format("rule at test.yaml:{}:", cited->location.line)) !=
          std::string::npos);
    // Positive control: the first rule (get pods) is not what it cites.
    CHECK(findings[0].message.find("test.yaml:6:") == std::string::npos);
}

}  // namespace
}  // namespace rbacgraph::test
