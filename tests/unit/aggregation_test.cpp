// ClusterRole aggregation: kubernetes/kubernetes
// pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go, and the decision in
// shared/reference/README.md (stored rules: union, difference reported).
#include <fmt/format.h>

#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

std::string cluster_role(std::string_view name, std::string_view labels, std::string_view rules,
                         std::string_view aggregation = "") {
    std::string text =
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: " +
        std::string(name) + "\n  labels: " + std::string(labels) + "\nrules: " + std::string(rules) + "\n";
    if (!aggregation.empty()) {
        text += "aggregationRule:\n  clusterRoleSelectors: " + std::string(aggregation) + "\n";
    }
    return text;
}

std::string bind(std::string_view role) {
    return "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b-" +
           std::string(role) +
           "}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: " + std::string(role) +
           "}\nsubjects: [{kind: User, name: " + std::string(role) + "-user}]\n";
}

TEST_CASE("aggregation reaches a fixed point through chains (admin <- edit <- view) with rules: null") {
    const std::string yaml =
        cluster_role("view", "{agg/edit: 'true'}", "null", "[{matchLabels: {agg/view: 'true'}}]") +
        cluster_role("edit", "{agg/admin: 'true'}", "null", "[{matchLabels: {agg/edit: 'true'}}]") +
        cluster_role("admin", "{}", "null", "[{matchLabels: {agg/admin: 'true'}}]") +
        cluster_role("to-view", "{agg/view: 'true'}",
                     "[{apiGroups: [''], resources: [pods], verbs: [get]}]") +
        cluster_role("to-edit", "{agg/edit: 'true'}",
                     "[{apiGroups: [''], resources: [pods], verbs: [delete]}]") +
        bind("admin") + bind("view");
    const Graph graph = graph_of(yaml);
    CHECK(user_can(graph, "admin-user", {}, resource_request("get", "pods", "ns")));
    CHECK(user_can(graph, "admin-user", {}, resource_request("delete", "pods", "ns")));
    CHECK(user_can(graph, "view-user", {}, resource_request("get", "pods", "ns")));
    CHECK_FALSE(user_can(graph, "view-user", {}, resource_request("delete", "pods", "ns")));
}

TEST_CASE("an empty selector selects every ClusterRole except the aggregating one itself") {
    const std::string yaml =
        cluster_role("all", "{}", "null", "[{}]") +
        cluster_role("a", "{}", "[{apiGroups: [''], resources: [secrets], verbs: [list]}]") + bind("all");
    const Graph graph = graph_of(yaml);
    CHECK(user_can(graph, "all-user", {}, resource_request("list", "secrets")));
}

TEST_CASE("matchExpressions: NotIn and DoesNotExist hold for roles without the key") {
    const std::string yaml =
        cluster_role("agg", "{}", "null",
                     "[{matchExpressions: [{key: tier, operator: NotIn, values: [gold]}]}]") +
        cluster_role("plain", "{}", "[{apiGroups: [''], resources: [pods], verbs: [list]}]") +
        cluster_role("gold", "{tier: gold}", "[{apiGroups: [''], resources: [secrets], verbs: [list]}]") +
        bind("agg");
    const Graph graph = graph_of(yaml);
    CHECK(user_can(graph, "agg-user", {}, resource_request("list", "pods")));
    CHECK_FALSE(user_can(graph, "agg-user", {}, resource_request("list", "secrets")));
}

TEST_CASE("cycles converge to the union") {
    // Label values and names avoid YAML 1.1 booleans such as 'y' (a plain `name: y` is rejected like kubectl
    // does).
    const std::string yaml =
        cluster_role("cx", "{g: cy}", "[{apiGroups: [''], resources: [pods], verbs: [get]}]",
                     "[{matchLabels: {g: cx}}]") +
        cluster_role("cy", "{g: cx}", "[{apiGroups: [''], resources: [secrets], verbs: [get]}]",
                     "[{matchLabels: {g: cy}}]") +
        bind("cx") + bind("cy");
    const Graph graph = graph_of(yaml);
    CHECK(user_can(graph, "cx-user", {}, resource_request("get", "secrets", "n")));
    CHECK(user_can(graph, "cy-user", {}, resource_request("get", "pods", "n")));
}

