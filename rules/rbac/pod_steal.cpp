#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG217", "pod-steal", "rbac", RiskSeverity::kMedium,
    "Can taint or drain nodes and evict pods, so pods reschedule onto a node it controls"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kNodes = probes({"patch", "update", "delete"}, {"nodes"}, true);
    static const std::vector<Probe> kEvict =
        concat(probes({"delete"}, {"pods"}), probes({"create"}, {"pods/eviction"}));
    for (const auto& [nodes, evict] : context.combined(kNodes, kEvict)) {
        const std::string scope = evict.cluster_wide ? "" : " (in one namespace)";
        out.push_back(context.finding_for(nodes, nodes.probe->label + " and " + evict.probe->label + scope));
    }
}

}  // namespace

extern const Rule pod_steal{kInfo, &check};

}  // namespace rbacgraph::rules
