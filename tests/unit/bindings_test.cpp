// Bindings and subjects: kubernetes/kubernetes pkg/registry/rbac/validation/rule.go (VisitRulesFor,
// appliesToUser, GetRoleReferenceRules) and the privileged group of pkg/kubeapiserver/authorizer.
#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

constexpr std::string_view kRoles = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
- {apiGroups: [''], resources: [pods, nodes, namespaces], verbs: [get, list]}
- {nonResourceURLs: [/metrics], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: local, namespace: a}
rules:
- {apiGroups: [''], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
- {kind: User, name: alice}
- {kind: ServiceAccount, name: bot}
- {kind: Group, name: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cross, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb-role}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local}
subjects: [{kind: User, name: carol}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: wrong.example.com, kind: ClusterRole, name: reader}
subjects:
- {kind: User, name: bob}
- {kind: ServiceAccount, name: nons}
- {kind: user, name: dave}
- {kind: User, name: '*'}
- {kind: Group, name: odd-api-group, apiGroup: not.checked.example.com}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: does-not-exist}
subjects: [{kind: User, name: erin}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local-ok, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local}
subjects: [{kind: User, name: erin}]
)";

TEST_CASE("a RoleBinding to a ClusterRole grants it only in the binding's namespace") {
    const Graph graph = graph_of(kRoles);
    CHECK(user_can(graph, "alice", {}, resource_request("get", "pods", "a")));
    CHECK_FALSE(user_can(graph, "alice", {}, resource_request("get", "pods", "other")));
}

TEST_CASE("RoleBindings never grant cluster-scoped requests, all-namespace lists or URLs") {
    const Graph graph = graph_of(kRoles);
    CHECK_FALSE(user_can(graph, "alice", {}, resource_request("get", "nodes")));
    CHECK_FALSE(user_can(graph, "alice", {}, resource_request("list", "pods")));
    CHECK_FALSE(user_can(graph, "alice", {}, url_request("get", "/metrics")));
}

TEST_CASE("the namespace object itself is requested in its own namespace") {
    // requestinfo.go: GET /api/v1/namespaces/a has namespace "a".
    const Graph graph = graph_of(kRoles);
    CHECK(user_can(graph, "alice", {}, resource_request("get", "namespaces", "", "a")));
    CHECK_FALSE(user_can(graph, "alice", {}, resource_request("get", "namespaces", "", "b")));
    CHECK_FALSE(user_can(graph, "alice", {}, resource_request("list", "namespaces")));
}

TEST_CASE("a RoleBinding references a Role of its own namespace only, a ClusterRoleBinding never a Role") {
    const Graph graph = graph_of(kRoles);
    CHECK_FALSE(user_can(graph, "alice", {}, resource_request("get", "secrets", "b")));
    CHECK_FALSE(user_can(graph, "alice", {}, resource_request("get", "secrets", "a")));
    CHECK_FALSE(user_can(graph, "carol", {}, resource_request("get", "secrets", "a")));
}

TEST_CASE("ClusterRoleBindings grant everywhere, URLs included, roleRef.apiGroup is not checked") {
    const Graph graph = graph_of(kRoles);
    CHECK(user_can(graph, "bob", {}, resource_request("get", "nodes")));
    CHECK(user_can(graph, "bob", {}, resource_request("list", "pods")));
    CHECK(user_can(graph, "bob", {}, resource_request("get", "pods", "anywhere")));
    CHECK(user_can(graph, "bob", {}, url_request("get", "/metrics")));
}

TEST_CASE("a dangling roleRef grants nothing and other bindings still apply") {
    const Graph graph = graph_of(kRoles);
    CHECK_FALSE(user_can(graph, "erin", {}, resource_request("get", "pods")));
    CHECK(user_can(graph, "erin", {}, resource_request("get", "secrets", "a")));
}

