// EKS 1.32+ anonymous access (eks-iam.md 12, E4; EKS user guide versioning/kubernetes-versions-standard.adoc,
// "Anonymous authentication changes"): anonymous requests are authenticated only for /healthz, /livez and
// /readyz; every other anonymous request gets 401 before authorization. Only a cluster description says the
// cluster is EKS; an unknown EKS version names both readings.
#include <optional>
#include <string>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/rules.hpp"

using namespace rbacgraph;
using rbacgraph::test::load_yaml;
using rbacgraph::test::resource_request;
using rbacgraph::test::url_request;

namespace {

// Anonymous callers may read secrets and every health URL, through a binding to each anonymous name.
constexpr std::string_view kAnonymousReaders = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: open}
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list]
- nonResourceURLs: ["/healthz", "/healthz/*", "/livez", "/metrics"]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: open}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: open}
subjects:
- {kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}
- {kind: User, name: "system:anonymous", apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
)";

// The same objects in an EKS cluster of this version (nullopt: a describe-cluster without a version), or,
// with eks false, with no cluster description (a self-managed cluster).
Graph cluster(std::optional<std::string> version, bool eks = true) {
    std::string yaml(kAnonymousReaders);
    if (eks) {
        yaml += "---\ncluster: {name: c, arn: \"arn:aws:eks:eu-west-1:111122223333:cluster/c\"";
        yaml += version ? ", version: \"" + *version + "\"}\n" : "}\n";
    }
    return Graph(load_yaml(yaml), test::test_options());
}

Decision anonymous(const Graph& graph, const Request& request) {
    return Authorizer(graph, kubernetes_identity("system:anonymous", {"system:unauthenticated"}))
        .authorize(request);
}

std::vector<Finding> anonymous_findings(const Graph& graph) {
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {"anonymous-access"};
    return run_checks(graph, run).findings;
}

}  // namespace

TEST_CASE("EKS 1.32+: anonymous requests other than /healthz, /livez and /readyz are refused before RBAC") {
    const Graph eks133 = cluster("1.33");
    const Decision secrets = anonymous(eks133, resource_request("get", "secrets", "default"));
    CHECK(secrets.verdict == Verdict::kDenied);
    CHECK(secrets.unauthenticated.find("only for /healthz, /livez and /readyz") != std::string::npos);
    CHECK(anonymous(eks133, url_request("get", "/healthz")).allowed());
    CHECK(anonymous(eks133, url_request("get", "/livez")).allowed());
    // The conditions match the whole path: a sub-path or another URL is refused even where RBAC allows it.
    CHECK(anonymous(eks133, url_request("get", "/healthz/etcd")).verdict == Verdict::kDenied);
    CHECK(anonymous(eks133, url_request("get", "/metrics")).verdict == Verdict::kDenied);
    // A health endpoint RBAC does not grant is still "no", for RBAC's reason.
    const Decision readyz = anonymous(eks133, url_request("get", "/readyz"));
    CHECK(readyz.verdict == Verdict::kDenied);
    CHECK(readyz.unauthenticated.empty());
    // Positive controls: an authenticated member of the same binding, and the group alone.
    CHECK(test::user_can(eks133, "jane", {"ops"}, resource_request("get", "secrets", "default")));
    CHECK(Authorizer(eks133, kubernetes_identity("x", {"system:unauthenticated"}))
              .authorize(resource_request("get", "secrets", "default"))
              .verdict == Verdict::kDenied);
}

TEST_CASE(
    "an IAM principal mapped into system:unauthenticated is authenticated, so EKS 1.32+ does not refuse it") {
    // Evasion: aws-auth may give a role the anonymous group; its requests carry a token and reach RBAC.
    const std::string yaml =
        std::string(kAnonymousReaders) +
        "---\ncluster: {name: c, version: \"1.33\"}\n---\napiVersion: v1\nkind: ConfigMap\n"
        "metadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n"
        "    - rolearn: arn:aws:iam::111122223333:role/r\n      username: r\n"
        "      groups: [\"system:unauthenticated\"]\n";
    const Graph graph(load_yaml(yaml), test::test_options());
    CHECK(test::arn_can(graph, "arn:aws:iam::111122223333:role/r",
                        resource_request("get", "secrets", "default")));
    // Positive control: the anonymous request itself is refused.
    CHECK(anonymous(graph, resource_request("get", "secrets", "default")).verdict == Verdict::kDenied);
}

TEST_CASE("before EKS 1.32, and on clusters not known to be EKS, anonymous requests reach RBAC") {
    for (const Graph& graph : {cluster("1.31"), cluster("1.35", false), cluster(std::nullopt, false)}) {
        CHECK(anonymous(graph, resource_request("get", "secrets", "default")).allowed());
        CHECK(anonymous(graph, url_request("get", "/metrics")).allowed());
    }
    // --kubernetes-version alone does not make a cluster EKS.
    GraphOptions options = test::test_options();
    options.kubernetes_version = KubernetesVersion{1, 35};
    const Graph self_managed(load_yaml(kAnonymousReaders), options);
    CHECK(anonymous(self_managed, resource_request("get", "secrets", "default")).allowed());
    // ... but it dates an EKS cluster whose description has no version.
    CHECK(anonymous(Graph(load_yaml(std::string(kAnonymousReaders) + "---\ncluster: {name: c}\n"), options),
                    resource_request("get", "secrets", "default"))
              .verdict == Verdict::kDenied);
}

