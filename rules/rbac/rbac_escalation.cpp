#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG202", "rbac-escalation", "rbac", RiskSeverity::kCritical,
    "Escalates through RBAC itself: escalate or bind on roles, or impersonate identities"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // escalation_check.go: escalate lets a role carry permissions its writer lacks; bind lets a binding
    // reference any role; impersonation (impersonation.go) acts as users, groups, uids, extras
    // (cluster-scoped requests) or service accounts (namespaced). userextras are matched per key; "scopes"
    // stands for any key.
    static const std::vector<Probe> kProbes =
        concat(concat(probes({"escalate", "bind"}, {"clusterroles.rbac.authorization.k8s.io"}, true),
                      probes({"escalate", "bind"}, {"roles.rbac.authorization.k8s.io"})),
               concat(probes({"impersonate"},
                             {"users", "groups", "uids", "userextras/scopes",
                              "userextras.authentication.k8s.io/scopes"},
                             true),
                      probes({"impersonate"}, {"serviceaccounts"})));
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule rbac_escalation{kInfo, &check};

}  // namespace rbacgraph::rules
