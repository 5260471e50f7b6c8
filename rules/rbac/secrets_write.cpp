#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG238", "secrets-write", "rbac", RiskSeverity::kMedium,
                         "Rewrites or deletes existing Secrets: update, patch or delete on secrets "
                         "(namespace-scoped grants: low)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // create is token-secret-mint's (a new token Secret for any ServiceAccount); reads are secrets-access's.
    // Neither update nor patch needs get: a writer replaces a value it cannot read (trivy KSV-0041/-0113,
    // kubescape C-0007 count these verbs).
    static const std::vector<Probe> kProbes = probes({"update", "patch", "delete"}, {"secrets"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule secrets_write{kInfo, &check};

}  // namespace rbacgraph::rules