TEST_CASE("subjects: exact names, case-sensitive kinds, '*' is no wildcard") {
    const Graph graph = graph_of(kRoles);
    CHECK_FALSE(user_can(graph, "dave", {}, resource_request("get", "nodes")));  // kind 'user'
    CHECK_FALSE(user_can(graph, "zed", {}, resource_request("get", "nodes")));   // User '*'
    CHECK(user_can(graph, "*", {}, resource_request("get", "nodes")));
    CHECK(user_can(graph, "x", {"team"}, resource_request("get", "pods", "a")));
    // subject.apiGroup is not checked at evaluation time.
    CHECK(user_can(graph, "x", {"odd-api-group"}, resource_request("get", "nodes")));
    CHECK_FALSE(user_can(graph, "x", {"Team"}, resource_request("get", "pods", "a")));
}

TEST_CASE(
    "ServiceAccount subjects: namespace defaults to the RoleBinding's, none in a ClusterRoleBinding matches "
    "nobody") {
    const Graph graph = graph_of(kRoles);
    CHECK(user_can(graph, "system:serviceaccount:a:bot", {}, resource_request("get", "pods", "a")));
    CHECK_FALSE(
        user_can(graph, "system:serviceaccount:default:bot", {}, resource_request("get", "pods", "a")));
    CHECK_FALSE(user_can(graph, "system:serviceaccount:default:nons", {}, resource_request("get", "nodes")));
    CHECK_FALSE(user_can(graph, "system:serviceaccount::nons", {}, resource_request("get", "nodes")));
}

TEST_CASE(
    "service accounts carry system:serviceaccounts and system:serviceaccounts:NS, everyone "
    "system:authenticated") {
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [''], resources: [pods], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sa-in-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects: [{kind: Group, name: 'system:serviceaccounts:a'}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: u}
rules: [{apiGroups: [''], resources: [configmaps], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: u}
subjects: [{kind: Group, name: 'system:authenticated'}]
)");
    CHECK(user_can(graph, "system:serviceaccount:a:x", {}, resource_request("list", "pods")));
    CHECK_FALSE(user_can(graph, "system:serviceaccount:b:x", {}, resource_request("list", "pods")));
    CHECK(user_can(graph, "anyone", {}, resource_request("list", "configmaps")));
    // system:anonymous is not authenticated.
    CHECK_FALSE(user_can(graph, "system:anonymous", {"system:unauthenticated"},
                         resource_request("list", "configmaps")));
}

TEST_CASE("system:masters is allowed everything without any binding") {
    const Graph graph = graph_of("");
    CHECK(user_can(graph, "root", {"system:masters"}, resource_request("delete", "nodes")));
    CHECK(user_can(graph, "root", {"system:masters"}, url_request("get", "/anything")));
    CHECK_FALSE(user_can(graph, "root", {"system:Masters"}, resource_request("delete", "nodes")));
}

TEST_CASE(
    "who-can returns system:masters first, then ClusterRoleBinding and namespace RoleBinding subjects") {
    const Graph graph = graph_of(kRoles);
    const WhoCan result = who_can(graph, resource_request("get", "pods", "a"));
    REQUIRE(result.subjects.size() >= 4);
    CHECK(result.subjects[0].subject.name == "system:masters");
    std::vector<std::string> names;
    for (const WhoCanSubject& subject : result.subjects) {
        names.push_back(subject.subject.kind + ":" + subject.subject.ns + "/" + subject.subject.name);
    }
    CHECK(std::find(names.begin(), names.end(), "User:/alice") != names.end());
    CHECK(std::find(names.begin(), names.end(), "ServiceAccount:a/bot") != names.end());
    CHECK(std::find(names.begin(), names.end(), "User:/bob") != names.end());
    // A ClusterRoleBinding ServiceAccount subject without namespace matches nobody.
    CHECK(std::find(names.begin(), names.end(), "ServiceAccount:/nons") == names.end());
    const WhoCan cluster = who_can(graph, resource_request("get", "nodes"));
    for (const WhoCanSubject& subject : cluster.subjects) {
        CHECK(subject.subject.name != "alice");
    }
}

}  // namespace
}  // namespace rbacgraph::test
