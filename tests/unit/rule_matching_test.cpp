// Rule matching: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches,
// ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and plugin/pkg/auth/authorizer/rbac/rbac.go
// RuleAllows.
#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

bool allows(std::string_view rule, const Request& request) {
    const Graph graph = graph_of(bound_cluster_rule(rule));
    return user_can(graph, "u", {}, request);
}

TEST_CASE("verbs: '*' or exact, case-sensitive") {
    CHECK(allows("{apiGroups: [''], resources: [pods], verbs: ['*']}",
                 resource_request("delete", "pods", "ns")));
    CHECK(
        allows("{apiGroups: [''], resources: [pods], verbs: [get]}", resource_request("get", "pods", "ns")));
    // Case-sensitive equality: a rule written with GET matches nothing the API server sends.
    CHECK_FALSE(
        allows("{apiGroups: [''], resources: [pods], verbs: [GET]}", resource_request("get", "pods", "ns")));
    // The verb set is open: 'describe' is accepted but never requested.
    CHECK_FALSE(
        allows("{apiGroups: [''], resources: [pods], verbs: [describe]}", resource_request("get", "pods")));
}

TEST_CASE("apiGroups: '' is the core group, '*' matches every group, none matches nothing") {
    CHECK(allows("{apiGroups: ['*'], resources: [deployments], verbs: [get]}",
                 resource_request("get", "deployments", "", "", "apps")));
    CHECK(allows("{apiGroups: ['*'], resources: [pods], verbs: [get]}", resource_request("get", "pods")));
    CHECK_FALSE(allows("{apiGroups: [''], resources: [deployments], verbs: [get]}",
                       resource_request("get", "deployments", "", "", "apps")));
    CHECK_FALSE(allows("{apiGroups: [Apps], resources: [deployments], verbs: [get]}",
                       resource_request("get", "deployments", "", "", "apps")));
    // A resource rule with no apiGroups matches nothing (APIGroupMatches over an empty list).
    CHECK_FALSE(allows("{resources: [pods], verbs: [get]}", resource_request("get", "pods")));
}

TEST_CASE("resources: pods does not match pods/exec, and pods/* is literal") {
    CHECK_FALSE(allows("{apiGroups: [''], resources: [pods], verbs: [create]}",
                       resource_request("create", "pods", "ns", "p", "", "exec")));
    CHECK_FALSE(
        allows("{apiGroups: [''], resources: [pods/status], verbs: [get]}", resource_request("get", "pods")));
    // "pods/*" only matches a subresource literally named "*"; the only subresource wildcard is "*/sub".
    CHECK_FALSE(allows("{apiGroups: [''], resources: ['pods/*'], verbs: [create]}",
                       resource_request("create", "pods", "ns", "p", "", "exec")));
    CHECK(allows("{apiGroups: [''], resources: ['pods/exec'], verbs: [create]}",
                 resource_request("create", "pods", "ns", "p", "", "exec")));
}

TEST_CASE("resources: '*' matches resources and subresources, '*/x' matches subresource x of anything") {
    CHECK(allows("{apiGroups: [''], resources: ['*'], verbs: [create]}",
                 resource_request("create", "pods", "ns", "p", "", "exec")));
    CHECK(allows("{apiGroups: ['*'], resources: ['*/scale'], verbs: [update]}",
                 resource_request("update", "deployments", "ns", "d", "apps", "scale")));
    CHECK_FALSE(allows("{apiGroups: ['*'], resources: ['*/scale'], verbs: [update]}",
                       resource_request("update", "deployments", "ns", "d", "apps")));
    // "*/*" only matches a subresource literally named "*".
    CHECK_FALSE(allows("{apiGroups: [''], resources: ['*/*'], verbs: [create]}",
                       resource_request("create", "pods", "ns", "p", "", "exec")));
    // No other wildcarding: "deploy*" matches nothing.
    CHECK_FALSE(allows("{apiGroups: [apps], resources: ['deploy*'], verbs: [get]}",
                       resource_request("get", "deployments", "", "", "apps")));
    CHECK_FALSE(
        allows("{apiGroups: [''], resources: [Pods], verbs: [get]}", resource_request("get", "pods")));
}

