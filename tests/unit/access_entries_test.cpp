// EKS access entries, access policies and authentication modes: shared/reference/eks-iam.md sections 4-6
// (EKS user guide: grant-k8s-access, creating-access-entries, access-policy-reference;
// aws-samples/eks-workshop-v2).
#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

std::string cluster(std::string_view mode, std::string_view bootstrap = "true") {
    return R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": ")" + std::string(mode) +
           R"(", "bootstrapClusterCreatorAdminPermissions": )" + std::string(bootstrap) + "}}}";
}

std::string entry(std::string_view arn, std::string_view extra = "") {
    return R"({"accessEntry": {"principalArn": ")" + std::string(arn) + R"(", "type": "STANDARD")" +
           std::string(extra) + "}}";
}

std::string policies(std::string_view arn, std::string_view list) {
    return R"({"principalArn": ")" + std::string(arn) + R"(", "associatedAccessPolicies": [)" +
           std::string(list) + "]}";
}

std::string policy(std::string_view name, std::string_view scope) {
    return R"({"policyArn": "arn:aws:eks::aws:cluster-access-policy/)" + std::string(name) +
           R"(", "accessScope": )" + std::string(scope) + "}";
}

constexpr std::string_view kAwsAuthMasters = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::1:role/r
      username: legacy
      groups: [system:masters]
)";

TEST_CASE("API_AND_CONFIG_MAP: an access entry overrides the aws-auth entry for the same principal") {
    const Graph graph = graph_of_files({{"c.json", cluster("API_AND_CONFIG_MAP")},
                                        {"e.json", entry("arn:aws:iam::1:role/r")},
                                        {"a.yaml", std::string(kAwsAuthMasters)}});
    const Identity identity = resolve_arn(graph, "arn:aws:sts::1:assumed-role/r/s");
    CHECK(identity.source == IdentitySource::kAccessEntry);
    CHECK_FALSE(identity.is_masters());
    // Default username of a role entry: the assumed-role ARN with the session name, path removed.
    CHECK(identity.username.literal_text() == "arn:aws:sts::1:assumed-role/r/s");
}

TEST_CASE("CONFIG_MAP ignores access entries, API ignores aws-auth") {
    const Graph config_map = graph_of_files({{"e.json", entry("arn:aws:iam::1:role/r")},
                                             {"a.yaml", std::string(kAwsAuthMasters)},
                                             {"c.json", cluster("CONFIG_MAP")}});
    CHECK(resolve_arn(config_map, "arn:aws:iam::1:role/r").is_masters());
    const Graph api = graph_of_files({{"c.json", cluster("API")}, {"a.yaml", std::string(kAwsAuthMasters)}});
    CHECK_FALSE(resolve_arn(api, "arn:aws:iam::1:role/r").authenticated);
}

TEST_CASE(
    "access entries without a mode: the cluster is in an API mode, and aws-auth answers are undetermined") {
    // EKS user guide, grant-k8s-access: access entries exist only in API and API_AND_CONFIG_MAP; in both the
    // entry wins over aws-auth for its principal, and only API_AND_CONFIG_MAP reads aws-auth for others.
    const Graph graph = graph_of_files(
        {{"e.json", entry("arn:aws:iam::1:role/r")}, {"a.yaml", std::string(kAwsAuthMasters)}});
    CHECK(graph.mode_inferred());
    const Identity entry_identity = resolve_arn(graph, "arn:aws:iam::1:role/r");
    CHECK(entry_identity.source == IdentitySource::kAccessEntry);
    CHECK_FALSE(entry_identity.is_masters());
    CHECK(entry_identity.undetermined.empty());
    const Graph mapped_only = graph_of_files(
        {{"e.json", entry("arn:aws:iam::1:role/other")}, {"a.yaml", std::string(kAwsAuthMasters)}});
    const Identity mapped = resolve_arn(mapped_only, "arn:aws:iam::1:role/r");
    CHECK(mapped.source == IdentitySource::kMapRoles);
    CHECK(mapped.undetermined.size() == 1);
    // Positive control: with describe-cluster saying API_AND_CONFIG_MAP, the aws-auth answer is decided.
    const Graph known = graph_of_files({{"e.json", entry("arn:aws:iam::1:role/other")},
                                        {"a.yaml", std::string(kAwsAuthMasters)},
                                        {"c.json", cluster("API_AND_CONFIG_MAP")}});
    CHECK_FALSE(known.mode_inferred());
    CHECK(resolve_arn(known, "arn:aws:iam::1:role/r").undetermined.empty());
    // Without access entries, an unknown mode reads aws-auth as CONFIG_MAP does.
    const Graph none = graph_of_files({{"a.yaml", std::string(kAwsAuthMasters)}});
    CHECK_FALSE(none.mode_inferred());
    CHECK(resolve_arn(none, "arn:aws:iam::1:role/r").is_masters());
}

