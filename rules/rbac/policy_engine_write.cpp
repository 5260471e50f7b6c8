
#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG218", "policy-engine-write", "rbac", RiskSeverity::kHigh,
    "Writes admission policies, CRDs, Gatekeeper or Kyverno policies that decide what the cluster admits"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // Deleting a policy switches its enforcement off, so delete counts for policies.
    static const std::vector<Probe> kPolicies =
        concat(probes({"create", "update", "patch", "delete"},
                      {"validatingadmissionpolicies.admissionregistration.k8s.io",
                       "validatingadmissionpolicybindings.admissionregistration.k8s.io",
                       "mutatingadmissionpolicies.admissionregistration.k8s.io",
                       "mutatingadmissionpolicybindings.admissionregistration.k8s.io",
                       "constrainttemplates.templates.gatekeeper.sh", "clusterpolicies.kyverno.io"},
                      true),
               probes({"create", "update", "patch", "delete"},
                      {"policies.kyverno.io", "policyexceptions.kyverno.io"}));
    // A CRD's schema and conversion webhook decide what objects of its kind are admitted and how they are
    // stored. Deleting CRDs is destructive-delete's; a write limited by resourceNames touches only those
    // CRDs (a controller keeping its own CRDs' conversion CA bundle), so only unlimited writes count.
    static const std::vector<Probe> kDefinitions =
        probes({"create", "update", "patch"}, {"customresourcedefinitions.apiextensions.k8s.io"}, true);
    report_capabilities(context, kInfo, kPolicies, out);
    const GrantSet policies(context.capabilities(kPolicies));
    for (const Capability& capability : context.capabilities(kDefinitions)) {
        if (!policies.contains(capability) && capability.names.empty()) {
            out.push_back(context.finding_for(capability, capability.probe->label));
        }
    }
}

}  // namespace

extern const Rule policy_engine_write{kInfo, &check};

}  // namespace rbacgraph::rules
