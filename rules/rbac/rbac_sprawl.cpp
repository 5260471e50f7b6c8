#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <tuple>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG230", "rbac-sprawl", "rbac", RiskSeverity::kInfo,
    "A subject bound to more than 10 distinct roles: its effective access is hard to review"};

constexpr std::size_t kMaxRoles = 10;

void check(const CheckContext& context, std::vector<Finding>& out) {
    const GrantTable& grants = context.grants();
    struct Sprawling {
        std::string display;
        Grant first;  ///< the holder's first grant in table order
        std::size_t roles = 0;
    };
    std::vector<Sprawling> sprawling;
    // A role is its reference: kind, the binding's namespace for a Role, name. Kept as views into the
    // bindings and counted by sorting (a formatted key per grant cost most of this rule at 1M objects).
    using RoleKey = std::tuple<std::string_view, std::string_view, std::string_view>;
    std::vector<RoleKey> roles;
    // The grant table's holders: subjects that can match somebody, as they match.
    for (const HolderKind kind : {HolderKind::kUser, HolderKind::kGroup, HolderKind::kServiceAccount}) {
        for (const auto& [name, held] : grants.holders(kind)) {
            if (held.size() <= kMaxRoles) {
                continue;  // fewer grants than the limit: fewer distinct roles too
            }
            roles.clear();
            for (const GrantId id : held) {
                const Binding& binding = *grants.grant(id).binding;
                const RoleRef& ref = binding.role_ref;
                roles.emplace_back(ref.kind, ref.kind == "Role" ? std::string_view(binding.ns) : "",
                                   ref.name);
            }
            std::sort(roles.begin(), roles.end());
            const auto distinct = static_cast<std::size_t>(
                std::distance(roles.begin(), std::unique(roles.begin(), roles.end())));
            if (distinct > kMaxRoles) {
                const Grant first = grants.grant(held.front());
                sprawling.push_back({first.holder_display(), first, distinct});
            }
        }
    }
    std::sort(sprawling.begin(), sprawling.end(),
              [](const Sprawling& a, const Sprawling& b) { return a.display < b.display; });
    for (const Sprawling& entry : sprawling) {
        const Subject subject = entry.first.subject();
        const Binding& binding = *entry.first.binding;
        Finding finding;
        finding.object = {subject.kind, subject.ns, subject.name};
        finding.location = binding.location;
        finding.subjects = {entry.display};
        finding.annotations = {&binding.annotations};
        finding.builtin = entry.first.builtin;
        const std::string as =
            subject.kind == "Group" ? "--group " + subject.name
            : subject.kind == "ServiceAccount"
                ? fmt::format("--user system:serviceaccount:{}:{}", subject.ns, subject.name)
                : "--user " + subject.name;
        finding.message = fmt::format(
            "{} is bound to {} distinct roles (first binding: {}); review its effective "
            "access with `rbacgraph what-can {}`",
            entry.display, entry.roles, binding.display(), as);
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule rbac_sprawl{kInfo, &check};

}  // namespace rbacgraph::rules
