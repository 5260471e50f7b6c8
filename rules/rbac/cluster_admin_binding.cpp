#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG205", "cluster-admin-binding", "rbac", RiskSeverity::kHigh,
                         "Binds cluster-admin, or any role allowing every verb on every resource (in one "
                         "namespace: medium)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // The grant table's sources whose rules allow everything, with the rule that does (a binding to the
    // cluster-admin the export lacks resolves to the built-in role every cluster has). Access policies are
    // cluster-admin-access-policy's.
    for (const Capability& capability : context.admin_grants()) {
        if (capability.source != Capability::Source::kBinding) {
            continue;
        }
        const std::string what =
            capability.cluster_wide ? "do anything, in every namespace and cluster-wide" : "do anything";
        Finding finding = context.finding_for(capability, what);
        if (!capability.cluster_wide) {
            finding.severity = lower(kInfo.severity);
            finding.message += " (full control of the namespace, including its Secrets and RoleBindings)";
        }
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule cluster_admin_binding{kInfo, &check};

}  // namespace rbacgraph::rules
