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

// bind and escalate limited by resourceNames reach only the roles of those names (escalation_check.go checks
// the role the binding or role names). Names are literal: '*' names a role called '*', not every role. Rated
// by what the named roles hand out: as unlimited when one is a takeover (bind cluster-admin), medium when
// they exist but are not, low when none exists.
void rate_named_roles(const CheckContext& context, const Capability& capability, Finding& finding) {
    const Request& request = capability.probe->request;
    const std::string ns = capability.cluster_wide ? std::string() : context.grant_namespace(capability);
    const CheckContext::NamedRoles named =
        context.named_roles_takeover(capability.names, request.resource == "clusterroles", ns);
    if (!named.exists) {
        finding.severity = RiskSeverity::kLow;
        finding.message +=
            "; no role of these names exists (resourceNames are literal: '*' is a name, not a "
            "wildcard), so it reaches nothing until one is created";
    } else if (!named.takeover) {
        finding.severity = RiskSeverity::kMedium;
        finding.message += "; the roles of these names hand out no escalation";
    } else {
        finding.message += fmt::format("; {} lets its holders {}", named.role, named.takeover->what);
    }
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    // escalation_check.go: escalate lets a role carry permissions its writer lacks; bind lets a binding
    // reference any role; impersonation (impersonation.go) acts as users, groups, uids, extras
    // (cluster-scoped requests) or service accounts (namespaced). userextras are matched per key; "scopes"
    // stands for any key. Legacy impersonation stays the fallback in every version.
    // escalation_check.go BindingAuthorized asks bind on the referenced role in the binding's namespace, so a
    // Role (or RoleBinding) allowing bind on clusterroles lets its holder bind any ClusterRole, cluster-admin
    // included, in RoleBindings of that namespace. Escalate on clusterroles is asked cluster-wide only.
    static const std::vector<Probe> kProbes =
        concat(concat(concat(probes({"escalate", "bind"}, {"clusterroles.rbac.authorization.k8s.io"}, true),
                             probes({"escalate", "bind"}, {"roles.rbac.authorization.k8s.io"})),
                      probes({"bind"}, {"clusterroles.rbac.authorization.k8s.io"})),
               concat(probes({"impersonate"},
                             {"users", "groups", "uids", "userextras/scopes",
                              "userextras.authentication.k8s.io/scopes"},
                             true),
                      probes({"impersonate"}, {"serviceaccounts"})));
    const std::vector<Capability> capabilities = context.capabilities(kProbes);
    for (const Capability& capability : capabilities) {
        Finding finding = context.finding_for(capability, capability.probe->label);
        if (!capability.cluster_wide) {
            finding.severity = lower(kInfo.severity);
        }
        const Request& request = capability.probe->request;
        if (!capability.names.empty() && (request.verb == "bind" || request.verb == "escalate")) {
            rate_named_roles(context, capability, finding);
        }
        out.push_back(std::move(finding));
    }
    report_constrained(context, GrantSet(capabilities), out);
}

}  // namespace

extern const Rule rbac_escalation{kInfo, &check};

}  // namespace rbacgraph::rules
