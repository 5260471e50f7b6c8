#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG210", "node-proxy", "rbac", RiskSeverity::kHigh,
                         "Reaches the kubelet API through nodes/proxy (get or create)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"get", "create"}, {"nodes/proxy"}, true);
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule node_proxy{kInfo, &check};

}  // namespace rbacgraph::rules
