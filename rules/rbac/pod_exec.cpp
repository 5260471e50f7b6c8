#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG207", "pod-exec", "rbac", RiskSeverity::kHigh,
                         "Runs commands in pods (pods/exec, pods/attach); pods/portforward is medium"};

// k8s-rbac.md 13: from 1.35 (AuthorizePodWebsocketUpgradeCreatePermission, beta, on by default) a WebSocket
// exec, attach or port-forward (an upgraded GET, authorized as get) is also authorized as create.
constexpr KubernetesVersion kGetNeedsCreate{1, 35};

// What `get` alone does on the cluster's version: nullopt when it opens no session (1.35 and later).
std::optional<std::string> get_only_reading(const std::optional<KubernetesVersion>& version) {
    if (!version) {
        return std::string(
            "; this opens a session on Kubernetes 1.34 and older, or with "
            "AuthorizePodWebsocketUpgradeCreatePermission "
            "off, not from 1.35 (the cluster's version is unknown: give --kubernetes-version or a "
            "describe-cluster "
            "output)");
    }
    if (*version >= kGetNeedsCreate) {
        return std::nullopt;
    }
    return fmt::format(
        " (over WebSocket: Kubernetes {} authorizes it as get alone; from 1.35 it also needs create)",
        version->display());
}

// The grants of `get` that do not also grant `create` (those are reported as create), read for the version.
void report_get_only(const CheckContext& context, std::span<const Probe> creates, std::span<const Probe> gets,
                     RiskSeverity known_severity, bool lower_when_namespaced, std::vector<Finding>& out) {
    const std::optional<KubernetesVersion> version = context.graph().kubernetes_version();
    const std::optional<std::string> reading = get_only_reading(version);
    if (!reading) {
        return;
    }
    const GrantSet with_create(context.capabilities(creates));
    for (const Capability& capability : context.capabilities(gets)) {
        if (with_create.contains(capability)) {
            continue;
        }
        Finding finding = context.finding_for(capability, capability.probe->label);
        finding.message += *reading;
        // Unknown version: one reading is a session, the other nothing; one step lower than a sure one.
        RiskSeverity severity = known_severity;
        if (lower_when_namespaced && !capability.cluster_wide) {
            severity = lower(severity);
        }
        finding.severity = version ? severity : lower(severity);
        out.push_back(std::move(finding));
    }
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    // kubectl exec POSTs (create, every version); a WebSocket client upgrades a GET (get, and from 1.35
    // create).
    static const std::vector<Probe> kShellCreate = probes({"create"}, {"pods/exec", "pods/attach"});
    static const std::vector<Probe> kShellGet = probes({"get"}, {"pods/exec", "pods/attach"});
    static const std::vector<Probe> kForwardCreate = probes({"create"}, {"pods/portforward"});
    static const std::vector<Probe> kForwardGet = probes({"get"}, {"pods/portforward"});
    report_capabilities(context, kInfo, kShellCreate, out);
    report_get_only(context, kShellCreate, kShellGet, kInfo.severity, false, out);
    std::vector<Finding> forward;
    for (const Capability& capability : context.capabilities(kForwardCreate)) {
        Finding finding = context.finding_for(capability, capability.probe->label);
        finding.severity = capability.cluster_wide ? RiskSeverity::kMedium : RiskSeverity::kLow;
        forward.push_back(std::move(finding));
    }
    report_get_only(context, kForwardCreate, kForwardGet, RiskSeverity::kMedium, true, forward);
    for (Finding& finding : forward) {
        finding.key = "portforward";
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule pod_exec{kInfo, &check};

}  // namespace rbacgraph::rules
