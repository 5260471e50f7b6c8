#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG221", "pod-status-write", "rbac", RiskSeverity::kLow,
                         "Writes pods/status, which can change what a Service routes to"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"update", "patch"}, {"pods/status"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule pod_status_write{kInfo, &check};

}  // namespace rbacgraph::rules
