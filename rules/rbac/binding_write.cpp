#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG227", "binding-write", "rbac", RiskSeverity::kMedium,
                         "Writes RoleBindings or ClusterRoleBindings, so can hand its own permissions to "
                         "anyone (namespace-scoped grants: low)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes =
        concat(probes({"create", "update", "patch"}, {"clusterrolebindings.rbac.authorization.k8s.io"}, true),
               probes({"create", "update", "patch"}, {"rolebindings.rbac.authorization.k8s.io"}));
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule binding_write{kInfo, &check};

}  // namespace rbacgraph::rules
