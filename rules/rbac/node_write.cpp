#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG233", "node-write", "rbac", RiskSeverity::kMedium,
                         "Writes Nodes (labels and taints), which steers where sensitive pods are scheduled"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // AWS EKS Best Practices, "Harden Kubernetes RBAC" / the EBS CSI node plugin's patch nodes: node labels
    // and taints decide which nodes nodeSelector, affinity and tolerations pick. NodeRestriction limits
    // what a kubelet may set on its own Node, not what an RBAC holder may set on any Node. pod-steal reports
    // the same write combined with evictions; nodes/status is node-status-write.
    static const std::vector<Probe> kProbes = probes({"patch", "update"}, {"nodes"}, true);
    for (const Capability& capability : context.capabilities(kProbes)) {
        out.push_back(context.finding_for(
            capability, capability.probe->label +
                            " (labels and taints: pods that select or tolerate them follow to the nodes it "
                            "picks)"));
    }
}

}  // namespace

extern const Rule node_write{kInfo, &check};

}  // namespace rbacgraph::rules
