#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG223", "network-write", "rbac", RiskSeverity::kMedium,
                         "Writes Services, Endpoints, EndpointSlices, NetworkPolicies, Ingresses or Gateway "
                         "API routes (namespace-scoped grants: low)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes =
        // deletecollection removes every NetworkPolicy of a namespace in one call (trivy KSV-0056 lists it).
        probes({"create", "update", "patch", "delete", "deletecollection"},
               {"services", "endpoints", "endpointslices.discovery.k8s.io",
                "networkpolicies.networking.k8s.io", "ingresses.networking.k8s.io",
                "gateways.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule network_write{kInfo, &check};

}  // namespace rbacgraph::rules
