#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG235", "modified-builtin", "rbac", RiskSeverity::kHigh,
    "A role or binding named like one Kubernetes creates grants more than that definition (extra rules, "
    "selectors, subjects or another role); high when the addition reaches admin, an escalation, or every "
    "(or any anonymous) user"};

// The groups (and user) a grant reaches everybody through (k8s-rbac.md 4: every authenticated request has
// system:authenticated; anonymous ones system:anonymous and system:unauthenticated).
bool everybody(const std::string& holder) {
    return holder == "Group system:authenticated" || holder == "Group system:unauthenticated" ||
           holder == "User system:anonymous";
}

std::string describe_selector(const LabelSelector& selector) {
    std::vector<std::string> parts;
    for (const auto& [key, value] : selector.match_labels) {
        parts.push_back(fmt::format("{}={}", key, value));
    }
    for (const LabelRequirement& requirement : selector.match_expressions) {
        parts.push_back(
            fmt::format("{} {} ({})", requirement.key, requirement.op, fmt::join(requirement.values, ", ")));
    }
    return fmt::format("{{{}}}", fmt::join(parts, ", "));
}

// "create pods.apps", "get /metrics", "get configmaps kube-proxy": one (verb, group, resource, name) atom.
std::string describe_atom(const PolicyRule& atom) {
    if (!atom.non_resource_urls.empty()) {
        return fmt::format("{} {}", atom.verbs.front(), atom.non_resource_urls.front());
    }
    const std::string& group = atom.api_groups.front();
    return fmt::format("{} {}{}{}", atom.verbs.front(), atom.resources.front(),
                       group.empty() ? "" : "." + group,
                       atom.resource_names.empty() ? "" : " " + atom.resource_names.front());
}

// Up to three atoms, "and N more".
std::string describe_grants(const std::vector<PolicyRule>& grants) {
    std::vector<std::string> atoms;
    for (const PolicyRule& atom : grants) {
        atoms.push_back(describe_atom(atom));
    }
    return list_holders(atoms, 3);
}

// Why the addition matters most: what it lets its holders do, or who holds it.
struct Reach {
    std::optional<AccountTakeover> takeover;
    std::vector<std::string> everybody;  ///< the holders that are everybody (or anonymous)
};

std::string reach_text(const Reach& reach) {
    std::string text;
    if (reach.takeover) {
        text += fmt::format("; with it, its holders can {}", reach.takeover->what);
    }
    if (!reach.everybody.empty()) {
        text += fmt::format(
            "; it is held by {}, that is by every{} user", list_holders(reach.everybody),
            std::any_of(reach.everybody.begin(), reach.everybody.end(),
                        [](const std::string& holder) { return holder != "Group system:authenticated"; })
                ? " (even anonymous)"
                : " authenticated");
    }
    return text;
}

