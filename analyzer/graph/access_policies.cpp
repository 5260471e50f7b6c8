#include <string_view>

#include "rbacgraph/graph.hpp"

namespace rbacgraph {
namespace {

using Names = std::vector<std::string>;

PolicyRule rule(Names api_groups, Names resources, Names verbs) {
    PolicyRule out;
    out.api_groups = std::move(api_groups);
    out.resources = std::move(resources);
    out.verbs = std::move(verbs);
    out.location.file = "<EKS access policy>";
    return out;
}

const Names kRead = {"get", "list", "watch"};
const Names kWrite = {"create", "delete", "deletecollection", "patch", "update"};

// AWS EKS user guide, access-policy-reference.adoc (awsdocs/amazon-eks-user-guide @145543a): each rule is one
// row of the published table. Edit repeats View's rows and Admin repeats Edit's; the union is kept here.
std::vector<PolicyRule> view_rules() {
    return {
        rule({"apps"},
             {"controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
              "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
              "statefulsets/scale", "statefulsets/status"},
             kRead),
        rule({"autoscaling"}, {"horizontalpodautoscalers", "horizontalpodautoscalers/status"}, kRead),
        rule({"batch"}, {"cronjobs", "cronjobs/status", "jobs", "jobs/status"}, kRead),
        rule({"discovery.k8s.io"}, {"endpointslices"}, kRead),
        rule({"extensions"},
             {"daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
              "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale",
              "replicasets/status", "replicationcontrollers/scale"},
             kRead),
        rule({"networking.k8s.io"}, {"ingresses", "ingresses/status", "networkpolicies"}, kRead),
        rule({"policy"}, {"poddisruptionbudgets", "poddisruptionbudgets/status"}, kRead),
        rule({""},
             {"configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
              "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
              "services/status"},
             kRead),
        rule({""},
             {"bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
              "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"},
             kRead),
        rule({""}, {"namespaces"}, kRead),
    };
}

std::vector<PolicyRule> edit_rules() {
    std::vector<PolicyRule> rules = view_rules();
    const std::vector<PolicyRule> extra = {
        rule({"apps"},
             {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
              "replicasets/scale", "statefulsets", "statefulsets/scale"},
             kWrite),
        rule({"autoscaling"}, {"horizontalpodautoscalers"}, kWrite),
        rule({"batch"}, {"cronjobs", "jobs"}, kWrite),
        rule({"extensions"},
             {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses",
              "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"},
             kWrite),
        rule({"networking.k8s.io"}, {"ingresses", "networkpolicies"}, kWrite),
        rule({"policy"}, {"poddisruptionbudgets"}, kWrite),
        rule({""},
             {"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"},
             kRead),
        rule({""}, {"serviceaccounts"}, {"impersonate"}),
        rule({""}, {"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}, kWrite),
        rule({""},
             {"configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
              "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"},
             kWrite),
    };
    rules.insert(rules.end(), extra.begin(), extra.end());
    return rules;
}

std::vector<PolicyRule> admin_rules() {
    std::vector<PolicyRule> rules = edit_rules();
    rules.push_back(rule({"authorization.k8s.io"}, {"localsubjectaccessreviews"}, {"create"}));
    rules.push_back(
        rule({"rbac.authorization.k8s.io"}, {"rolebindings", "roles"},
             {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}));
    return rules;
}

std::vector<PolicyRule> cluster_admin_rules() {
    PolicyRule urls;
    urls.non_resource_urls = {"*"};
    urls.verbs = {"*"};
    urls.location.file = "<EKS access policy>";
    return {rule({"*"}, {"*"}, {"*"}), urls};
}

PolicyRule named(PolicyRule base, Names names) {
    base.resource_names = std::move(names);
    return base;
}

PolicyRule group_family(std::string suffix, Names resources, Names verbs) {
    PolicyRule out = rule({}, std::move(resources), std::move(verbs));
    out.api_group_suffixes = {std::move(suffix)};
    return out;
}

// The lease rule AWS states for the four Auto Mode lease policies: "coordination.k8s.io - Create and manage
// lease objects for leader election" (create is named; "manage" is not a verb, eks-iam.md 9.2).
std::vector<PolicyRule> lease_rules(Names verbs) {
    return {rule({"coordination.k8s.io"}, {"leases"}, std::move(verbs))};
}

// Every access policy AWS lists, in one table. Each row says where its rules come from. Policies AWS
// tabulates are exact; for those it describes in prose, the rules are what the prose names with an explicit
// verb ("read" is get; "manage", "modify", "handle" name no verb), a lower bound beyond which answers are
// undetermined; for those known by name only, every answer in their scope is undetermined
// (eks-iam.md 9.1-9.2).
std::vector<AccessPolicyDefinition> make_catalog() {
    using enum RuleCoverage;
    return {
        // Tabled: awsdocs/amazon-eks-user-guide access-policy-reference.adoc @145543a (eks-iam.md 4.5).
        {"AmazonEKSClusterAdminPolicy", cluster_admin_rules(), kExact},
        {"AmazonEKSAdminPolicy", admin_rules(), kExact},
        {"AmazonEKSEditPolicy", edit_rules(), kExact},
        {"AmazonEKSViewPolicy", view_rules(), kExact},
        {"AmazonEKSAdminViewPolicy", {rule({"*"}, {"*"}, kRead)}, kExact},
        {"AmazonEKSSecretReaderPolicy", {rule({""}, {"secrets"}, kRead)}, kExact},
        {"AmazonEKSHybridPolicy", {rule({"*"}, {"nodes"}, {"list"})}, kExact},

        // Auto Mode lease policies, prose: access-policy-reference.adoc @145543a (eks-iam.md 9.2, "Lease
        // policies"). Compute alone adds "basic read access (get, watch) to all lease resources".
        {"AmazonEKSBlockStoragePolicy", lease_rules({"create"}), kLowerBound},
        {"AmazonEKSLoadBalancingPolicy", lease_rules({"create"}), kLowerBound},
        {"AmazonEKSNetworkingPolicy", lease_rules({"create"}), kLowerBound},
        {"AmazonEKSComputePolicy", lease_rules({"create", "get", "watch"}), kLowerBound},
        // Lists components and tasks only ("Monitor network endpoints", "Work with storage-related
        // resources"):
        // no verb is named (eks-iam.md 9.2).
        {"AmazonEKSAutoNodePolicy", {}, kLowerBound},
        // Prose: access-policy-reference.adoc @145543a, AmazonEKSBlockStorageClusterPolicy (eks-iam.md 9.2).
        {"AmazonEKSBlockStorageClusterPolicy",
         {
             rule({"storage.k8s.io"}, {"csidrivers"}, {"create"}),
             rule({""}, {"persistentvolumes"}, {"list", "watch", "create", "update", "patch", "delete"}),
             rule({""}, {"persistentvolumeclaims"}, {"list", "watch", "update"}),
             rule({""}, {"persistentvolumeclaims/status"}, {"patch"}),
             rule({""}, {"nodes", "pods"}, {"get"}),
             rule({"storage.k8s.io"}, {"storageclasses", "csinodes", "volumeattributesclasses"}, {"get"}),
             rule({"storage.k8s.io"}, {"volumeattachments"}, {"list", "watch"}),
         },
         kLowerBound},
        // Prose: AmazonEKSComputeClusterPolicy ("Update, patch, and delete nodes", "Create pod evictions and
        // delete pods when necessary", "Create new CRDs"); NodePool is karpenter.sh/v1, NodeClass
        // eks.amazonaws.com/v1 (create-node-pool.adoc, create-node-class.adoc) (eks-iam.md 9.2).
        {"AmazonEKSComputeClusterPolicy",
         {
             rule({"karpenter.sh"}, {"nodepools", "nodeclaims"}, {"create", "get", "update", "delete"}),
             rule({"eks.amazonaws.com"}, {"nodeclasses"}, {"create", "delete"}),
             rule({""},
                  {"pods", "nodes", "persistentvolumes", "persistentvolumeclaims", "replicationcontrollers",
                   "namespaces"},
                  {"get"}),
             rule({"storage.k8s.io"}, {"storageclasses", "csinodes", "volumeattachments"}, {"get"}),
             rule({"apps"}, {"deployments", "daemonsets", "replicasets", "statefulsets"}, {"list", "watch"}),
             rule({"policy"}, {"poddisruptionbudgets"}, {"get"}),
             rule({""}, {"nodes"}, {"update", "patch", "delete"}),
             rule({""}, {"pods/eviction"}, {"create"}),
             rule({""}, {"pods"}, {"delete"}),
             rule({"apiextensions.k8s.io"}, {"customresourcedefinitions"}, {"create"}),
         },
         kLowerBound},
        // Prose: AmazonEKSLoadBalancingClusterPolicy ("Create and read all CRDs", "Create and read mutating
        // and
        // validating webhook configurations"); CRD groups from targetgroupbindings.eks.amazonaws.com and
        // ingressclassparams.eks.amazonaws.com on the same page (eks-iam.md 9.2).
        {"AmazonEKSLoadBalancingClusterPolicy",
         {
             rule({""}, {"pods", "nodes", "endpoints", "namespaces"}, {"get"}),
             rule({""}, {"pods/status"}, {"update"}),
             rule({"discovery.k8s.io"}, {"endpointslices"}, {"get"}),
             rule({"networking.k8s.io"}, {"ingressclasses"}, {"get"}),
             rule({"eks.amazonaws.com"}, {"targetgroupbindings"}, {"create"}),
             rule({"eks.amazonaws.com"}, {"ingressclassparams"}, {"get"}),
             rule({"apiextensions.k8s.io"}, {"customresourcedefinitions"}, {"create", "get"}),
             rule({"admissionregistration.k8s.io"},
                  {"mutatingwebhookconfigurations", "validatingwebhookconfigurations"}, {"create", "get"}),
         },
         kLowerBound},
        // Prose: AmazonEKSNetworkingClusterPolicy; karpenter.sh for NodeClaims is inferred (eks-iam.md 9.2).
        {"AmazonEKSNetworkingClusterPolicy",
         {
             rule({"eks.amazonaws.com"}, {"nodeclasses", "nodeclasses/status"}, {"get"}),
             rule({"karpenter.sh"}, {"nodeclaims", "nodeclaims/status"}, {"get"}),
             rule({""}, {"pods"}, {"get"}),
             rule({"eks.amazonaws.com"}, {"cninodes", "cninodes/status"},
                  {"create", "get", "update", "delete", "patch"}),
             rule({"apiextensions.k8s.io"}, {"customresourcedefinitions"}, {"create", "get"}),
             named(
                 rule({"apiextensions.k8s.io"}, {"customresourcedefinitions"}, {"update", "patch", "delete"}),
                 {"cninodes.eks.amazonaws.com"}),
         },
         kLowerBound},
        // Prose, service-linked only: "List and view cluster nodes", "Read node status information". The
        // kube-proxy DaemonSet read is limited to kube-system, which a policy rule cannot say: left
        // undetermined.
        {"AmazonEKSClusterInsightsPolicy",
         {rule({""}, {"nodes"}, {"list", "get"}), rule({""}, {"nodes/status"}, {"get"})},
         kLowerBound},

        // EKS Capabilities, prose: awsdocs/amazon-eks-user-guide capabilities-security.adoc @2d7d4e6,
        // "Default
        // access entry policies by capability" (eks-iam.md 9.2). kro.run is inferred; ACK is every group
        // named
        // *.services.k8s.aws (ACK's naming, as the page's own RBAC example s3.services.k8s.aws shows).
        {"AmazonEKSKROPolicy", {rule({"kro.run"}, {"resourcegraphdefinitions"}, {"watch"})}, kLowerBound},
        {"AmazonEKSACKPolicy",
         {group_family(".services.k8s.aws", {"*"}, {"create", "get", "update", "delete"})},
         kLowerBound},
        {"AmazonEKSArgoCDClusterPolicy", {}, kLowerBound},
        // "has access to all Kubernetes secrets within its configured namespace": at least get.
        {"AmazonEKSArgoCDPolicy", {rule({""}, {"secrets"}, {"get"})}, kLowerBound},

        // Known by name only: AmazonAIOpsAssistantPolicy and AmazonARCRegionSwitchScalingPolicy in AWS's own
        // sample list-access-policies output (access-policy-reference.adoc); the rest from third-party
        // listings
        // of list-access-policies (eks-iam.md 9.1, LIST-3P). Nothing about their rules is attributable.
        {"AmazonAIOpsAssistantPolicy", {}, kUnknown},
        {"AmazonARCRegionSwitchScalingPolicy", {}, kUnknown},
        {"AmazonEKSSecretAdminPolicy", {}, kUnknown},
        {"AmazonEKSPodIdentityPolicy", {}, kUnknown},
        {"AmazonEKSEventPolicy", {}, kUnknown},
        {"AmazonEMRJobPolicy", {}, kUnknown},
        {"AmazonSagemakerHyperpodClusterPolicy", {}, kUnknown},
        {"AmazonSagemakerHyperpodControllerPolicy", {}, kUnknown},
        {"AmazonSagemakerHyperpodSystemNamespacePolicy", {}, kUnknown},
        {"AmazonSagemakerHyperpodSpacePolicy", {}, kUnknown},
        {"AmazonSagemakerHyperpodSpaceTemplatePolicy", {}, kUnknown},
        {"AmazonSagemakerHyperpodUserClusterPolicy", {}, kUnknown},
        {"AIDevOpsAgentAccessPolicy", {}, kUnknown},
        {"AWSBackupFullAccessPolicyForBackup", {}, kUnknown},
        {"AWSBackupFullAccessPolicyForRestore", {}, kUnknown},
        // Not here: AmazonEKSDashboardConsoleReadOnly is an IAM managed policy, not an access policy
        // (eks-iam.md
        // 9.1); an association naming it is an unknown policy.
    };
}

}  // namespace

std::span<const AccessPolicyDefinition> access_policy_catalog() {
    static const std::vector<AccessPolicyDefinition> kCatalog = make_catalog();
    return kCatalog;
}

const AccessPolicyDefinition* find_access_policy(std::string_view arn_or_name) {
    const auto catalog = access_policy_catalog();
    std::string_view name = arn_or_name;
    if (arn_or_name.starts_with("arn:")) {
        // arn:PARTITION:eks::aws:cluster-access-policy/NAME; IAM managed policies of the same names
        // (arn:aws:iam::aws:policy/AmazonEKSComputePolicy) are other things (eks-iam.md 9.1).
        const std::size_t marker = arn_or_name.find(":eks::aws:cluster-access-policy/");
        if (marker == std::string_view::npos) {
            return nullptr;
        }
        name = arn_or_name.substr(arn_or_name.rfind('/') + 1);
    }
    for (const AccessPolicyDefinition& definition : catalog) {
        if (definition.name == name) {
            return &definition;
        }
    }
    return nullptr;
}

}  // namespace rbacgraph
