#include <fmt/format.h>

#include <set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG305", "masters-group-binding", "lint", RiskSeverity::kInfo,
    "A binding whose subject is the group system:masters grants nothing: its members are "
    "allowed every request before RBAC is asked"};

// k8s-rbac.md 2: the API server's privileged-group authorizer runs before every configured mode and allows
// any request whose user is in exactly the group "system:masters" (kubernetes pkg/kubeapiserver/authorizer,
// user.SystemPrivilegedGroup). RBAC is never asked for them, so a binding to the group changes no answer.
// The match is on the exact string, as the authorizer's: "System:masters" is an ordinary group, whose
// bindings grant what they say (and other rules judge).
constexpr std::string_view kPrivilegedGroup = "system:masters";

void check(const CheckContext& context, std::vector<Finding>& out) {
    const GrantTable& grants = context.grants();
    std::set<std::size_t> reported;
    for (const GrantId id : grants.held_by(HolderKind::kGroup, kPrivilegedGroup)) {
        const Grant grant = grants.grant(id);
        if (grant.source != GrantSource::kBinding || !reported.insert(grant.source_index).second) {
            continue;
        }
        // Kubernetes' own cluster-admin binding names the group too; equal to its definition it is hidden
        // like every built-in finding (finding_for marks it), changed it is reported.
        Finding finding = context.finding_for(
            *grant.binding,
            fmt::format(
                "{} binds Group {}, whose members are allowed every request before RBAC is asked: the "
                "binding grants them nothing (and removing it takes nothing away); whoever wrote it "
                "may believe it limits or grants something",
                grant.binding->display(), kPrivilegedGroup));
        finding.subjects = {fmt::format("Group {}", kPrivilegedGroup)};
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule masters_group_binding{kInfo, &check};

}  // namespace rbacgraph::rules
