// Built in means equal to the definition (docs/decisions.md): an object of the export is Kubernetes' own only
// when it grants no more than the bootstrap policy's object of the same kind, namespace and name. Names,
// labels, annotations and system: subjects decide nothing; every test that something is hidden has the
// attacker's test beside it.
#include "graph/builtin_status.hpp"

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::test {
namespace {

PolicyRule rule(std::vector<std::string> verbs, std::vector<std::string> groups,
                std::vector<std::string> resources, std::vector<std::string> names = {}) {
    PolicyRule out;
    out.verbs = std::move(verbs);
    out.api_groups = std::move(groups);
    out.resources = std::move(resources);
    out.resource_names = std::move(names);
    return out;
}

PolicyRule url_rule(std::vector<std::string> verbs, std::vector<std::string> urls) {
    PolicyRule out;
    out.verbs = std::move(verbs);
    out.non_resource_urls = std::move(urls);
    return out;
}

TEST_CASE("rule_covered: what one rule allows against what a definition allows, '*' included") {
    const std::vector<PolicyRule> definition = {
        rule({"get", "list"}, {""}, {"pods", "*/log"}),
        rule({"get"}, {""}, {"configmaps"}, {"cluster-info"}),
        url_rule({"get"}, {"/healthz", "/api/*"}),
    };
    // Positive controls: the same grants, split or narrowed.
    CHECK(rule_covered(rule({"get"}, {""}, {"pods"}), definition));
    CHECK(rule_covered(rule({"list"}, {""}, {"pods/log", "deployments/log"}), definition));  // */log
    CHECK(rule_covered(rule({"get"}, {""}, {"configmaps"}, {"cluster-info"}), definition));
    CHECK(rule_covered(rule({"get"}, {""}, {"pods"}, {"one"}), definition));     // a name within every name
    CHECK(rule_covered(url_rule({"get"}, {"/api/v1", "/api/x*"}), definition));  // inside the /api/ prefix
    CHECK(rule_covered(rule({}, {""}, {"secrets"}), definition));  // no verbs: it allows nothing
    // k8s evaluation_helpers.go: '*' matches verbs, groups and resources added later, so it is more than any
    // list; a list of every verb is not '*'.
    CHECK_FALSE(rule_covered(rule({"*"}, {""}, {"pods"}), definition));
    CHECK_FALSE(rule_covered(rule({"get"}, {"*"}, {"pods"}), definition));
    CHECK_FALSE(rule_covered(rule({"get"}, {""}, {"*"}), definition));
    CHECK_FALSE(rule_covered(rule({"get"}, {""}, {"pods/exec"}), definition));
    CHECK_FALSE(rule_covered(rule({"get"}, {"apps"}, {"pods"}), definition));
    // ResourceNameMatches compares names exactly: '*' is a name, and no names is every name.
    CHECK_FALSE(rule_covered(rule({"get"}, {""}, {"configmaps"}, {"*"}), definition));
    CHECK_FALSE(rule_covered(rule({"get"}, {""}, {"configmaps"}), definition));
    // NonResourceURLMatches: a prefix rule covers exact paths and narrower prefixes under it only.
    CHECK_FALSE(rule_covered(url_rule({"get"}, {"/api*"}), definition));
    CHECK_FALSE(rule_covered(url_rule({"get"}, {"/metrics"}), definition));
    CHECK_FALSE(rule_covered(url_rule({"post"}, {"/healthz"}), definition));
    CHECK(rules_beyond({rule({"get"}, {""}, {"pods"}), rule({"delete"}, {""}, {"pods"})}, definition) ==
          std::vector<std::uint32_t>{1});
}

GraphOptions with_builtin(std::optional<KubernetesVersion> version = std::nullopt) {
    GraphOptions options;
    options.builtin_objects = true;
    options.kubernetes_version = version;
    return options;
}

const BindingNode& binding_named(const Graph& graph, std::string_view name) {
    for (const BindingNode& node : graph.bindings()) {
        if (node.binding->name == name && node.binding->location.origin != Origin::kBuiltin) {
            return node;
        }
    }
    FAIL("no binding " << name);
    return graph.bindings().front();
}

const RoleNode& role_named(const Graph& graph, std::string_view name) {
    for (const RoleNode& node : graph.roles()) {
        if (node.role->name == name && node.role->location.origin != Origin::kBuiltin) {
            return node;
        }
    }
    FAIL("no role " << name);
    return graph.roles().front();
}

constexpr std::string_view kAdminBinding = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: cluster-admin
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:masters"}
)";

TEST_CASE("a binding is built in when it equals its definition, and modified when it binds more") {
    // Positive control: the bootstrap binding as a live dump shows it.
    const Graph exact = graph_of(kAdminBinding, with_builtin());
    CHECK(binding_named(exact, "cluster-admin").status == BuiltinStatus::kBuiltin);
    CHECK(binding_named(exact, "cluster-admin").builtin);
    // One subject more: modified, and not built in (its findings are shown).
    const Graph extra =
        graph_of(std::string(kAdminBinding) + "- {kind: Group, name: developers}\n", with_builtin());
    const BindingNode& node = binding_named(extra, "cluster-admin");
    CHECK(node.status == BuiltinStatus::kModified);
    CHECK_FALSE(node.builtin);
    const BuiltinDifference* difference = extra.binding_difference(extra.binding_index(*node.binding));
    REQUIRE(difference != nullptr);
    REQUIRE(difference->subjects.size() == 1);
    CHECK(difference->subjects[0].display() == "Group developers");
    CHECK_FALSE(difference->role_ref);
    // A subject that matches nobody (a ServiceAccount without namespace in a ClusterRoleBinding) grants
    // nothing, so it adds nothing.
    const Graph inert =
        graph_of(std::string(kAdminBinding) + "- {kind: ServiceAccount, name: x}\n", with_builtin());
    CHECK(binding_named(inert, "cluster-admin").builtin);
    // Another role under the built-in name.
    std::string other(kAdminBinding);
    const std::string role_ref = "name: cluster-admin}";
    other.replace(other.find(role_ref), role_ref.size(), "name: \"system:basic-user\"}");
    const Graph rebound = graph_of(other, with_builtin());
    CHECK(binding_named(rebound, "cluster-admin").status == BuiltinStatus::kModified);
}

TEST_CASE("names, labels, annotations and system: subjects do not make an object built in (evasion)") {
    // The issue's reproduction: anonymous cluster admin under a system: name, with a system: subject.
    const Graph named = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: "system:x"
  labels: {kubernetes.io/bootstrapping: rbac-defaults, eks.amazonaws.com/component: x}
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: "system:controller:x"
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
)",
                                 with_builtin());
    CHECK(binding_named(named, "system:x").status == BuiltinStatus::kNone);
    CHECK_FALSE(binding_named(named, "system:x").builtin);
    CHECK(role_named(named, "system:controller:x").status == BuiltinStatus::kNone);
}

