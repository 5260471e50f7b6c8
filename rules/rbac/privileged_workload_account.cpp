#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG231", "privileged-workload-account", "rbac", RiskSeverity::kHigh,
    "A Pod or pod controller runs as a ServiceAccount that can take over the cluster or its "
    "namespace; whoever compromises the pod holds that power"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const Workload& workload : context.source().workloads) {
        // A pod with ownerReferences is reported through its controller; without a token it holds nothing.
        if (workload.owned || !workload.token_mounted) {
            continue;
        }
        const auto takeover = context.account_takeover(workload.ns, workload.service_account);
        if (!takeover) {
            continue;
        }
        Finding finding;
        finding.object = {workload.kind, workload.ns, workload.name};
        finding.location = workload.location;
        finding.subjects = {fmt::format("ServiceAccount {}/{}", workload.ns, workload.service_account)};
        finding.annotations = {&workload.annotations};
        // No workload is hidden as built in: a name or label is written by whoever writes the manifest, and
        // what EKS runs itself (aws-node, kube-proxy, coredns) holds no takeover under its own grants
        // (decisions.md, "Built in means equal to the definition").
        finding.message = fmt::format(
            "{} {}/{} runs{} as ServiceAccount {}/{}, which can {} via {}{}: code execution in its pods (an "
            "exploited app, or anyone who can exec into them) holds that",
            workload.kind, workload.ns, workload.name, workload.kind == "DaemonSet" ? " on every node" : "",
            workload.ns, workload.service_account, takeover->what, takeover->grant, takeover->then);
        // At the severity the rule that rates the capability gives it (webhook-write's high,
        // workload-create's critical for a creator in kube-system, a namespace's Secrets medium).
        finding.severity = takeover->severity;
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule privileged_workload_account{kInfo, &check};

}  // namespace rbacgraph::rules