TEST_CASE("an access entry for a role with a path matches its sessions (matched by unique ID, not ARN)") {
    const Graph graph =
        graph_of_files({{"c.json", cluster("API")}, {"e.json", entry("arn:aws:iam::1:role/teams/x/r")}});
    const Identity identity = resolve_arn(graph, "arn:aws:sts::1:assumed-role/r/s");
    CHECK(identity.authenticated);
    CHECK(identity.username.literal_text() == "arn:aws:sts::1:assumed-role/r/s");
    CHECK(resolve_arn(graph, "arn:aws:iam::1:role/teams/x/r").authenticated);
}

TEST_CASE("default usernames and groups per entry type, given username and groups are used") {
    const Graph graph = graph_of_files(
        {{"c.json", cluster("API")},
         {"u.json", entry("arn:aws:iam::1:user/u")},
         {"n.json", R"({"accessEntry": {"principalArn": "arn:aws:iam::1:role/node", "type": "EC2_LINUX"}})"},
         {"g.json", entry("arn:aws:iam::1:role/g",
                          R"(, "kubernetesGroups": ["devs"], "username": "me:{{SessionName}}")")}});
    CHECK(resolve_arn(graph, "arn:aws:iam::1:user/u").username.literal_text() == "arn:aws:iam::1:user/u");
    const Identity node = resolve_arn(graph, "arn:aws:sts::1:assumed-role/node/i-0123456789abcdef0");
    CHECK(node.username.has_unknowable());
    CHECK(node.groups[0].literal_text() == "system:nodes");
    const Identity custom = resolve_arn(graph, "arn:aws:sts::1:assumed-role/g/s1");
    CHECK(custom.username.literal_text() == "me:s1");
    CHECK(custom.groups[0].literal_text() == "devs");
}

TEST_CASE("access policies: cluster scope grants everywhere, namespace scope only in matching namespaces") {
    const std::string arn = "arn:aws:iam::1:role/r";
    const Graph graph = graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", entry(arn)},
         {"p.json",
          policies(arn,
                   policy("AmazonEKSEditPolicy", R"({"type": "namespace", "namespaces": ["ui", "dev-*"]})") +
                       "," +
                       policy("AmazonEKSViewPolicy", R"({"type": "namespace", "namespaces": ["carts"]})"))}});
    CHECK(arn_can(graph, arn, resource_request("delete", "pods", "ui")));
    CHECK(arn_can(graph, arn, resource_request("create", "pods", "dev-42", "p", "", "exec")));
    CHECK(arn_can(graph, arn, resource_request("get", "pods", "carts")));
    CHECK_FALSE(arn_can(graph, arn, resource_request("delete", "pods", "carts")));
    // `kubectl get pod -A` is forbidden with namespace-scoped policies.
    CHECK_FALSE(arn_can(graph, arn, resource_request("list", "pods")));
    CHECK_FALSE(arn_can(graph, arn, resource_request("get", "secrets", "carts")));
}

TEST_CASE("ClusterAdmin, Admin, View policies as published tables") {
    const std::string arn = "arn:aws:iam::1:user/u";
    const Graph graph = graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", entry(arn)},
         {"p.json",
          policies(arn, policy("AmazonEKSAdminPolicy", R"({"type": "namespace", "namespaces": ["a"]})") +
                            "," +
                            policy("AmazonEKSViewPolicy", R"({"type": "cluster", "namespaces": []})"))}});
    CHECK(arn_can(graph, arn,
                  resource_request("create", "rolebindings", "a", "", "rbac.authorization.k8s.io")));
    CHECK(arn_can(graph, arn, resource_request("impersonate", "serviceaccounts", "a", "sa")));
    CHECK(arn_can(graph, arn, resource_request("list", "deployments", "", "", "apps")));
    CHECK_FALSE(arn_can(graph, arn, resource_request("get", "secrets", "b")));
    CHECK_FALSE(arn_can(graph, arn, resource_request("get", "nodes")));
    const Graph admin = graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", entry(arn)},
         {"p.json",
          policies(arn, policy("AmazonEKSClusterAdminPolicy", R"({"type": "cluster", "namespaces": []})"))}});
    CHECK(arn_can(admin, arn, resource_request("delete", "nodes")));
    CHECK(arn_can(admin, arn, url_request("get", "/metrics")));
}

