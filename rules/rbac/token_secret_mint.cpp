#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG214", "token-secret-mint", "rbac", RiskSeverity::kHigh,
    "Creates Secrets, so can mint a legacy service-account token Secret (namespace-scoped grants: medium)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"create"}, {"secrets"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule token_secret_mint{kInfo, &check};

}  // namespace rbacgraph::rules
