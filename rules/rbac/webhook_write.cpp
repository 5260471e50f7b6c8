#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG212", "webhook-write", "rbac", RiskSeverity::kHigh,
                         "Writes mutating or validating admission webhook configurations"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes =
        probes({"create", "update", "patch", "delete"},
               {"mutatingwebhookconfigurations.admissionregistration.k8s.io",
                "validatingwebhookconfigurations.admissionregistration.k8s.io"},
               true);
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule webhook_write{kInfo, &check};

}  // namespace rbacgraph::rules
