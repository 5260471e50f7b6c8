#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

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

// API groups Kubernetes serves itself: the legacy core group, the five unsuffixed groups, and *.k8s.io
// (which the API server reserves: a CRD in it needs the api-approved.kubernetes.io annotation).
bool kubernetes_group(std::string_view group) {
    static constexpr std::array<std::string_view, 7> kUnsuffixed = {
        "", "*", "apps", "batch", "policy", "autoscaling", "extensions"};
    return std::find(kUnsuffixed.begin(), kUnsuffixed.end(), group) != kUnsuffixed.end() ||
           group.ends_with(".k8s.io") || group == "k8s.io";
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
            // A wildcard kept to groups a project defines for its own CRDs (flux's *.toolkit.fluxcd.io,
            // knative's *.knative.dev) grows only with that project's kinds: info. What those kinds can do is
            // the other rules' question.
            if (!rule.api_groups.empty() &&
                std::none_of(rule.api_groups.begin(), rule.api_groups.end(), kubernetes_group)) {
                finding.severity = RiskSeverity::kInfo;
                finding.message += fmt::format(
                    " (only API group{} {}, which Kubernetes does not serve itself: "
                    "what is added later is that project's own kinds)",
                    rule.api_groups.size() == 1 ? "" : "s", fmt::join(rule.api_groups, ", "));
            }
            out.push_back(std::move(finding));
        }
    }
}

}  // namespace

extern const Rule wildcard_permission{kInfo, &check};

}  // namespace rbacgraph::rules
