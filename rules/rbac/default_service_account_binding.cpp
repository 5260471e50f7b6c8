#include <algorithm>
#include <set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG228", "default-service-account-binding", "rbac", RiskSeverity::kMedium,
    "Grants permissions to a namespace's default ServiceAccount, which every pod without "
    "serviceAccountName runs as"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const GrantTable& grants = context.grants();
    std::vector<GrantId> held_by_default;
    for (const auto& [account, held] : grants.holders(HolderKind::kServiceAccount)) {
        if (account.ends_with("/default")) {
            held_by_default.insert(held_by_default.end(), held.begin(), held.end());
        }
    }
    // One finding per binding, for its first default account in subject order.
    std::sort(held_by_default.begin(), held_by_default.end());
    std::set<std::size_t> reported;
    for (const GrantId id : held_by_default) {
        const Grant grant = grants.grant(id);
        if (grant.source != GrantSource::kBinding || !reported.insert(grant.source_index).second) {
            continue;
        }
        const std::string ns(grant.holder_ns);
        if (auto finding = context.beyond_discovery_finding(
                id, "ServiceAccount " + ns + "/default",
                " as any pod of namespace " + ns + " that names no ServiceAccount")) {
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace

extern const Rule default_service_account_binding{kInfo, &check};

}  // namespace rbacgraph::rules
