#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG225", "destructive-delete", "rbac", RiskSeverity::kMedium,
                         "Deletes namespaces, nodes, PersistentVolumes or CRDs, or deletes whole collections "
                         "of workloads and data"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = concat(
        probes({"delete", "deletecollection"},
               {"namespaces", "nodes", "persistentvolumes", "customresourcedefinitions.apiextensions.k8s.io"},
               true),
        probes({"deletecollection"},
               {"pods", "deployments.apps", "persistentvolumeclaims", "secrets", "configmaps"}));
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule destructive_delete{kInfo, &check};

}  // namespace rbacgraph::rules