TEST_CASE("access-policy grants and RBAC over the entry's groups add up") {
    const std::string arn = "arn:aws:iam::1:user/u";
    const Graph graph = graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", entry(arn, R"(, "kubernetesGroups": ["ops"])")},
         {"p.json", policies(arn, policy("AmazonEKSViewPolicy", R"({"type": "cluster", "namespaces": []})"))},
         {"r.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects: [{kind: Group, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules: [{apiGroups: [''], resources: [nodes], verbs: [get]}]
)"}});
    CHECK(arn_can(graph, arn, resource_request("get", "nodes")));
    CHECK(arn_can(graph, arn, resource_request("get", "pods", "x")));
}

TEST_CASE("access-policy grants belong to the entry, not to its username") {
    const std::string arn = "arn:aws:iam::1:user/u";
    const Graph graph = graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", entry(arn)},
         {"p.json",
          policies(arn, policy("AmazonEKSViewPolicy", R"({"type": "cluster", "namespaces": []})"))}});
    CHECK(arn_can(graph, arn, resource_request("get", "pods", "x")));
    // Another identity with the same username (e.g. impersonation) gets only RBAC (EKS user guide,
    // grant-k8s-access).
    CHECK_FALSE(user_can(graph, arn, {}, resource_request("get", "pods", "x")));
}

TEST_CASE("the creator: invisible system:masters in CONFIG_MAP (or unknown) mode") {
    GraphOptions options = test_options();
    options.creator_arn = "arn:aws:iam::1:role/creator";
    const Graph graph = graph_of_files({{"c.json", cluster("CONFIG_MAP")}}, options);
    const Identity identity = resolve_arn(graph, "arn:aws:sts::1:assumed-role/creator/anyone");
    CHECK(identity.source == IdentitySource::kCreator);
    CHECK(identity.is_masters());
    CHECK(resolve_arn(graph_of_files({}, options), "arn:aws:iam::1:role/creator").is_masters());
}

TEST_CASE("the creator in API modes: only through its access entry") {
    GraphOptions options = test_options();
    options.creator_arn = "arn:aws:iam::1:role/creator";
    // No access-entry data exported at all: the bootstrap ClusterAdmin entry is assumed.
    const Graph assumed = graph_of_files({{"c.json", cluster("API")}}, options);
    CHECK(arn_can(assumed, "arn:aws:iam::1:role/creator", resource_request("delete", "nodes")));
    // Entries exported but none for the creator: it was deleted.
    const Graph deleted =
        graph_of_files({{"c.json", cluster("API")}, {"e.json", entry("arn:aws:iam::1:user/u")}}, options);
    CHECK_FALSE(resolve_arn(deleted, "arn:aws:iam::1:role/creator").authenticated);
    // Bootstrap flag off: no entry was ever made.
    const Graph off = graph_of_files({{"c.json", cluster("API", "false")}}, options);
    CHECK_FALSE(resolve_arn(off, "arn:aws:iam::1:role/creator").authenticated);
}

TEST_CASE("associating the same policy again replaces its scope") {
    const std::string arn = "arn:aws:iam::1:user/u";
    const Graph graph = graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", entry(arn)},
         {"p1.json",
          policies(arn, policy("AmazonEKSViewPolicy", R"({"type": "cluster", "namespaces": []})"))},
         {"p2.json", policies(arn, policy("AmazonEKSViewPolicy",
                                          R"({"type": "namespace", "namespaces": ["carts"]})"))}});
    CHECK(arn_can(graph, arn, resource_request("get", "pods", "carts")));
    CHECK_FALSE(arn_can(graph, arn, resource_request("get", "pods", "other")));
}

TEST_CASE("opaque policies are never counted as allow") {
    const std::string arn = "arn:aws:iam::1:role/auto";
    const Graph graph = graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", entry(arn)},
         {"p.json",
          policies(arn, policy("AmazonEKSAutoNodePolicy", R"({"type": "cluster", "namespaces": []})"))}});
    CHECK_FALSE(arn_can(graph, arn, resource_request("get", "pods", "kube-system")));
    CHECK(graph.diagnostics().size() == 1);
}

}  // namespace
}  // namespace rbacgraph::test

namespace rbacgraph::test {
namespace {

Verdict verdict_of(const Graph& graph, std::string_view arn, const Request& request) {
    return Authorizer(graph, resolve_arn(graph, arn)).authorize(request).verdict;
}

// One principal holding one policy at a scope, on an API-mode cluster.
Graph holding(std::string_view policy_name, std::string_view scope, std::string_view type = "STANDARD") {
    return graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", R"({"accessEntry": {"principalArn": "arn:aws:iam::1:role/p", "type": ")" +
                        std::string(type) + R"("}})"},
         {"p.json", policies("arn:aws:iam::1:role/p", policy(policy_name, scope))}});
}

