// Bindings and subjects: kubernetes/kubernetes pkg/registry/rbac/validation/rule.go (VisitRulesFor,
// appliesToUser, GetRoleReferenceRules) and the privileged group of pkg/kubeapiserver/authorizer.
#include <fmt/format.h>

#include "helpers.hpp"
#include "rbacgraph/grants.hpp"

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

TEST_CASE("a request on a named namespace is filed under it, and any other request is read as asked") {
    // requestinfo.go: GET /api/v1/namespaces/a has namespace "a". normalized_view copies only that request.
    std::optional<Request> storage;
    const Request named = resource_request("get", "namespaces", "", "a");
    const Request& filed = normalized_view(named, storage);
    CHECK(filed.ns == "a");
    CHECK(&filed == &*storage);
    CHECK(normalize_request(named).ns == "a");
    for (const Request& as_asked :
         {resource_request("get", "namespaces"), resource_request("get", "pods", "b", "a"),
          resource_request("get", "namespaces", "b", "a")}) {
        std::optional<Request> untouched;
        CHECK(&normalized_view(as_asked, untouched) == &as_asked);
        CHECK_FALSE(untouched.has_value());
    }
    Request grouped = resource_request("get", "namespaces", "", "a");
    grouped.api_group = "example.com";  // another group's "namespaces" is not the namespace object
    std::optional<Request> other;
    CHECK(normalized_view(grouped, other).ns.empty());
}

TEST_CASE("a prepared request gets the answer its request gets, on its own graph or another") {
    // PreparedRequest is compiled once for the takeover list; the answer must not depend on the preparation.
    const Graph graph = graph_of(kRoles);
    const Graph other = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [''], resources: [nodes], verbs: [get]}]
)");
    const std::vector<Request> requests = {resource_request("get", "pods", "a"),
                                           resource_request("get", "pods", "other"),
                                           resource_request("get", "namespaces", "", "a"),
                                           resource_request("get", "nodes"),
                                           resource_request("list", "pods"),
                                           url_request("get", "/metrics")};
    for (const Request& request : requests) {
        CAPTURE(request.display());
        const PreparedRequest prepared(graph, request);
        for (const Graph* asked : {&graph, &other}) {
            for (const std::string user : {"alice", "bob", "nobody"}) {
                const Authorizer authorizer(*asked, kubernetes_identity(user, {}));
                const Decision direct = authorizer.authorize(request);
                const Decision compiled = authorizer.authorize(prepared);
                CHECK(compiled.verdict == direct.verdict);
                CHECK(compiled.grants.size() == direct.grants.size());
            }
        }
    }
    // Controls: the answers differ between the graphs and the users, so the loop above compares something.
    const PreparedRequest nodes(graph, resource_request("get", "nodes"));
    CHECK(Authorizer(other, kubernetes_identity("alice", {})).authorize(nodes).allowed());
    CHECK_FALSE(Authorizer(graph, kubernetes_identity("alice", {})).authorize(nodes).allowed());
    CHECK(Authorizer(graph, kubernetes_identity("bob", {})).authorize(nodes).allowed());
    // A named namespace is filed under it when prepared, as when asked.
    const PreparedRequest named(graph, resource_request("get", "namespaces", "", "a"));
    CHECK(named.request().ns == "a");
    CHECK(Authorizer(graph, kubernetes_identity("alice", {})).authorize(named).allowed());
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