TEST_CASE("a definition's binding to a modified role is not built in: it hands out the modification") {
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:basic-user"}
rules:
- {apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews, selfsubjectrulesreviews], verbs: [create]}
- {apiGroups: [""], resources: [secrets], verbs: [get]}
)",
                                 with_builtin());
    const RoleNode& role = role_named(graph, "system:basic-user");
    CHECK(role.status == BuiltinStatus::kModified);
    const BuiltinDifference* difference =
        graph.role_difference(static_cast<std::size_t>(&role - graph.roles().data()));
    REQUIRE(difference != nullptr);
    CHECK(difference->rules == std::vector<std::uint32_t>{1});
    // The overlay's system:basic-user binding (the export lacks it) is the definition, bound to the modified
    // role.
    bool found = false;
    for (const BindingNode& node : graph.bindings()) {
        if (node.binding->name == "system:basic-user") {
            found = true;
            CHECK(node.status == BuiltinStatus::kBuiltin);
            CHECK_FALSE(node.builtin);
        } else if (node.binding->name == "system:discovery") {
            CHECK(node.builtin);  // positive control: its role is the definition's
        }
    }
    CHECK(found);
}

TEST_CASE(
    "the definition compared with is the cluster's version's, and with an unknown version any release's") {
    constexpr std::string_view kKubeletAdmin = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:kubelet-api-admin"}
rules:
- {apiGroups: [""], resources: [nodes], verbs: [get, list, watch, proxy]}
- {apiGroups: [""], resources: [nodes/log, nodes/metrics, nodes/proxy, nodes/stats], verbs: ["*"]}
- {apiGroups: [""], resources: [nodes/pods, nodes/healthz, nodes/configz], verbs: [get]}
)";
    // KEP-2862 (k8s-rbac.md 13): 1.33 adds the last rule.
    CHECK(role_named(graph_of(kKubeletAdmin, with_builtin()), "system:kubelet-api-admin").status ==
          BuiltinStatus::kBuiltin);
    CHECK(role_named(graph_of(kKubeletAdmin, with_builtin(KubernetesVersion{1, 33})),
                     "system:kubelet-api-admin")
              .status == BuiltinStatus::kBuiltin);
    CHECK(role_named(graph_of(kKubeletAdmin, with_builtin(KubernetesVersion{1, 30})),
                     "system:kubelet-api-admin")
              .status == BuiltinStatus::kModified);
}

