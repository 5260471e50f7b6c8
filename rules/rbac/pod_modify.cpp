#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG216", "pod-modify", "rbac", RiskSeverity::kMedium,
                         "Modifies running pods (update or patch pods; namespace-scoped grants: low)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"update", "patch"}, {"pods"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule pod_modify{kInfo, &check};

}  // namespace rbacgraph::rules
