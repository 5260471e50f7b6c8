#include <algorithm>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG213", "wildcard-permission", "rbac", RiskSeverity::kMedium,
    "A role rule with '*' in verbs or resources, which also grants whatever is added later"};

bool has_star(const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), "*") != list.end();
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const Role& role : context.source().roles) {
        // The rules as written: an aggregated role's computed rules are reported on the roles they come from.
        for (std::size_t i = 0; i < role.rules.size(); ++i) {
            const PolicyRule& rule = role.rules[i];
            const bool verbs = has_star(rule.verbs);
            const bool resources = has_star(rule.resources);
            if (!verbs && !resources) {
                continue;
            }
            Finding finding;
            finding.object = {role.cluster_scoped ? "ClusterRole" : "Role", role.ns, role.name};
            finding.location = rule.location;
            finding.key = std::to_string(i);
            finding.annotations = {&role.annotations};
            finding.builtin = context.is_builtin_role(role);
            finding.message =
                role.display() + " has a rule with '*' in " +
                (verbs && resources ? "verbs and resources"
                 : verbs            ? "verbs"
                                    : "resources") +
                ", so it also grants every verb or resource added later: " + describe_rule(rule);
            out.push_back(std::move(finding));
        }
    }
}

}  // namespace

extern const Rule wildcard_permission{kInfo, &check};

}  // namespace rbacgraph::rules
