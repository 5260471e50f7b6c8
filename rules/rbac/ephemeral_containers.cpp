#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG215", "ephemeral-containers", "rbac", RiskSeverity::kHigh,
                         "Adds ephemeral containers to running pods (update or patch "
                         "pods/ephemeralcontainers; namespace-scoped grants: medium)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"update", "patch"}, {"pods/ephemeralcontainers"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule ephemeral_containers{kInfo, &check};

}  // namespace rbacgraph::rules
