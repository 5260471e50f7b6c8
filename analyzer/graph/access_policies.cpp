#include <array>
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

std::vector<AccessPolicyDefinition> make_catalog() {
    std::vector<AccessPolicyDefinition> catalog = {
        {"AmazonEKSClusterAdminPolicy", cluster_admin_rules(), RuleCoverage::kExact},
        {"AmazonEKSAdminPolicy", admin_rules(), RuleCoverage::kExact},
        {"AmazonEKSEditPolicy", edit_rules(), RuleCoverage::kExact},
        {"AmazonEKSViewPolicy", view_rules(), RuleCoverage::kExact},
        {"AmazonEKSAdminViewPolicy", {rule({"*"}, {"*"}, kRead)}, RuleCoverage::kExact},
        {"AmazonEKSSecretReaderPolicy", {rule({""}, {"secrets"}, kRead)}, RuleCoverage::kExact},
        {"AmazonEKSHybridPolicy", {rule({"*"}, {"nodes"}, {"list"})}, RuleCoverage::kExact},
    };
    // Published as prose only (access-policy-reference.adoc, list-access-policies): their rules are unknown.
    constexpr std::array<std::string_view, 18> kOpaque = {
        "AmazonEKSAutoNodePolicy",
        "AmazonEKSBlockStoragePolicy",
        "AmazonEKSLoadBalancingPolicy",
        "AmazonEKSNetworkingPolicy",
        "AmazonEKSComputePolicy",
        "AmazonEKSBlockStorageClusterPolicy",
        "AmazonEKSComputeClusterPolicy",
        "AmazonEKSLoadBalancingClusterPolicy",
        "AmazonEKSNetworkingClusterPolicy",
        "AmazonEKSClusterInsightsPolicy",
        "AmazonEMRJobPolicy",
        "AmazonSagemakerHyperpodClusterPolicy",
        "AmazonSagemakerHyperpodControllerPolicy",
        "AmazonSagemakerHyperpodSystemNamespacePolicy",
        "AmazonAIOpsAssistantPolicy",
        "AmazonARCRegionSwitchScalingPolicy",
        "AmazonEKSDashboardConsoleReadOnly",
        "AmazonEKSEventPolicy",
    };
    for (std::string_view name : kOpaque) {
        catalog.push_back({std::string(name), {}, RuleCoverage::kUnknown});
    }
    return catalog;
}

}  // namespace

const AccessPolicyDefinition* find_access_policy(std::string_view arn_or_name) {
    static const std::vector<AccessPolicyDefinition> kCatalog = make_catalog();
    std::string_view name = arn_or_name;
    if (arn_or_name.starts_with("arn:")) {
        // arn:PARTITION:eks::aws:cluster-access-policy/NAME
        const std::size_t marker = arn_or_name.find(":eks::aws:cluster-access-policy/");
        if (marker == std::string_view::npos) {
            return nullptr;
        }
        name = arn_or_name.substr(arn_or_name.rfind('/') + 1);
    }
    for (const AccessPolicyDefinition& definition : kCatalog) {
        if (definition.name == name) {
            return &definition;
        }
    }
    return nullptr;
}

}  // namespace rbacgraph