TEST_CASE("EKS of unknown version: an anonymous 'yes' is undetermined with both readings, a 'no' stays no") {
    const Graph unknown = cluster(std::nullopt);
    const Decision secrets = anonymous(unknown, resource_request("get", "secrets", "default"));
    CHECK(secrets.verdict == Verdict::kUndetermined);
    REQUIRE_FALSE(secrets.undetermined.empty());
    CHECK(secrets.undetermined.front().undetermined.find("before 1.32 they reach RBAC") != std::string::npos);
    CHECK(anonymous(unknown, resource_request("delete", "secrets", "default")).verdict == Verdict::kDenied);
    CHECK(anonymous(unknown, url_request("get", "/healthz")).allowed());
}

TEST_CASE("who-can and what-can say which anonymous grants the EKS cluster refuses before authorization") {
    const Graph eks133 = cluster("1.33");
    const WhoCan who = who_can(eks133, resource_request("get", "secrets", "default"));
    std::vector<std::string> allowed;
    for (const WhoCanSubject& subject : who.subjects) {
        allowed.push_back(subject.subject.display());
    }
    CHECK(std::find(allowed.begin(), allowed.end(), "Group ops") != allowed.end());
    CHECK(std::find(allowed.begin(), allowed.end(), "Group system:unauthenticated") == allowed.end());
    CHECK(who.refused.size() == 2);
    CHECK_FALSE(who.anonymous_reach.empty());
    // Only a User or Group carries the anonymous names: a ServiceAccount subject written with the group's
    // name is no anonymous holder.
    const Graph sa =
        Graph(load_yaml(std::string(kAnonymousReaders) +
                        "---\ncluster: {name: c, version: \"1.33\"}\n---\napiVersion: "
                        "rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: "
                        "sa}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, "
                        "name: open}\nsubjects: [{kind: ServiceAccount, name: "
                        "\"system:unauthenticated\", namespace: x}]\n"),
              test::test_options());
    CHECK(who_can(sa, resource_request("get", "secrets", "default")).refused.size() == 2);
    // Positive control: a health endpoint is asked as RBAC asks it.
    const WhoCan health = who_can(eks133, url_request("get", "/healthz"));
    CHECK(health.refused.empty());
    CHECK(health.anonymous_reach.empty());

    const WhatCan what = what_can(
        eks133, Authorizer(eks133, kubernetes_identity("system:anonymous", {"system:unauthenticated"})));
    CHECK_FALSE(what.reach.empty());
    for (const PermissionRow& row : what.rows) {
        CHECK(row.scope == PermissionRow::Scope::kNonResource);
        CHECK(row.resource != "/metrics");
    }
    CHECK_FALSE(what.rows.empty());  // /healthz and /livez (not /healthz/*, which covers none of them)
    // The patterns are matched as RBAC matches them: every trailing '*' is trimmed (rbac.go
    // NonResourceURLMatches), so "/healthz**" covers /healthz; "/healthz/*" does not.
    CHECK(covers_anonymous_health_path("/healthz**"));
    CHECK(covers_anonymous_health_path("**"));
    CHECK(covers_anonymous_health_path("/re*"));
    CHECK_FALSE(covers_anonymous_health_path("/healthz/*"));
    CHECK_FALSE(covers_anonymous_health_path("/metrics"));
    const Graph old = cluster("1.31");
    const WhatCan before =
        what_can(old, Authorizer(old, kubernetes_identity("system:anonymous", {"system:unauthenticated"})));
    CHECK(before.reach.empty());
    CHECK(std::any_of(before.rows.begin(), before.rows.end(),
                      [](const PermissionRow& row) { return row.resource == "secrets"; }));
}

TEST_CASE("anonymous-access: dormant (low) on EKS 1.32+, critical before, both readings when unknown") {
    const std::vector<Finding> eks133 = anonymous_findings(cluster("1.33"));
    REQUIRE(eks133.size() == 1);
    CHECK(eks133[0].severity == RiskSeverity::kLow);
    CHECK(eks133[0].message.find("dormant") != std::string::npos);
    const std::vector<Finding> eks131 = anonymous_findings(cluster("1.31"));
    REQUIRE(eks131.size() == 1);
    CHECK(eks131[0].severity == RiskSeverity::kCritical);
    CHECK(eks131[0].message.find("dormant") == std::string::npos);
    const std::vector<Finding> unknown = anonymous_findings(cluster(std::nullopt));
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].severity == RiskSeverity::kCritical);
    CHECK(unknown[0].message.find("version is unknown") != std::string::npos);
}
