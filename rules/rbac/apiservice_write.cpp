#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG232", "apiservice-write", "rbac", RiskSeverity::kHigh,
                         "Writes APIServices, which send a whole API group to a service of its choosing"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // kube-aggregator: an APIService with spec.service proxies every request for its group/version to that
    // service, with the caller's identity in headers the backend trusts (the aggregation layer's client
    // certificate). Deleting one only takes a group offline, so delete is not reported.
    static const std::vector<Probe> kProbes =
        probes({"create", "update", "patch"}, {"apiservices.apiregistration.k8s.io"}, true);
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule apiservice_write{kInfo, &check};

}  // namespace rbacgraph::rules