void report_roles(const CheckContext& context, std::vector<Finding>& out) {
    const GrantTable& grants = context.grants();
    // Modified roles are the export's own (what the graph adds is the definition itself).
    std::vector<std::pair<const Role*, const BuiltinDifference*>> modified;
    for (const Role& role : context.source().roles) {
        const CheckContext::BuiltinComparison comparison = context.builtin_comparison(role);
        if (comparison.status == BuiltinStatus::kModified) {
            modified.emplace_back(&role, comparison.difference);
        }
    }
    if (modified.empty()) {
        return;
    }
    // The bindings of each modified role, found in one pass over the table's sources.
    std::map<const Role*, std::vector<GrantTable::BindingSource>> bindings_of;
    for (const auto& [role, difference] : modified) {
        bindings_of[role];
    }
    for (std::size_t b = 0; b < grants.binding_count(); ++b) {
        const GrantTable::BindingSource source = grants.binding_source(b);
        if (const auto found = bindings_of.find(source.role); found != bindings_of.end()) {
            found->second.push_back(source);
        }
    }
    for (const auto& [role_pointer, difference_pointer] : modified) {
        const Role& role = *role_pointer;
        const BuiltinDifference& difference = *difference_pointer;
        const std::vector<GrantTable::BindingSource>& bindings = bindings_of[role_pointer];
        std::vector<std::string> parts;
        for (const std::uint32_t index : difference.rules) {
            parts.push_back(fmt::format("rule {}", describe_rule(role.rules[index])));
        }
        for (const std::uint32_t index : difference.selectors) {
            parts.push_back(
                fmt::format("aggregationRule selector {}", describe_selector((*role.aggregation)[index])));
        }
        Finding finding;
        finding.object = {role.cluster_scoped ? "ClusterRole" : "Role", role.ns, role.name};
        // The line to edit: the first added rule, else the role.
        finding.location =
            difference.rules.empty() ? role.location : role.rules[difference.rules.front()].location;
        finding.annotations = {&role.annotations};
        Reach reach;
        // Where the bindings hand it out: cluster-wide if any ClusterRoleBinding (or nothing yet) does, else
        // in the RoleBindings' namespace. Judged by what it grants beyond the definition (with an added
        // selector, what that collects too), not by whole rules: a rule may repeat the definition and add one
        // corner.
        std::string bound_in;
        const bool cluster_bound =
            bindings.empty() ||
            std::any_of(bindings.begin(), bindings.end(), [](const GrantTable::BindingSource& source) {
                return source.binding->cluster_scoped;
            });
        if (!role.cluster_scoped) {
            bound_in = role.ns;
        } else if (!cluster_bound) {
            bound_in = bindings.front().binding->ns;
        }
        reach.takeover = context.rules_takeover(difference.grants, bound_in);
        std::vector<std::string> subjects;
        std::vector<std::string> arns;
        for (const GrantTable::BindingSource& source : bindings) {
            for (std::string& holder : context.binding_holders(source.index)) {
                if (everybody(holder)) {
                    reach.everybody.push_back(holder);
                }
                subjects.push_back(std::move(holder));
            }
            const SharedStrings bound = context.arns_of_binding(source.index);
            arns.insert(arns.end(), bound.begin(), bound.end());
        }
        for (auto* list : {&subjects, &arns, &reach.everybody}) {
            std::sort(list->begin(), list->end());
            list->erase(std::unique(list->begin(), list->end()), list->end());
        }
        finding.subjects = std::move(subjects);
        finding.arns = std::move(arns);
        finding.message = fmt::format(
            "{} is named like the role Kubernetes creates in every cluster but grants more than its "
            "definition: "
            "{} (beyond the definition: {}){}{}",
            role.display(), fmt::join(parts, "; "), describe_grants(difference.grants),
            bindings.empty()
                ? std::string("; nothing binds it yet")
                : fmt::format("; bound to {}", finding.subjects.empty()
                                                   ? std::string("no subject that can match anybody")
                                                   : list_holders(finding.subjects)),
            reach_text(reach));
        if (!reach.takeover && reach.everybody.empty()) {
            finding.severity = RiskSeverity::kMedium;
        }
        out.push_back(std::move(finding));
    }
}

void report_bindings(const CheckContext& context, std::vector<Finding>& out) {
    const GrantTable& grants = context.grants();
    for (const Binding& binding : context.source().bindings) {
        const CheckContext::BuiltinComparison comparison = context.builtin_comparison(binding);
        if (comparison.status != BuiltinStatus::kModified) {
            continue;
        }
        const BuiltinDifference& difference = *comparison.difference;
        const GrantTable::BindingSource source = grants.binding_source(context.binding_index(binding));
        std::vector<std::string> parts;
        Reach reach;
        std::vector<std::string> added;
        for (const Subject& subject : difference.subjects) {
            added.push_back(subject.display());
        }
        if (!added.empty()) {
            parts.push_back(
                fmt::format("subject{} {}", added.size() == 1 ? "" : "s", fmt::join(added, ", ")));
        }
        if (difference.role_ref) {
            parts.push_back(fmt::format("{} {} instead of {}", binding.role_ref.kind, binding.role_ref.name,
                                        difference.definition_role));
        }
        // Who gains: the added subjects, or with another role every subject.
        const std::vector<std::string> gaining =
            difference.role_ref ? context.binding_holders(source.index) : added;
        for (const std::string& holder : gaining) {
            if (everybody(holder)) {
                reach.everybody.push_back(holder);
            }
        }
        if (!source.grants.empty()) {
            reach.takeover = context.rules_takeover(*grants.grant(source.grants.first).rules,
                                                    binding.cluster_scoped ? "" : binding.ns);
        }
        Finding finding = context.finding_for(binding, "");
        finding.builtin = false;
        finding.subjects = gaining;
        finding.key = "binding";
        finding.message = fmt::format(
            "{} is named like the binding Kubernetes creates in every cluster but binds more than "
            "its definition: {}{}",
            binding.display(), fmt::join(parts, "; "), reach_text(reach));
        if (!reach.takeover && reach.everybody.empty()) {
            finding.severity = RiskSeverity::kMedium;
        }
        out.push_back(std::move(finding));
    }
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    // Built in means equal to the definition (decisions.md): an object that only carries a built-in's name
    // grants like any other and is reported by the other rules; this rule names what it adds.
    report_roles(context, out);
    report_bindings(context, out);
}

}  // namespace

extern const Rule modified_builtin{kInfo, &check};

}  // namespace rbacgraph::rules
