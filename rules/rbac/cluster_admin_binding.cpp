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
        // The bootstrap controller recreates ClusterRole cluster-admin on every API server start, so a
        // binding to it grants everything even when the export lacks the role.
        const bool named_cluster_admin =
            binding.role_ref.kind == "ClusterRole" && binding.role_ref.name == "cluster-admin";
        if (!named_cluster_admin && !context.role_is_full_admin(node.role)) {
            continue;
        }
        if (context.graph().binding_rows(b).empty() && node.role) {
            continue;  // no subject can match anybody: it grants nothing
        }
        Probe everything;
        everything.label = "do anything";
        everything.cluster_scoped = true;  // a RoleBinding's "in namespace X" comes from the binding
        Capability capability;
        capability.index = b;
        capability.probe = &everything;
        capability.cluster_wide = binding.cluster_scoped;
        Finding finding;
        if (node.role) {
            everything.label =
                binding.cluster_scoped ? "do anything, in every namespace and cluster-wide" : "do anything";
            finding = context.finding_for(capability, everything.label);
        } else {
            finding = context.finding_for(binding, "");
            const auto& subjects = finding.subjects;
            finding.arns = context.arns_of_binding(b);
            finding.message =
                binding.display() +
                " binds ClusterRole cluster-admin (not in the export; every cluster has it) to " +
                (subjects.empty() ? "nobody" : subjects.front()) + (subjects.size() > 1 ? " and others" : "");
        }
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
