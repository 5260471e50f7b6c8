#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG207", "pod-exec", "rbac", RiskSeverity::kHigh,
                         "Runs commands in pods (pods/exec, pods/attach); pods/portforward is medium"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // kubectl exec POSTs (create); WebSocket clients upgrade a GET, authorized as get on pods/exec, which is
    // why the bootstrap edit role grants both (k8s-rbac.md 3).
    static const std::vector<Probe> kShell = probes({"create", "get"}, {"pods/exec", "pods/attach"});
    static const std::vector<Probe> kForward = probes({"create", "get"}, {"pods/portforward"});
    report_capabilities(context, kInfo, kShell, out);
    for (const Capability& capability : context.capabilities(kForward)) {
        Finding finding = context.finding_for(capability, capability.probe->label);
        finding.severity = capability.cluster_wide ? RiskSeverity::kMedium : RiskSeverity::kLow;
        finding.key = "portforward";
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule pod_exec{kInfo, &check};

}  // namespace rbacgraph::rules
