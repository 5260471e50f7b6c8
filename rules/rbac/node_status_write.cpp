#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG222", "node-status-write", "rbac", RiskSeverity::kLow,
                         "Writes nodes/status, which steers scheduling and can impersonate node state"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"update", "patch"}, {"nodes/status"}, true);
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule node_status_write{kInfo, &check};

}  // namespace rbacgraph::rules
