// Version-dependent semantics (k8s-rbac.md 13): the cluster's Kubernetes version, read from describe-cluster
// or given as an option, decides what get on pods/exec does, whether constrained impersonation is live, and
// which subresources the built-in system:kubelet-api-admin holds.
#include <algorithm>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/rules.hpp"

using namespace rbacgraph;
using rbacgraph::test::graph_of;
using rbacgraph::test::load_yaml;
using rbacgraph::test::resource_request;
using rbacgraph::test::user_can;

namespace {

std::vector<Finding> run(const Graph& graph, const std::string& rule) {
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {rule};
    return run_checks(graph, run).findings;
}

// A group holding get (only) on pods/exec and the constrained identity check for users.
constexpr std::string_view kGetExecAndConstrained = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
- apiGroups: [""]
  resources: [pods/exec]
  verbs: [get]
- apiGroups: [authentication.k8s.io]
  resources: [users]
  verbs: ["impersonate:user-info"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: r}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects: [{kind: Group, name: team}]
)";

GraphOptions at_version(std::optional<KubernetesVersion> version) {
    GraphOptions options = test::test_options();
    options.kubernetes_version = version;
    return options;
}

}  // namespace

TEST_CASE("Kubernetes versions parse as describe-cluster and kubectl write them") {
    CHECK(KubernetesVersion::parse("1.35") == KubernetesVersion{1, 35});
    CHECK(KubernetesVersion::parse("v1.33.4") == KubernetesVersion{1, 33});
    CHECK(KubernetesVersion::parse("1.30-eks-a1b2c3") == KubernetesVersion{1, 30});
    CHECK(KubernetesVersion{1, 34} < KubernetesVersion{1, 35});
    CHECK(KubernetesVersion::parse("1.35")->display() == "1.35");
    // Negative cases beside the positive ones above.
    CHECK_FALSE(KubernetesVersion::parse(""));
    CHECK_FALSE(KubernetesVersion::parse("latest"));
    CHECK_FALSE(KubernetesVersion::parse("1"));
    CHECK_FALSE(KubernetesVersion::parse("1."));
}

TEST_CASE("describe-cluster's version is the graph's, and the option overrides it") {
    const std::string yaml = R"(
cluster:
  name: c
  version: "1.34"
  roleArn: arn:aws:iam::111122223333:role/cluster
  identity: {oidc: {issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"}}
  computeConfig: {enabled: true, nodeRoleArn: "arn:aws:iam::111122223333:role/node"}
)";
    const Graph read(load_yaml(yaml), test::test_options());
    REQUIRE(read.kubernetes_version());
    CHECK(*read.kubernetes_version() == KubernetesVersion{1, 34});
    REQUIRE(read.source().cluster);
    CHECK(read.source().cluster->oidc_issuer == "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC");
    CHECK(read.source().cluster->role_arn == "arn:aws:iam::111122223333:role/cluster");
    CHECK(read.source().cluster->auto_mode);
    CHECK(read.source().cluster->node_role_arn == "arn:aws:iam::111122223333:role/node");
    const Graph overridden(load_yaml(yaml), at_version(KubernetesVersion{1, 36}));
    CHECK(*overridden.kubernetes_version() == KubernetesVersion{1, 36});
    CHECK_FALSE(graph_of("kind: ConfigMap\n").kubernetes_version());
}

TEST_CASE(
    "get on pods/exec: a session up to 1.34, none from 1.35, both readings when the version is unknown") {
    // k8s-rbac.md 13, AuthorizePodWebsocketUpgradeCreatePermission (beta, on by default in 1.35).
    const auto exec_findings = [](std::optional<KubernetesVersion> version) {
        return run(graph_of(kGetExecAndConstrained, at_version(version)), "pod-exec");
    };
    const std::vector<Finding> old_cluster = exec_findings(KubernetesVersion{1, 34});
    REQUIRE(old_cluster.size() == 1);
    CHECK(old_cluster[0].severity == RiskSeverity::kHigh);
    CHECK(old_cluster[0].message.find("Kubernetes 1.34 authorizes it as get alone") != std::string::npos);
    CHECK(exec_findings(KubernetesVersion{1, 35}).empty());
    const std::vector<Finding> unknown = exec_findings(std::nullopt);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].severity == RiskSeverity::kMedium);
    CHECK(unknown[0].message.find("1.34 and older") != std::string::npos);
    CHECK(unknown[0].message.find("not from 1.35") != std::string::npos);
}