TEST_CASE("1.36's workloads rules reach edit and view on 1.36 clusters, not on older ones") {
    // k8s-rbac.md 15 (K18), PR #135418: view reads, edit writes scheduling.k8s.io workloads from 1.36; an
    // export without the aggregated roles gets the release's own (the overlay).
    constexpr std::string_view kEditor = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: editors, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, name: ed}]
)";
    const Request create = test::resource_request("create", "workloads", "team", "", "scheduling.k8s.io");
    const Request get = test::resource_request("get", "workloads", "team", "", "scheduling.k8s.io");
    const Graph on_136 = graph_of(kEditor, with_builtin(KubernetesVersion{1, 36}));
    CHECK(test::user_can(on_136, "ed", {}, create));
    CHECK(test::user_can(on_136, "ed", {}, get));  // view's read, aggregated into edit
    const Graph on_135 = graph_of(kEditor, with_builtin(KubernetesVersion{1, 35}));
    CHECK_FALSE(test::user_can(on_135, "ed", {}, create));
    // 1.33's DRA rules (PR #130738): edit writes ResourceClaims, view does not read them.
    const Request claim = test::resource_request("create", "resourceclaims", "team", "", "resource.k8s.io");
    CHECK(test::user_can(on_135, "ed", {}, claim));
    CHECK_FALSE(test::user_can(graph_of(kEditor, with_builtin(KubernetesVersion{1, 32})), "ed", {}, claim));
    // Positive control: what edit granted before 1.36 still holds.
    CHECK(test::user_can(on_135, "ed", {},
                         test::resource_request("create", "deployments", "team", "", "apps")));
    // A 1.36 export's own aggregate-to-view with the rule is Kubernetes' definition there, an addition
    // before.
    constexpr std::string_view kAggregateView = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: "system:aggregate-to-view"
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- {apiGroups: [scheduling.k8s.io], resources: [workloads], verbs: [get, list, watch]}
)";
    CHECK(role_named(graph_of(kAggregateView, with_builtin(KubernetesVersion{1, 36})),
                     "system:aggregate-to-view")
              .status == BuiltinStatus::kBuiltin);
    CHECK(role_named(graph_of(kAggregateView, with_builtin(KubernetesVersion{1, 35})),
                     "system:aggregate-to-view")
              .status == BuiltinStatus::kModified);
}

TEST_CASE("aggregated definitions compare selectors, and stored rules the selectors do not produce") {
    constexpr std::string_view kView = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules: []
)";
    CHECK(role_named(graph_of(kView, with_builtin()), "view").status == BuiltinStatus::kBuiltin);
    const Graph extra_selector =
        graph_of(std::string(kView).replace(std::string(kView).find("rules: []"), 9,
                                            "  - matchLabels: {mine: \"true\"}\nrules: []"),
                 with_builtin());
    CHECK(role_named(extra_selector, "view").status == BuiltinStatus::kModified);
    // A stored rule no selector produces is granted too (the union, decisions.md): an addition.
    const Graph stored =
        graph_of(std::string(kView).replace(std::string(kView).find("rules: []"), 9,
                                            "rules: [{apiGroups: [\"\"], resources: [secrets], "
                                            "verbs: [list]}]"),
                 with_builtin());
    CHECK(role_named(stored, "view").status == BuiltinStatus::kModified);
    // Plain rules in place of the aggregation, within what the definition aggregates: built in.
    const Graph plain = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
)",
                                 with_builtin());
    CHECK(role_named(plain, "view").status == BuiltinStatus::kBuiltin);
}

CheckReport check_all(std::string_view yaml) {
    const Graph graph = graph_of(yaml, with_builtin());
    CheckRun run;
    run.rules = builtin_rules();
    return run_checks(graph, run);
}

// Evasion tests at the gate: each attacker's copy is reported and fails --fail-on high; its positive control
// (the definition itself) is hidden and passes.
TEST_CASE("check: look-alikes of built-in objects are reported and fail the gate, equal copies are hidden") {
    const std::vector<std::pair<std::string, std::string>> evasions = {
        {"a system: name with system: subjects", R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:x"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}]
)"},
        {"a user-made system:viewer for every authenticated user", R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:viewer"}
rules: [{apiGroups: [""], resources: [pods, nodes, secrets], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:viewer"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:viewer"}
subjects: [{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}]
)"},
        {"the bootstrap label", R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-admin
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: ops}]
)"},
        {"the bootstrap annotation and the EKS component label", R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: eks:ops
  labels: {eks.amazonaws.com/component: ops}
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: "eks:ops"}]
)"},
        {"a copy of a bootstrap binding with one extra subject",
         std::string(kAdminBinding) + "- {kind: Group, name: developers}\n"},
    };
    for (const auto& evasion : evasions) {
        CAPTURE(evasion.first);
        const CheckReport report = check_all(evasion.second);
        CHECK(report.failing(RiskSeverity::kHigh) > 0);
        CHECK(report.builtin_hidden == 0);
    }
    // Positive control: the definition's binding and role are hidden and pass.
    const CheckReport exact = check_all(std::string(kAdminBinding) + R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
- {nonResourceURLs: ["*"], verbs: ["*"]}
)");
    CHECK(exact.failing(RiskSeverity::kHigh) == 0);
    CHECK(exact.builtin_hidden > 0);
}

TEST_CASE("built-in findings are hidden by default and counted, shown with include_builtin") {
    // The bootstrap policy's own controller role and binding, as a live dump shows them.
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:controller:namespace-controller"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:controller:namespace-controller"}
subjects: [{kind: ServiceAccount, name: namespace-controller, namespace: kube-system}]
)",
                                 with_builtin());
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {"destructive-delete"};
    CheckReport report = run_checks(graph, run);
    CHECK(report.findings.empty());
    CHECK(report.builtin_hidden == 1);
    run.options.include_builtin = true;
    report = run_checks(graph, run);
    CHECK(report.findings.size() == 1);
    CHECK(report.builtin_hidden == 0);
}

}  // namespace
}  // namespace rbacgraph::test
