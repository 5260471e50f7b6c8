#include <algorithm>
#include <set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG203", "anonymous-access", "rbac", RiskSeverity::kCritical,
                         "Grants more than API discovery to system:anonymous or system:unauthenticated"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // An anonymous request is User system:anonymous in Group system:unauthenticated (k8s-rbac.md 4). One
    // finding per binding, through its first anonymous holder in table order.
    const GrantTable& grants = context.grants();
    std::vector<GrantId> anonymous;
    for (const auto& [kind, name] : {std::pair{HolderKind::kUser, "system:anonymous"},
                                     std::pair{HolderKind::kGroup, "system:unauthenticated"}}) {
        const auto held = grants.held_by(kind, name);
        anonymous.insert(anonymous.end(), held.begin(), held.end());
    }
    std::sort(anonymous.begin(), anonymous.end());
    // eks-iam.md 12 (E4): EKS 1.32+ refuses anonymous requests other than the health endpoints before
    // authorization, so such a grant is dormant there; a version rollback (EKS VersionRollback, E16) or a
    // move of the manifests to another cluster revives it. On an EKS cluster of unknown version both
    // readings are named.
    const AnonymousReach reach = context.graph().anonymous_reach();
    std::set<std::size_t> reported;
    for (const GrantId id : anonymous) {
        const Grant grant = grants.grant(id);
        if (grant.source != GrantSource::kBinding || !reported.insert(grant.source_index).second) {
            continue;
        }
        auto finding = context.beyond_discovery_finding(
            id, "anyone who can reach the API server (" + grant.holder_display() + ")",
            " without credentials");
        if (!finding) {
            continue;
        }
        if (grant.scope != GrantScope::kCluster) {
            finding->severity = lower(kInfo.severity);
        }
        if (reach.extent == AnonymousReach::Extent::kHealthEndpoints) {
            finding->severity = RiskSeverity::kLow;
            finding->message += "; dormant: " + reach.reason +
                                ", so only a rollback below 1.32 or a cluster that authenticates anonymous "
                                "requests (every non-EKS cluster by default) revives it";
            finding->request.reset();  // no request it allows reaches authorization
        } else if (reach.extent == AnonymousReach::Extent::kUnknown) {
            finding->message += "; " + reach.reason;
        }
        out.push_back(std::move(*finding));
    }
}

}  // namespace

extern const Rule anonymous_access{kInfo, &check};

}  // namespace rbacgraph::rules
