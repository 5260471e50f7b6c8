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
    const Graph& graph = context.graph();
    // The bindings of each modified role, found in one pass.
    std::map<std::uint32_t, std::vector<std::size_t>> bindings_of;
    for (std::size_t r = 0; r < graph.roles().size(); ++r) {
        if (graph.roles()[r].status == BuiltinStatus::kModified) {
            bindings_of[static_cast<std::uint32_t>(r)];
        }
    }
    if (bindings_of.empty()) {
        return;
    }
    for (std::size_t b = 0; b < graph.bindings().size(); ++b) {
        const auto role = graph.bindings()[b].role;
        if (role) {
            if (const auto found = bindings_of.find(*role); found != bindings_of.end()) {
                found->second.push_back(b);
            }
        }
    }
    for (const auto& [r, bindings] : bindings_of) {
        const RoleNode& node = graph.roles()[r];
        const Role& role = *node.role;
        const BuiltinDifference& difference = *graph.role_difference(r);
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
        // Judged by what it grants beyond the definition (with an added selector, what that collects too),
        // not by whole rules: a rule may repeat the definition and add one corner.
        // Where the bindings hand it out: cluster-wide if any ClusterRoleBinding (or nothing yet) does, else
        // in the RoleBindings' namespace.
        std::string bound_in;
        const bool cluster_bound =
            bindings.empty() || std::any_of(bindings.begin(), bindings.end(), [&](std::size_t b) {
                return graph.bindings()[b].binding->cluster_scoped;
            });
        if (!role.cluster_scoped) {
            bound_in = role.ns;
        } else if (!cluster_bound) {
            bound_in = graph.bindings()[bindings.front()].binding->ns;
        }
        reach.takeover = context.rules_takeover(difference.grants, bound_in);
        for (const std::size_t b : bindings) {
            for (std::string& holder : context.binding_holders(b)) {
                if (everybody(holder)) {
                    reach.everybody.push_back(holder);
                }
                finding.subjects.push_back(std::move(holder));
            }
            for (std::string& arn : context.arns_of_binding(b)) {
                finding.arns.push_back(std::move(arn));
            }
        }
        for (auto* list : {&finding.subjects, &finding.arns, &reach.everybody}) {
            std::sort(list->begin(), list->end());
            list->erase(std::unique(list->begin(), list->end()), list->end());
        }
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
    const Graph& graph = context.graph();
    for (std::size_t b = 0; b < graph.bindings().size(); ++b) {
        const BindingNode& node = graph.bindings()[b];
        if (node.status != BuiltinStatus::kModified) {
            continue;
        }
        const Binding& binding = *node.binding;
        const BuiltinDifference& difference = *graph.binding_difference(b);
        std::vector<std::string> parts;
        Reach reach;
        std::vector<std::string> added;
        for (const std::uint32_t index : difference.subjects) {
            Subject subject = binding.subjects[index];
            if (subject.kind == "ServiceAccount" && subject.ns.empty()) {
                subject.ns = binding.ns;  // appliesToUser: the RoleBinding's namespace
            }
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
        const std::vector<std::string> gaining = difference.role_ref ? context.binding_holders(b) : added;
        for (const std::string& holder : gaining) {
            if (everybody(holder)) {
                reach.everybody.push_back(holder);
            }
        }
        if (node.role) {
            reach.takeover = context.rules_takeover(graph.roles()[*node.role].rules(),
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
