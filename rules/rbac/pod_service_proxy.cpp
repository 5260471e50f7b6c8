#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG234", "pod-service-proxy", "rbac", RiskSeverity::kMedium,
                         "Reaches any port of pods or services through the API server's proxy (pods/proxy, "
                         "services/proxy), past NetworkPolicies (namespace-scoped grants: low)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // The proxy subresources turn the HTTP method into the verb (GET get, POST create, PUT update, PATCH
    // patch, DELETE delete); every one of them sends a request from the API server to the pod or service.
    // The 1.35 WebSocket create check covers exec, attach and portforward only (k8s-rbac.md 13).
    static const std::vector<Probe> kProbes =
        probes({"get", "create", "update", "patch", "delete"}, {"pods/proxy", "services/proxy"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule pod_service_proxy{kInfo, &check};

}  // namespace rbacgraph::rules