TEST_CASE("a roleRef resolves by scope, namespace and name together, never by their concatenation") {
    // GetRoleReferenceRules (rule.go): a RoleBinding's Role is looked up in the binding's namespace by name;
    // a ClusterRole of the same name is another object. The index hashes the parts; these keys would run
    // together.
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: bc, namespace: a}
rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: c, namespace: ab}
rules: [{apiGroups: [''], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: same}
rules: [{apiGroups: [''], resources: [nodes], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: same, namespace: a}
rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: to-bc, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: bc}
subjects: [{kind: User, name: in-a}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: to-c, namespace: ab}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: c}
subjects: [{kind: User, name: in-ab}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: to-same, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: same}
subjects: [{kind: User, name: namespaced}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: to-same-elsewhere, namespace: x}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: same}
subjects: [{kind: User, name: elsewhere}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: to-cluster-same}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: same}
subjects: [{kind: User, name: clustered}]
)");
    CHECK(user_can(graph, "in-a", {}, resource_request("get", "secrets", "a")));
    CHECK_FALSE(user_can(graph, "in-a", {}, resource_request("get", "configmaps", "a")));
    CHECK(user_can(graph, "in-ab", {}, resource_request("get", "configmaps", "ab")));
    CHECK_FALSE(user_can(graph, "in-ab", {}, resource_request("get", "secrets", "ab")));
    CHECK(user_can(graph, "namespaced", {}, resource_request("get", "pods", "a")));
    CHECK_FALSE(user_can(graph, "namespaced", {}, resource_request("get", "nodes")));
    CHECK(user_can(graph, "clustered", {}, resource_request("get", "nodes")));
    CHECK_FALSE(user_can(graph, "clustered", {}, resource_request("get", "pods", "a")));
    // No Role "same" in x: the binding dangles, and the Role of a and the ClusterRole stay out of reach.
    CHECK_FALSE(user_can(graph, "elsewhere", {}, resource_request("get", "pods", "x")));
    CHECK_FALSE(user_can(graph, "elsewhere", {}, resource_request("get", "nodes")));
    CHECK(graph.find_role(false, "a", "bc").has_value());
    CHECK_FALSE(graph.find_role(false, "ab", "c") == graph.find_role(false, "a", "bc"));
    CHECK_FALSE(graph.find_role(false, "", "abc").has_value());
    CHECK_FALSE(graph.find_role(true, "", "bc").has_value());
}

TEST_CASE("thousands of roleRefs each resolve to their own role, dangling ones to none") {
    // The bindings are resolved several at a time (graph.cpp resolve_role_refs); each must still get its own.
    std::string yaml;
    constexpr int kRoleCount = 3000;
    for (int i = 0; i < kRoleCount; ++i) {
        const std::string ns = "n" + std::to_string(i % 7);
        const std::string id = std::to_string(i);
        yaml += "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: role-" + id +
                ", namespace: " + ns + "}\nrules: [{apiGroups: [''], resources: [r" + id +
                "], verbs: [get]}]\n---\n";
        // Every fifth binding names a role that does not exist.
        const std::string role = i % 5 == 4 ? "missing-" + id : "role-" + id;
        yaml += "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b" + id +
                ", namespace: " + ns +
                "}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: " + role +
                "}\nsubjects: [{kind: User, name: u" + id + "}]\n---\n";
    }
    const Graph graph = graph_of(yaml);
    for (const int i : {0, 1, 2, 3, 4, 15, 16, 17, 1499, 2997, 2998, 2999}) {
        const std::string ns = "n" + std::to_string(i % 7);
        const std::string id = std::to_string(i);
        const std::string next = std::to_string((i + 1) % kRoleCount);
        CAPTURE(i);
        CHECK(user_can(graph, "u" + id, {}, resource_request("get", "r" + id, ns)) == (i % 5 != 4));
        CHECK_FALSE(user_can(graph, "u" + id, {}, resource_request("get", "r" + next, ns)));
    }
}

TEST_CASE("the holder index lists names in string order, each with its grants in table order") {
    // Names longer than the sixteen bytes the index sorts by inline, names equal in those sixteen bytes, and
    // a name that is another's prefix: find, lower_bound and iteration must agree with std::string's order.
    const std::vector<std::string> users = {"user-with-a-long-name-2",
                                            "user-with-a-long-name-1",
                                            "ab",
                                            "abc",
                                            "user-with-a-long-name-1",
                                            "user-with-a-long-name-10",
                                            "a",
                                            "user-with-a-long-name-2",
                                            "ab",
                                            "zz",
                                            "A",
                                            "user-with-a-long-name",
                                            "user-with-a-long-name-3"};
    std::string yaml =
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n"
        "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n---\n";
    for (std::size_t i = 0; i < users.size(); ++i) {
        yaml += "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b" +
                std::to_string(i) +
                "}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\n"
                "subjects: [{kind: User, name: '" +
                users[i] + "'}]\n---\n";
    }
    const Graph graph = graph_of(yaml);
    const HolderIndex& index = graph.grants().holders(HolderKind::kUser);
    std::vector<std::string> expected = users;
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    std::vector<std::string> listed;
    for (const HolderIndex::Entry& entry : index) {
        listed.push_back(entry.name);
        CHECK(std::is_sorted(entry.grants.begin(), entry.grants.end()));
        const auto times = std::count(users.begin(), users.end(), entry.name);
        CHECK(entry.grants.size() == static_cast<std::size_t>(times));
    }
    CHECK(listed == expected);
    for (const std::string& name : expected) {
        REQUIRE(index.find(name) != index.end());
        CHECK(index.find(name)->name == name);
    }
    CHECK(index.find("user-with-a-long-name-4") == index.end());
    CHECK(index.find("user-with-a-long-nam") == index.end());
    CHECK(index.lower_bound("user-with-a-long-name-")->name == "user-with-a-long-name-1");
}