TEST_CASE("resourceNames: a request without a name never matches a non-empty list") {
    const std::string rule =
        "{apiGroups: [''], resources: [secrets], resourceNames: [db], verbs: [get, list, create]}";
    CHECK(allows(rule, resource_request("get", "secrets", "ns", "db")));
    CHECK_FALSE(allows(rule, resource_request("get", "secrets", "ns", "other")));
    CHECK_FALSE(allows(rule, resource_request("list", "secrets", "ns")));
    CHECK_FALSE(allows(rule, resource_request("create", "secrets", "ns")));
    // Only a literal "" entry matches the empty name.
    CHECK(allows("{apiGroups: [''], resources: [secrets], resourceNames: [''], verbs: [list]}",
                 resource_request("list", "secrets", "ns")));
    // list/watch with fieldSelector=metadata.name=db carries name db (endpoints/handlers/get.go).
    CHECK(allows(rule, resource_request("list", "secrets", "ns", "db")));
    // Subresource creates carry the parent's name (create pods/exec on pod p has name p).
    CHECK(allows("{apiGroups: [''], resources: [pods/exec], resourceNames: [p], verbs: [create]}",
                 resource_request("create", "pods", "ns", "p", "", "exec")));
}

TEST_CASE("nonResourceURLs: exact, '*', and trailing-'*' prefixes after trimming every '*'") {
    CHECK(allows("{nonResourceURLs: [/healthz], verbs: [get]}", url_request("get", "/healthz")));
    CHECK_FALSE(allows("{nonResourceURLs: [/healthz], verbs: [get]}", url_request("get", "/healthz/ready")));
    CHECK(allows("{nonResourceURLs: ['*'], verbs: [get]}", url_request("get", "/anything")));
    // "/apis/*" matches "/apis/" and below but not "/apis".
    CHECK(allows("{nonResourceURLs: ['/apis/*'], verbs: [get]}", url_request("get", "/apis/apps/v1")));
    CHECK_FALSE(allows("{nonResourceURLs: ['/apis/*'], verbs: [get]}", url_request("get", "/apis")));
    // Plain string prefix, no path-segment logic: "/api*" matches "/apis" and "/apiextensions".
    CHECK(allows("{nonResourceURLs: ['/api*'], verbs: [get]}", url_request("get", "/apis")));
    // Go strings.TrimRight strips every trailing '*': "/api/**" behaves as "/api/*", "**" as "*".
    CHECK(allows("{nonResourceURLs: ['/api/**'], verbs: [get]}", url_request("get", "/api/v1")));
    CHECK(allows("{nonResourceURLs: ['**'], verbs: [get]}", url_request("get", "/version")));
    // A '*' that is not trailing is a literal character.
    CHECK_FALSE(allows("{nonResourceURLs: ['/api/*/foo'], verbs: [get]}", url_request("get", "/api/v1/foo")));
    CHECK(allows("{nonResourceURLs: ['/api/*/foo'], verbs: [get]}", url_request("get", "/api/*/foo")));
    CHECK_FALSE(allows("{nonResourceURLs: ['/api/*/*'], verbs: [get]}", url_request("get", "/api/v1")));
    // Resource rules never grant URLs and URL rules never grant resources.
    CHECK_FALSE(allows("{apiGroups: ['*'], resources: ['*'], verbs: ['*']}", url_request("get", "/healthz")));
    CHECK_FALSE(allows("{nonResourceURLs: ['*'], verbs: ['*']}", resource_request("get", "pods")));
}

TEST_CASE(
    "a rule carrying both resources and nonResourceURLs works for both (RuleAllows reads the relevant "
    "half)") {
    const std::string rule =
        "{apiGroups: [''], resources: [pods], nonResourceURLs: [/metrics], verbs: [get]}";
    CHECK(allows(rule, resource_request("get", "pods", "ns")));
    CHECK(allows(rule, url_request("get", "/metrics")));
}

