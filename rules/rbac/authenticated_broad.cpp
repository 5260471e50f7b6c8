#include <set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG204", "authenticated-broad", "rbac", RiskSeverity::kHigh,
                         "Grants more than API discovery to system:authenticated (in EKS: every mapped ARN)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // Every authenticated request carries the group (k8s-rbac.md 4); the grant table's holders of it.
    std::set<std::size_t> reported;
    for (const GrantId id : context.grants().held_by(HolderKind::kGroup, "system:authenticated")) {
        const Grant grant = context.grants().grant(id);
        if (grant.source != GrantSource::kBinding || !reported.insert(grant.source_index).second) {
            continue;
        }
        auto finding =
            context.beyond_discovery_finding(id, "every authenticated identity (Group system:authenticated)");
        if (finding) {
            if (grant.scope != GrantScope::kCluster) {
                finding->severity = lower(kInfo.severity);
            }
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace

extern const Rule authenticated_broad{kInfo, &check};

}  // namespace rbacgraph::rules