constexpr std::string_view kClusterScope = R"({"type": "cluster"})";
constexpr std::string_view kP = "arn:aws:iam::1:role/p";

TEST_CASE("the policy catalog: every policy AWS lists, by kind (eks-iam.md 9.1)") {
    std::size_t exact = 0;
    std::size_t prose = 0;
    std::size_t name_only = 0;
    for (const AccessPolicyDefinition& definition : access_policy_catalog()) {
        switch (definition.coverage) {
            case RuleCoverage::kExact:
                ++exact;
                break;
            case RuleCoverage::kLowerBound:
                ++prose;
                break;
            case RuleCoverage::kUnknown:
                ++name_only;
                CHECK(definition.rules.empty());
                break;
        }
    }
    CHECK(exact == 7);       // the tabled ones (4.5)
    CHECK(prose == 14);      // Auto Mode and Insights (10), Capabilities (4): prose (9.2)
    CHECK(name_only == 15);  // attributable by name only (9.1)
    // AmazonEKSDashboardConsoleReadOnly is an IAM managed policy, not an access policy; IAM managed policies
    // that share a name with an access policy are other things (9.1 "Name collisions").
    CHECK(find_access_policy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSDashboardConsoleReadOnly") ==
          nullptr);
    CHECK(find_access_policy("arn:aws:iam::aws:policy/AmazonEKSComputePolicy") == nullptr);
    REQUIRE(find_access_policy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSComputePolicy") != nullptr);
    CHECK(find_access_policy("arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy") != nullptr);
}

TEST_CASE(
    "a prose-only policy allows what AWS names and is undetermined beyond, inside its scope (eks-iam.md "
    "9.2)") {
    const Graph compute = holding("AmazonEKSComputeClusterPolicy", kClusterScope);
    // "Update, patch, and delete nodes." "Create pod evictions and delete pods when necessary." "Create new
    // CRDs."
    CHECK(verdict_of(compute, kP, resource_request("delete", "nodes")) == Verdict::kAllowed);
    CHECK(verdict_of(compute, kP, resource_request("create", "pods", "app", "p", "", "eviction")) ==
          Verdict::kAllowed);
    CHECK(verdict_of(compute, kP,
                     resource_request("create", "customresourcedefinitions", "", "",
                                      "apiextensions.k8s.io")) == Verdict::kAllowed);
    // "Read access to pods" is get only; list is what the prose suggests without naming it.
    CHECK(verdict_of(compute, kP, resource_request("get", "pods", "app")) == Verdict::kAllowed);
    CHECK(verdict_of(compute, kP, resource_request("list", "pods", "app")) == Verdict::kUndetermined);
    // Anything else: never "no".
    CHECK(verdict_of(compute, kP, resource_request("get", "secrets", "kube-system")) ==
          Verdict::kUndetermined);
    CHECK(verdict_of(compute, kP, url_request("get", "/metrics")) == Verdict::kUndetermined);

    // Outside a namespace scope the policy has no opinion: a plain no (4.6).
    const Graph scoped =
        holding("AmazonEKSArgoCDPolicy", R"({"type": "namespace", "namespaces": ["argocd"]})");
    CHECK(verdict_of(scoped, kP, resource_request("get", "secrets", "argocd", "repo-creds")) ==
          Verdict::kAllowed);
    CHECK(verdict_of(scoped, kP, resource_request("list", "secrets", "argocd")) == Verdict::kUndetermined);
    CHECK(verdict_of(scoped, kP, resource_request("get", "secrets", "default", "x")) == Verdict::kDenied);
    CHECK(verdict_of(scoped, kP, resource_request("get", "nodes")) == Verdict::kDenied);
}

TEST_CASE("the ACK policy: every group ending .services.k8s.aws (eks-iam.md 9.2, CAPSEC)") {
    const Graph ack = holding("AmazonEKSACKPolicy", kClusterScope);
    CHECK(verdict_of(ack, kP, resource_request("create", "buckets", "app", "", "s3.services.k8s.aws")) ==
          Verdict::kAllowed);
    CHECK(verdict_of(ack, kP, resource_request("delete", "dbinstances", "db", "x", "rds.services.k8s.aws")) ==
          Verdict::kAllowed);
    CHECK(verdict_of(ack, kP, resource_request("patch", "buckets", "app", "b", "s3.services.k8s.aws")) ==
          Verdict::kUndetermined);
    CHECK(verdict_of(ack, kP,
                     resource_request("create", "buckets", "app", "", "services.k8s.aws.example.com")) ==
          Verdict::kUndetermined);
}

TEST_CASE(
    "a name-only or unknown policy is undetermined in its scope, never 'grants nothing' (eks-iam.md 9.10)") {
    const Graph named =
        holding("AmazonEKSSecretAdminPolicy", R"({"type": "namespace", "namespaces": ["team-*"]})");
    CHECK(verdict_of(named, kP, resource_request("get", "secrets", "team-a", "s")) == Verdict::kUndetermined);
    CHECK(verdict_of(named, kP, resource_request("get", "secrets", "other", "s")) == Verdict::kDenied);
    const Graph unknown = holding("AmazonEKSSomethingNew", kClusterScope);
    CHECK(verdict_of(unknown, kP, resource_request("get", "pods")) == Verdict::kUndetermined);
    const bool warned = std::any_of(unknown.diagnostics().begin(), unknown.diagnostics().end(),
                                    [](const Diagnostic& d) { return d.severity == Severity::kWarning; });
    CHECK(warned);
    // Positive control: a tabled policy answers a plain no where its table does not reach.
    CHECK(verdict_of(holding("AmazonEKSViewPolicy", kClusterScope), kP,
                     resource_request("get", "secrets", "x")) == Verdict::kDenied);
}

TEST_CASE(
    "entry types AWS publishes no identity for are undetermined, never STANDARD (eks-iam.md 4.3, 9.3)") {
    // HYPERPOD_LINUX: no username or groups published. Its policies still apply: they belong to the entry.
    const Graph hyperpod = holding("AmazonEKSViewPolicy", kClusterScope, "HYPERPOD_LINUX");
    const Identity identity = resolve_arn(hyperpod, kP);
    REQUIRE(identity.authenticated);
    CHECK(identity.username.has_unknowable());
    CHECK_FALSE(identity.undetermined.empty());
    CHECK(verdict_of(hyperpod, kP, resource_request("get", "pods", "x")) == Verdict::kAllowed);
    CHECK(verdict_of(hyperpod, kP, resource_request("get", "secrets", "x")) == Verdict::kUndetermined);

    // A type EKS does not document: warned, undetermined.
    const Graph future = holding("AmazonEKSViewPolicy", kClusterScope, "QUANTUM_LINUX");
    CHECK(verdict_of(future, kP, resource_request("get", "secrets", "x")) == Verdict::kUndetermined);
    CHECK(std::any_of(future.diagnostics().begin(), future.diagnostics().end(), [](const Diagnostic& d) {
        return d.message.find("'QUANTUM_LINUX' is not one EKS documents") != std::string::npos;
    }));

    // EC2 (Auto Mode): a node whose name is not published.
    const Graph auto_node = graph_of_files(
        {{"c.json", cluster("API")},
         {"e.json", R"({"accessEntry": {"principalArn": "arn:aws:iam::1:role/node", "type": "EC2"}})"}});
    const Identity node = resolve_arn(auto_node, "arn:aws:iam::1:role/node");
    CHECK(node.username.display().starts_with("system:node:<"));
    CHECK(node.username.has_unknowable());
}

TEST_CASE("node entry types: system:nodes, and bindings to other groups undetermined (groups unpublished)") {
    constexpr std::string_view kBindings = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects: [{kind: Group, name: "system:nodes"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: proxiers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects: [{kind: Group, name: "system:node-proxier"}]
)";
    const auto fargate_with = [&](std::string_view bindings) {
        return graph_of_files(
            {{"c.json", cluster("API")},
             {"e.json",
              R"({"accessEntry": {"principalArn": "arn:aws:iam::1:role/pod", "type": "FARGATE_LINUX"}})"},
             {"r.yaml", std::string(bindings)}});
    };
    const Graph both = fargate_with(kBindings);
    CHECK(verdict_of(both, "arn:aws:iam::1:role/pod", resource_request("get", "configmaps", "x")) ==
          Verdict::kAllowed);
    std::string proxier_only(kBindings);
    proxier_only.erase(
        proxier_only.find("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
                          "metadata: {name: nodes}"),
        proxier_only.find("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
                          "metadata: {name: proxiers}") -
            proxier_only.find("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
                              "metadata: {name: nodes}"));
    CHECK(verdict_of(fargate_with(proxier_only), "arn:aws:iam::1:role/pod",
                     resource_request("get", "configmaps", "x")) == Verdict::kUndetermined);
}

}  // namespace
}  // namespace rbacgraph::test
