#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG219", "pv-create", "rbac", RiskSeverity::kMedium,
                         "Creates PersistentVolumes (a hostPath volume reads any file of a node)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"create"}, {"persistentvolumes"}, true);
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule pv_create{kInfo, &check};

}  // namespace rbacgraph::rules