// rule.go VisitRulesFor: a RoleBinding's grants apply in its own namespace only. The authorizer files them by
// namespace symbol; the namespaces here are written out of symbol order so a lookup that assumed input order
// (or matched a neighbouring namespace) would answer wrong.
TEST_CASE(
    "an identity's RoleBinding grants answer in their own namespace only, and all of them for some "
    "namespace") {
    std::string yaml;
    const auto bind = [&](std::string_view ns, std::string_view resource, std::string_view subject) {
        yaml += fmt::format(R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: r-{1}, namespace: {0}}}
rules: [{{apiGroups: [''], resources: [{1}, events], verbs: [get]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: b-{1}, namespace: {0}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: r-{1}}}
subjects: [{2}]
)",
                            ns, resource, subject);
    };
    bind("zeta", "secrets", "{kind: User, name: carol}");
    bind("alpha", "configmaps", "{kind: User, name: carol}");
    bind("mu", "pods", "{kind: Group, name: team}");
    bind("alpha", "services", "{kind: User, name: dave}");   // someone else's grant in a namespace carol has
    bind("zeta", "endpoints", "{kind: User, name: carol}");  // table order and namespace order now differ
    const Graph graph = graph_of(yaml);
    const Authorizer carol(graph, kubernetes_identity("carol", {"team"}));
    CHECK(carol.authorize(resource_request("get", "secrets", "zeta")).allowed());
    CHECK(carol.authorize(resource_request("get", "configmaps", "alpha")).allowed());
    CHECK(carol.authorize(resource_request("get", "pods", "mu")).allowed());
    // Not a structured binding: clang cannot capture one in CAPTURE's lambda.
    const std::vector<std::pair<std::string, std::string>> elsewhere = {
        {"secrets", "alpha"},  {"secrets", "mu"}, {"configmaps", "zeta"}, {"pods", "alpha"},
        {"services", "alpha"}, {"secrets", "nu"}, {"secrets", ""}};
    for (const auto& asked : elsewhere) {
        CAPTURE(asked.first);
        CAPTURE(asked.second);
        CHECK_FALSE(carol.authorize(resource_request("get", asked.first, asked.second)).allowed());
    }
    // Some namespace: every RoleBinding grant counts, listed in table order.
    CHECK(carol.authorize(resource_request("get", "pods"), false, {.namespaces = NamespaceQuery::kAny})
              .allowed());
    CHECK_FALSE(
        carol.authorize(resource_request("get", "services"), false, {.namespaces = NamespaceQuery::kAny})
            .allowed());
    const Decision events =
        carol.authorize(resource_request("get", "events"), true, {.namespaces = NamespaceQuery::kAny});
    REQUIRE(events.grants.size() == 4);
    CHECK(std::is_sorted(events.grants.begin(), events.grants.end(),
                         [](const GrantMatch& a, const GrantMatch& b) { return *a.grant < *b.grant; }));
    // Each namespace's own grants, all grants asked for: its own, not its neighbours'.
    CHECK(carol.authorize(resource_request("get", "events", "zeta"), true).grants.size() == 2);
    CHECK(carol.authorize(resource_request("get", "endpoints", "zeta")).allowed());
    for (const std::string ns : {"alpha", "mu"}) {
        CAPTURE(ns);
        CHECK(carol.authorize(resource_request("get", "events", ns), true).grants.size() == 1);
        CHECK_FALSE(carol.authorize(resource_request("get", "endpoints", ns)).allowed());
    }
}

}  // namespace
}  // namespace rbacgraph::test