TEST_CASE("create on pods/exec is a session on every version") {
    const std::string yaml =
        std::string(kGetExecAndConstrained)
            .replace(std::string(kGetExecAndConstrained).find("verbs: [get]"), 12, "verbs: [create, get]");
    for (const std::optional<KubernetesVersion> version :
         {std::optional<KubernetesVersion>{}, std::optional{KubernetesVersion{1, 30}},
          std::optional{KubernetesVersion{1, 36}}}) {
        const std::vector<Finding> findings = run(graph_of(yaml, at_version(version)), "pod-exec");
        REQUIRE(findings.size() == 1);  // reported once, as create
        CHECK(findings[0].severity == RiskSeverity::kHigh);
        CHECK(findings[0].message.find("create pods/exec") != std::string::npos);
    }
}

TEST_CASE("constrained impersonation is live from 1.36, dormant before, both readings when unknown") {
    // KEP-5284 (k8s-rbac.md 8): alpha in 1.35, beta and on by default in 1.36.
    const auto severity_at = [](std::optional<KubernetesVersion> version) {
        const std::vector<Finding> findings =
            run(graph_of(kGetExecAndConstrained, at_version(version)), "rbac-escalation");
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].message.find("never as system:masters") != std::string::npos);
        return findings[0].severity;
    };
    CHECK(severity_at(KubernetesVersion{1, 36}) == RiskSeverity::kHigh);
    CHECK(severity_at(std::nullopt) == RiskSeverity::kMedium);
    CHECK(severity_at(KubernetesVersion{1, 34}) == RiskSeverity::kLow);
}

TEST_CASE("legacy impersonate does not satisfy a constrained identity check, nor the reverse") {
    // k8s-rbac.md 8: identity checks are in authentication.k8s.io with verb impersonate:<mode>; RBAC compares
    // verbs as whole strings.
    const Graph graph = graph_of(kGetExecAndConstrained);
    CHECK(user_can(graph, "u", {"team"},
                   resource_request("impersonate:user-info", "users", "", "bob", "authentication.k8s.io")));
    CHECK_FALSE(user_can(graph, "u", {"team"}, resource_request("impersonate", "users", "", "bob")));
    CHECK_FALSE(user_can(graph, "u", {"team"},
                         resource_request("impersonate:user-info", "users", "", "bob")));  // core group
}

TEST_CASE("system:kubelet-api-admin gains the kubelet's fine-grained subresources from 1.33") {
    // k8s-rbac.md 13, KEP-2862: KubeletFineGrainedAuthz beta and on by default in 1.33.
    constexpr std::string_view kBinding = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kubelet-api}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:kubelet-api-admin"}
subjects: [{kind: User, name: apiserver}]
)";
    const auto can_get_node_pods = [&](std::optional<KubernetesVersion> version) {
        GraphOptions options = at_version(version);
        options.builtin_objects = true;
        return user_can(graph_of(kBinding, options), "apiserver", {},
                        resource_request("get", "nodes", "", "node-1", "", "pods"));
    };
    CHECK(can_get_node_pods(KubernetesVersion{1, 33}));
    CHECK_FALSE(can_get_node_pods(KubernetesVersion{1, 32}));
    CHECK_FALSE(can_get_node_pods(std::nullopt));
    // nodes/proxy, which the kubelet falls back to, is there on every version.
    GraphOptions options = at_version(std::nullopt);
    options.builtin_objects = true;
    CHECK(user_can(graph_of(kBinding, options), "apiserver", {},
                   resource_request("get", "nodes", "", "node-1", "", "proxy")));
}

TEST_CASE(
    "unknown-verb: a verb a later release authorizes grants nothing on an older cluster, and is no typo") {
    // k8s-rbac.md 15 (K9, K10): unsafe-delete-ignore-read-errors from 1.37 (KEP-3926), the DRA node-aware
    // verbs from 1.36 (DRAResourceClaimGranularStatusAuthorization).
    constexpr std::string_view kRole = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: driver}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [unsafe-delete-ignore-read-errors]
- apiGroups: [resource.k8s.io]
  resources: [resourceclaims/driver]
  verbs: ["associated-node:update"]
)";
    const auto lint = [&](std::optional<KubernetesVersion> version) {
        return run(graph_of(kRole, at_version(version)), "unknown-verb");
    };
    const std::vector<Finding> on135 = lint(KubernetesVersion{1, 35});
    REQUIRE(on135.size() == 2);
    CHECK(on135[0].message.find("authorized from Kubernetes 1.37") != std::string::npos);
    CHECK(on135[1].message.find("authorized from Kubernetes 1.36") != std::string::npos);
    const std::vector<Finding> on136 = lint(KubernetesVersion{1, 36});
    REQUIRE(on136.size() == 1);
    CHECK(on136[0].message.find("unsafe-delete-ignore-read-errors") != std::string::npos);
    // Positive controls: the release that authorizes them, and an unknown version, say nothing.
    CHECK(lint(KubernetesVersion{1, 37}).empty());
    CHECK(lint(std::nullopt).empty());
}
