#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG206", "secrets-access", "rbac", RiskSeverity::kHigh,
                         "Reads Secrets: get, list or watch on secrets (namespace-scoped grants: medium)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"get", "list", "watch"}, {"secrets"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule secrets_access{kInfo, &check};

}  // namespace rbacgraph::rules
