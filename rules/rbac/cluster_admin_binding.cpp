#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG205", "cluster-admin-binding", "rbac", RiskSeverity::kHigh,
                         "Binds cluster-admin, or any role allowing every verb on every resource (in one "
                         "namespace: medium)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& bindings = context.graph().bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const BindingNode& node = bindings[b];
        const Binding& binding = *node.binding;
        // A binding to cluster-admin the export lacks resolves to the built-in role every cluster has.
        if (!context.role_is_full_admin(node.role) || context.graph().binding_rows(b).empty()) {
            continue;  // not admin, or no subject can match anybody: it grants nothing
        }
        Probe everything;
        everything.label = "do anything";
        everything.cluster_scoped = true;  // a RoleBinding's "in namespace X" comes from the binding
        Capability capability;
        capability.index = b;
        capability.probe = &everything;
        capability.cluster_wide = binding.cluster_scoped;
        everything.label =
            binding.cluster_scoped ? "do anything, in every namespace and cluster-wide" : "do anything";
        Finding finding = context.finding_for(capability, everything.label);
        if (!binding.cluster_scoped) {
            finding.severity = lower(kInfo.severity);
            finding.message += " (full control of the namespace, including its Secrets and RoleBindings)";
        }
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule cluster_admin_binding{kInfo, &check};

}  // namespace rbacgraph::rules
