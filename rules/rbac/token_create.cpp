#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG209", "token-create", "rbac", RiskSeverity::kHigh,
    "Mints tokens for service accounts: create on serviceaccounts/token (namespace-scoped grants: medium)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"create"}, {"serviceaccounts/token"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule token_create{kInfo, &check};

}  // namespace rbacgraph::rules
