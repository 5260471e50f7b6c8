#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG226", "events-delete", "rbac", RiskSeverity::kLow,
                         "Deletes Events, which erases the trail of what happened"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Probe> kProbes =
        probes({"delete", "deletecollection"}, {"events", "events.events.k8s.io"});
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule events_delete{kInfo, &check};

}  // namespace rbacgraph::rules
