#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG302", "dangling-role-ref", "lint", RiskSeverity::kLow,
    "A binding references a role that does not exist, so it grants nothing (until someone "
    "creates a role with that name)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const GrantTable& grants = context.grants();
    for (std::size_t b = 0; b < grants.binding_count(); ++b) {
        const GrantTable::BindingSource source = grants.binding_source(b);
        const Binding& binding = *source.binding;
        const RoleRef& ref = binding.role_ref;
        if (source.role != nullptr || (ref.kind != "Role" && ref.kind != "ClusterRole") ||
            (binding.cluster_scoped && ref.kind == "Role")) {
            continue;  // the loader already warns about impossible references
        }
        // The roles every cluster has are in the graph unless the built-in objects were turned off (a
        // complete live export), so a reference to one is never dangling by omission.
        Finding finding = context.finding_for(binding, "");
        const std::string target =
            ref.kind == "Role" ? fmt::format("Role {}/{}", binding.ns, ref.name) : "ClusterRole " + ref.name;
        finding.message = fmt::format(
            "{} references {}, which is not in the export: it grants nothing, and "
            "whoever creates {} decides what its subjects get",
            binding.display(), target, target);
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule dangling_role_ref{kInfo, &check};

}  // namespace rbacgraph::rules
