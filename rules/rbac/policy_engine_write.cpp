#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG218", "policy-engine-write", "rbac", RiskSeverity::kHigh,
    "Writes admission policies, CRDs, Gatekeeper or Kyverno policies that decide what the cluster admits"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes =
        concat(probes({"create", "update", "patch", "delete"},
                      {"validatingadmissionpolicies.admissionregistration.k8s.io",
                       "validatingadmissionpolicybindings.admissionregistration.k8s.io",
                       "mutatingadmissionpolicies.admissionregistration.k8s.io",
                       "mutatingadmissionpolicybindings.admissionregistration.k8s.io",
                       "customresourcedefinitions.apiextensions.k8s.io",
                       "constrainttemplates.templates.gatekeeper.sh", "clusterpolicies.kyverno.io"},
                      true),
               probes({"create", "update", "patch", "delete"},
                      {"policies.kyverno.io", "policyexceptions.kyverno.io"}));
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule policy_engine_write{kInfo, &check};

}  // namespace rbacgraph::rules
