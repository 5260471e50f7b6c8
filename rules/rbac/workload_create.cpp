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
        const std::string& binding_ns =
            one_namespace ? context.graph().bindings()[capability.index].binding->ns : std::string();
        for (const auto& [ns, names] : accounts.namespaces()) {
            if (one_namespace ? ns != binding_ns
                              : !capability.cluster_wide && !context.allows_in(capability, ns)) {
                continue;
            }
            const auto& strongest = accounts.strongest(ns);
            if (strongest && (!best || strongest->takeover.severity > best->takeover.severity)) {
                best = strongest;
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
