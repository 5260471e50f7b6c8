#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG237", "node-log-read", "rbac", RiskSeverity::kMedium,
                         "Reads nodes/log: the kubelet's /logs/ (every pod's logs on the node), and from "
                         "Kubernetes 1.37 the kubelet's effective configuration"};

// k8s-rbac.md 15, K19: from 1.37 the kubelet logs its effective configuration at start (1.37 notes,
// PR #139837), which /logs/ then serves; KEP-2862 maps the kubelet's /logs/* to nodes/log.
constexpr KubernetesVersion kLogsConfiguration{1, 37};

std::string reading(const std::optional<KubernetesVersion>& version) {
    if (!version) {
        return "; from Kubernetes 1.37 also the kubelet's effective configuration (the cluster's version is "
               "unknown: give --kubernetes-version or a describe-cluster output)";
    }
    return *version >= kLogsConfiguration
               ? fmt::format(", including the kubelet's effective configuration (Kubernetes {})",
                             version->display())
               : std::string();
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes = probes({"get"}, {"nodes/log"}, true);
    const std::string said = reading(context.graph().kubernetes_version());
    for (const Capability& capability : context.capabilities(kProbes)) {
        Finding finding = context.finding_for(capability, capability.probe->label);
        finding.message += said;
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule node_log_read{kInfo, &check};

}  // namespace rbacgraph::rules
