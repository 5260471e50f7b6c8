#include <algorithm>
#include <set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG229", "dashboard-binding", "rbac", RiskSeverity::kLow,
    "Grants permissions to a Kubernetes dashboard ServiceAccount, a web UI that acts with "
    "them"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // The grant table's ServiceAccount holders: a subject without a namespace in a ClusterRoleBinding
    // matches nobody and holds nothing (rule.go appliesToUser), so it is not reported.
    const GrantTable& grants = context.grants();
    std::vector<GrantId> dashboards;
    for (const auto& [account, held] : grants.holders(HolderKind::kServiceAccount)) {
        if (std::string_view(account).substr(account.find('/') + 1).find("dashboard") !=
            std::string_view::npos) {
            dashboards.insert(dashboards.end(), held.begin(), held.end());
        }
    }
    // One finding per binding, for its first dashboard account in subject order.
    std::sort(dashboards.begin(), dashboards.end());
    std::set<std::size_t> reported;
    for (const GrantId id : dashboards) {
        const Grant grant = grants.grant(id);
        if (grant.source != GrantSource::kBinding || !reported.insert(grant.source_index).second) {
            continue;
        }
        if (auto finding = context.beyond_discovery_finding(id, grant.holder_display(),
                                                            " on behalf of whoever reaches the dashboard")) {
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace

extern const Rule dashboard_binding{kInfo, &check};

}  // namespace rbacgraph::rules
