#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG224", "configmap-write", "rbac", RiskSeverity::kMedium,
                         "Writes ConfigMaps in kube-system (CoreDNS, kube-proxy and add-on configuration)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes =
        probes({"create", "update", "patch", "delete"}, {"configmaps"}, false, "kube-system");
    report_capabilities(context, kInfo, kProbes, out, false);
}

}  // namespace

extern const Rule configmap_write{kInfo, &check};

}  // namespace rbacgraph::rules
