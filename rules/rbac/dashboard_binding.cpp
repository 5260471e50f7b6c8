#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG229", "dashboard-binding", "rbac", RiskSeverity::kLow,
    "Grants permissions to a Kubernetes dashboard ServiceAccount, a web UI that acts with "
    "them"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& bindings = context.graph().bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const auto& subjects = bindings[b].binding->subjects;
        const auto found = std::find_if(subjects.begin(), subjects.end(), [](const Subject& subject) {
            return subject.kind == "ServiceAccount" && subject.name.find("dashboard") != std::string::npos;
        });
        if (found == subjects.end()) {
            continue;
        }
        if (auto finding = context.beyond_discovery_finding(b, found->display(),
                                                            " on behalf of whoever reaches the dashboard")) {
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace

extern const Rule dashboard_binding{kInfo, &check};

}  // namespace rbacgraph::rules
