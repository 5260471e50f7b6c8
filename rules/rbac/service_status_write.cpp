#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG220", "service-status-write", "rbac", RiskSeverity::kMedium,
                         "Writes services/status, which can redirect traffic to any IP (CVE-2020-8554; "
                         "namespace-scoped grants: low)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"update", "patch"}, {"services/status"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule service_status_write{kInfo, &check};

}  // namespace rbacgraph::rules
