#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG202", "rbac-escalation", "rbac", RiskSeverity::kCritical,
    "Escalates through RBAC itself: escalate or bind on roles, or impersonate identities"};

// k8s-rbac.md 8, 13: constrained impersonation (KEP-5284) is alpha (off) in 1.35, beta and on by default from
// 1.36.
constexpr KubernetesVersion kConstrainedLive{1, 36};

// Grants of the constrained identity checks; one that also allows a legacy probe (a grant of every verb) is
// reported once, as legacy.
void report_constrained(const CheckContext& context, const GrantSet& legacy, std::vector<Finding>& out) {
    // The identity check of each mode: verb impersonate:<mode> in group authentication.k8s.io (users, groups,
    // uids and userextras for user-info; serviceaccounts, namespaced; nodes for both node modes). The holder
    // then acts as that identity for every verb it also holds impersonate-on:<mode>:<verb> for; no
    // constrained mode can add the group system:masters, so this is one step below legacy impersonation.
    static const std::vector<Probe> kIdentityChecks =
        concat(concat(probes({"impersonate:user-info"},
                             {"users.authentication.k8s.io", "groups.authentication.k8s.io",
                              "uids.authentication.k8s.io", "userextras.authentication.k8s.io/scopes"},
                             true),
                      probes({"impersonate:serviceaccount"}, {"serviceaccounts.authentication.k8s.io"})),
               probes({"impersonate:arbitrary-node", "impersonate:associated-node"},
                      {"nodes.authentication.k8s.io"}, true));
    const std::optional<KubernetesVersion> version = context.graph().kubernetes_version();
    RiskSeverity severity = RiskSeverity::kHigh;
    std::string reading;
    if (!version) {
        severity = RiskSeverity::kMedium;
        reading =
            "; live from Kubernetes 1.36 (beta, on by default), on 1.35 only with the "
            "ConstrainedImpersonation "
            "gate on (the cluster's version is unknown)";
    } else if (*version < kConstrainedLive) {
        severity = RiskSeverity::kLow;
        reading = fmt::format(
            "; dormant on Kubernetes {} (constrained impersonation is on by default from 1.36), live after "
            "an "
            "upgrade",
            version->display());
    }
    for (const Capability& capability : context.capabilities(kIdentityChecks)) {
        if (legacy.contains(capability)) {
            continue;
        }
        Finding finding = context.finding_for(capability, capability.probe->label);
        finding.message += fmt::format(
            " (constrained impersonation: with impersonate-on:{}:<verb> it acts as that identity for the "
            "verb, "
            "never as system:masters){}",
            capability.probe->request.verb.substr(std::string_view("impersonate:").size()), reading);
        finding.severity = severity;
        finding.key = "constrained";
        out.push_back(std::move(finding));
    }
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    // escalation_check.go: escalate lets a role carry permissions its writer lacks; bind lets a binding
    // reference any role; impersonation (impersonation.go) acts as users, groups, uids, extras
    // (cluster-scoped requests) or service accounts (namespaced). userextras are matched per key; "scopes"
    // stands for any key. Legacy impersonation stays the fallback in every version.
    static const std::vector<Probe> kProbes =
        concat(concat(probes({"escalate", "bind"}, {"clusterroles.rbac.authorization.k8s.io"}, true),
                      probes({"escalate", "bind"}, {"roles.rbac.authorization.k8s.io"})),
               concat(probes({"impersonate"},
                             {"users", "groups", "uids", "userextras/scopes",
                              "userextras.authentication.k8s.io/scopes"},
                             true),
                      probes({"impersonate"}, {"serviceaccounts"})));
    report_capabilities(context, kInfo, kProbes, out);
    report_constrained(context, GrantSet(context.capabilities(kProbes)), out);
}

}  // namespace

extern const Rule rbac_escalation{kInfo, &check};

}  // namespace rbacgraph::rules
