#include <fmt/format.h>

#include <map>
#include <set>

#include "rbacgraph/check.hpp"
#include "rbacgraph/identity.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG208", "workload-create", "rbac", RiskSeverity::kHigh,
    "Creates pods or pod controllers, or rewrites a controller's pod template, and so runs "
    "as any ServiceAccount of the namespaces it reaches: rated by the strongest of them "
    "(cluster-wide at least high; in one namespace at least low)"};

// The strongest cluster takeover among a namespace's ServiceAccounts, and whose it is.
struct Strongest {
    std::string account;
    AccountTakeover takeover;
};

class Accounts {
  public:
    explicit Accounts(const CheckContext& context) : context_(&context) {
        // The accounts that hold anything (their rows), and every namespace's default account, which exists
        // wherever the namespace does; kube-system is in every cluster.
        for (const auto& [key, rows] : context.graph().service_account_rows()) {
            const std::size_t slash = key.find('/');
            if (slash != std::string::npos) {
                names_[key.substr(0, slash)].insert(key.substr(slash + 1));
            }
        }
        names_["kube-system"];
        for (auto& [ns, names] : names_) {
            names.insert("default");
        }
    }

    const std::map<std::string, std::set<std::string>>& namespaces() const { return names_; }

    /// The strongest account of one namespace, if it has any account.
    std::optional<Strongest> strongest_in(const std::string& ns) {
        if (!names_.contains(ns)) {
            return std::nullopt;
        }
        return strongest(ns);
    }

    /// The strongest account of any namespace (the first namespace in order wins a tie), found once: every
    /// cluster-wide creator reaches them all.
    const std::optional<Strongest>& strongest_anywhere() {
        if (!anywhere_) {
            anywhere_.emplace();
            for (const auto& [ns, names] : names_) {
                keep_stronger(*anywhere_, strongest(ns));
            }
        }
        return *anywhere_;
    }

    static void keep_stronger(std::optional<Strongest>& best, const std::optional<Strongest>& candidate) {
        if (candidate && (!best || candidate->takeover.severity > best->takeover.severity)) {
            best = candidate;
        }
    }

    const std::optional<Strongest>& strongest(const std::string& ns) {
        auto [found, inserted] = strongest_.try_emplace(ns);
        if (inserted) {
            for (const std::string& name : names_[ns]) {
                const auto takeover = context_->account_takeover(ns, name, true);
                if (takeover && (!found->second || takeover->severity > found->second->takeover.severity)) {
                    found->second = Strongest{ns + "/" + name, *takeover};
                }
            }
        }
        return found->second;
    }

  private:
    const CheckContext* context_;
    std::map<std::string, std::set<std::string>> names_;
    std::map<std::string, std::optional<Strongest>> strongest_;
    std::optional<std::optional<Strongest>> anywhere_;
};

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
    Accounts accounts(context);
    for (const Capability& capability : capabilities) {
        // A pod runs as any ServiceAccount of its namespace (spec.serviceAccountName): the creator holds what
        // the strongest account of every namespace it reaches holds.
        std::optional<Strongest> best;
        // A RoleBinding reaches its own namespace only; a namespaced access policy its scope's namespaces.
        const bool one_namespace =
            !capability.cluster_wide && capability.source == Capability::Source::kBinding;
        // Asked per namespace only where the reach is a set of namespaces (an access scope); a RoleBinding's
        // one namespace is looked up, and every namespace's strongest is found once for all cluster-wide
        // creators (comparing each creator with every namespace was quadratic).
        if (one_namespace) {
            best = accounts.strongest_in(context.graph().bindings()[capability.index].binding->ns);
        } else if (capability.cluster_wide) {
            best = accounts.strongest_anywhere();
        } else {
            for (const auto& [ns, names] : accounts.namespaces()) {
                if (context.allows_in(capability, ns)) {
                    Accounts::keep_stronger(best, accounts.strongest(ns));
                }
            }
        }
        Finding finding = context.finding_for(capability, capability.probe->label);
        RiskSeverity severity = capability.cluster_wide ? RiskSeverity::kHigh : RiskSeverity::kLow;
        if (best && best->takeover.severity > severity) {
            severity = best->takeover.severity;
        }
        if (best) {
            finding.message += fmt::format("; its pods may run as ServiceAccount {}, which can {} via {}",
                                           best->account, best->takeover.what, best->takeover.grant);
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