TEST_CASE("stored rules of an aggregated role are kept (union) and the difference is reported") {
    const std::string yaml =
        cluster_role("agg", "{}", "[{apiGroups: [''], resources: [nodes], verbs: [get]}]",
                     "[{matchLabels: {m: 'y'}}]") +
        cluster_role("member", "{m: 'y'}", "[{apiGroups: [''], resources: [pods], verbs: [get]}]") +
        bind("agg");
    const Graph graph = graph_of(yaml);
    CHECK(user_can(graph, "agg-user", {}, resource_request("get", "nodes")));
    CHECK(user_can(graph, "agg-user", {}, resource_request("get", "pods")));
    REQUIRE(graph.diagnostics().size() == 1);
    CHECK(graph.diagnostics()[0].message.find("1 stored rule(s)") != std::string::npos);
}

TEST_CASE("aggregation appends each rule once (deep equality), in selector then name order") {
    const std::string yaml =
        cluster_role("agg", "{}", "null", "[{matchLabels: {m: 'y'}}, {matchLabels: {n: 'y'}}]") +
        cluster_role("b", "{m: 'y', n: 'y'}", "[{apiGroups: [''], resources: [pods], verbs: [get]}]") +
        cluster_role("a", "{m: 'y'}",
                     "[{apiGroups: [''], resources: [pods], verbs: [get]}, {apiGroups: [''], "
                     "resources: [secrets], verbs: [get]}]");
    const Graph graph = graph_of(yaml);
    const auto agg = graph.find_role(true, "", "agg");
    REQUIRE(agg.has_value());
    const auto& rules = graph.roles()[*agg].rules();
    REQUIRE(rules.size() == 2);
    CHECK(rules[0].resources == std::vector<std::string>{"pods"});
    CHECK(rules[1].resources == std::vector<std::string>{"secrets"});
}

// Roles that select one another (one strongly connected component) all hold the union of their rules at the
// controller's fixed point; a role outside the cycle that selects one member gets the union too, and a role
// that no selector reaches keeps its own. Sixty roles selecting each other took the round-by-round fixed
// point cubic time (issue 28); the grouping resolves them once.
TEST_CASE(
    "sixty roles that all select each other hold the union, and the role outside that selects them too") {
    std::string yaml;
    for (int i = 0; i < 60; ++i) {
        const std::string name = fmt::format("member-{:02}", i);
        yaml += cluster_role(name, "{ring: joined}",
                             fmt::format("[{{apiGroups: [''], resources: [r{}], verbs: [get]}}]", i),
                             "[{matchLabels: {ring: joined}}]") +
                bind(name);
    }
    yaml +=
        cluster_role("outside", "{other: one}", "[]", "[{matchLabels: {ring: joined}}]") + bind("outside");
    yaml += cluster_role("alone", "{}", "[{apiGroups: [''], resources: [alone], verbs: [get]}]",
                         "[{matchLabels: {nobody: here}}]") +
            bind("alone");
    const Graph graph = graph_of(yaml);
    for (const char* user : {"member-00-user", "member-59-user", "outside-user"}) {
        CAPTURE(user);
        CHECK(user_can(graph, user, {}, resource_request("get", "r0", "n")));
        CHECK(user_can(graph, user, {}, resource_request("get", "r59", "n")));
        CHECK_FALSE(user_can(graph, user, {}, resource_request("get", "alone", "n")));
    }
    // Positive control: the unselected role keeps its own rule and gains nothing.
    CHECK(user_can(graph, "alone-user", {}, resource_request("get", "alone", "n")));
    CHECK_FALSE(user_can(graph, "alone-user", {}, resource_request("get", "r0", "n")));
}

}  // namespace
}  // namespace rbacgraph::test
