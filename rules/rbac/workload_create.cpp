#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG208", "workload-create", "rbac", RiskSeverity::kMedium,
                         "Creates pods or pod controllers, or rewrites a controller's pod template "
                         "(namespace-scoped grants: low)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = concat(
        probes({"create"}, {"pods", "deployments.apps", "daemonsets.apps", "statefulsets.apps",
                            "replicasets.apps", "replicationcontrollers", "jobs.batch", "cronjobs.batch"}),
        probes({"update", "patch"},
               {"deployments.apps", "daemonsets.apps", "statefulsets.apps", "replicasets.apps",
                "replicationcontrollers", "jobs.batch", "cronjobs.batch"}));
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule workload_create{kInfo, &check};

}  // namespace rbacgraph::rules