TEST_CASE("kubectl can-i '*' '*' asks for verb * on resource * literally") {
    CHECK(allows("{apiGroups: [''], resources: ['*'], verbs: ['*']}", resource_request("*", "*")));
    CHECK_FALSE(
        allows("{apiGroups: [''], resources: [pods], verbs: [get, list]}", resource_request("*", "*")));
}

// ProbeMatcher answers check's rules many requests at once from bits per rule set; it must give what asking
// the table's match request by request gives: the first request the grant allows, with the same rule and
// names. More
// than 64 requests, so that the bits span several words; both namespace and name queries.
TEST_CASE("ProbeMatcher: the first request a grant allows, as GrantTable::match answers each in turn") {
    const Graph graph = graph_of(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
- {apiGroups: [''], resources: [pods, pods/log], verbs: [get, list]}
- {apiGroups: [''], resources: [secrets], resourceNames: [token], verbs: [get]}
- {apiGroups: [''], resources: ['*/exec'], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deleter, namespace: a}
rules:
- {apiGroups: [''], resources: [pods, nodes], verbs: [delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers-in-b, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: Group, name: g}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deleters, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deleter}
subjects: [{kind: User, name: v}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: watcher}
rules:
- {apiGroups: [''], resources: [configmaps], verbs: [watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: watchers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: watcher}
subjects: [{kind: User, name: w}]
)");
    std::vector<Request> requests;
    std::vector<std::pair<NamespaceQuery, NameQuery>> queries;
    for (const char* verb : {"get", "list", "create", "delete"}) {
        for (const char* resource : {"pods", "secrets", "nodes"}) {
            for (const char* subresource : {"", "exec"}) {
                for (const char* ns : {"", "a", "b"}) {
                    for (const auto& query : {std::pair{NamespaceQuery::kExact, NameQuery::kExact},
                                              std::pair{NamespaceQuery::kAny, NameQuery::kListedNames}}) {
                        requests.push_back(resource_request(verb, resource, ns, "", "", subresource));
                        queries.push_back(query);
                    }
                }
            }
        }
    }
    REQUIRE(requests.size() > 128);
    std::size_t past_first_word = 0;  // answers found in the second word of bits or later
    // Asked in two orders, so that the first allowed request differs and falls in different words.
    for (const bool reversed : {false, true}) {
        if (reversed) {
            std::reverse(requests.begin(), requests.end());
            std::reverse(queries.begin(), queries.end());
        }
        std::vector<CompiledRequest> compiled;
        for (std::size_t r = 0; r < requests.size(); ++r) {
            compiled.push_back(compile_request(graph.symbols(), requests[r],
                                               {.namespaces = queries[r].first, .names = queries[r].second}));
        }
        const GrantTable& table = graph.grants();
        const ProbeMatcher matcher(table, compiled);
        std::size_t allowed_rows = 0;
        for (GrantId id = 0; id < table.size(); ++id) {
            std::optional<std::size_t> expected;
            GrantAnswer expected_answer;
            for (std::size_t r = 0; r < compiled.size() && !expected; ++r) {
                GrantAnswer answer = table.match(id, compiled[r]);
                if (answer.verdict == Verdict::kAllowed) {
                    expected = r;
                    expected_answer = std::move(answer);
                }
            }
            const auto found = matcher.first_allowed(id);
            REQUIRE(found.has_value() == expected.has_value());
            if (!found) {
                continue;
            }
            ++allowed_rows;
            past_first_word += found->request >= 64 ? 1 : 0;
            CHECK(found->request == *expected);
            CHECK(found->answer.verdict == Verdict::kAllowed);
            CHECK(found->answer.rule == expected_answer.rule);
            CHECK(found->answer.names == expected_answer.names);
        }
        // Controls: rows the requests reach, and the watcher's, which none of them reaches.
        CHECK(allowed_rows >= 3);
        CHECK(allowed_rows < table.size());
    }
    CHECK(past_first_word > 0);
}

}  // namespace
}  // namespace rbacgraph::test
