#include <fmt/format.h>

#include "rbacgraph/check.hpp"
#include "rbacgraph/identity.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG208", "workload-create", "rbac", RiskSeverity::kHigh,
    "Creates pods or pod controllers, or rewrites a controller's pod template, and so runs "
    "as any ServiceAccount of the namespaces it reaches: rated by the strongest of them "
    "(cluster-wide at least high; in one namespace at least low)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = concat(
        probes({"create"}, {"pods", "deployments.apps", "daemonsets.apps", "statefulsets.apps",
                            "replicasets.apps", "replicationcontrollers", "jobs.batch", "cronjobs.batch"}),
        probes({"update", "patch"},
               {"deployments.apps", "daemonsets.apps", "statefulsets.apps", "replicasets.apps",
                "replicationcontrollers", "jobs.batch", "cronjobs.batch"}));
    const std::vector<Capability> capabilities = context.capabilities(kProbes);
    if (capabilities.empty()) {
        return;
    }
    const auto keep_stronger = [](std::optional<AccountTakeover>& best,
                                  const std::optional<AccountTakeover>& candidate) {
        if (candidate && (!best || candidate->severity > best->severity)) {
            best = candidate;
        }
    };
    for (const Capability& capability : capabilities) {
        // A pod runs as any ServiceAccount of its namespace (spec.serviceAccountName): the creator holds what
        // the strongest account of every namespace it reaches holds (the takeover list, check.hpp).
        std::optional<AccountTakeover> best;
        // A RoleBinding reaches its own namespace only; a namespaced access policy its scope's namespaces.
        const bool one_namespace =
            !capability.cluster_wide && capability.source == Capability::Source::kBinding;
        // Asked per namespace only where the reach is a set of namespaces (an access scope); a RoleBinding's
        // one namespace is looked up, and every namespace's strongest is found once for all cluster-wide
        // creators (comparing each creator with every namespace was quadratic).
        if (one_namespace) {
            best = context.strongest_account_in(context.grant_namespace(capability));
        } else if (capability.cluster_wide) {
            best = context.strongest_account_anywhere();
        } else {
            for (const auto& [ns, names] : context.service_accounts_by_namespace()) {
                if (context.allows_in(capability, ns)) {
                    keep_stronger(best, context.strongest_account_in(ns));
                }
            }
        }
        Finding finding = context.finding_for(capability, capability.probe->label);
        RiskSeverity severity = capability.cluster_wide ? RiskSeverity::kHigh : RiskSeverity::kLow;
        if (best && best->severity > severity) {
            severity = best->severity;
        }
        if (best) {
            finding.message += fmt::format("; its pods may run as ServiceAccount {}, which can {} via {}",
                                           best->account, best->what, best->grant);
        } else if (capability.cluster_wide) {
            finding.message +=
                "; in every namespace, so its pods may run as any ServiceAccount, kube-system's "
                "included";
        }
        finding.severity = severity;
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule workload_create{kInfo, &check};

}  // namespace rbacgraph::rules
