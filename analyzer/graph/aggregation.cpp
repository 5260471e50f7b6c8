#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include "rbacgraph/graph.hpp"

namespace rbacgraph {
namespace {

std::string rule_key(const PolicyRule& rule) {
    std::string key;
    for (const auto* list :
         {&rule.verbs, &rule.api_groups, &rule.resources, &rule.resource_names, &rule.non_resource_urls}) {
        for (const std::string& item : *list) {
            key += item;
            key += '\x1f';
        }
        key += '\x1e';
    }
    return key;
}

void append_unique(std::vector<PolicyRule>& out, std::unordered_set<std::string>& seen,
                   const std::vector<PolicyRule>& rules) {
    for (const PolicyRule& rule : rules) {
        if (seen.insert(rule_key(rule)).second) {
            out.push_back(rule);
        }
    }
}

// pkg/controller/clusterroleaggregation: for each selector in order, the matching ClusterRoles sorted by
// name, skipping the role itself, each rule appended unless an equal one is already there.
// Labels never change, so which roles a target collects (in that order) is found once.
std::vector<std::size_t> selected_roles(std::size_t target, const std::vector<const Role*>& roles,
                                        const std::vector<std::size_t>& by_name) {
    std::vector<std::size_t> selected;
    for (const LabelSelector& selector : *roles[target]->aggregation) {
        for (std::size_t candidate : by_name) {
            if (candidate != target && selector.matches(roles[candidate]->labels)) {
                selected.push_back(candidate);
            }
        }
    }
    return selected;
}

std::vector<PolicyRule> aggregate_once(const std::vector<std::size_t>& selected,
                                       const std::vector<std::vector<PolicyRule>>& rules) {
    std::vector<PolicyRule> out;
    std::unordered_set<std::string> seen;
    for (std::size_t candidate : selected) {
        append_unique(out, seen, rules[candidate]);
    }
    return out;
}

bool same_rules(const std::vector<PolicyRule>& a, const std::vector<PolicyRule>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const PolicyRule& x, const PolicyRule& y) { return x.same_rule(y); });
}

// The indexes of `rules` that `from` lacks.
std::vector<std::uint32_t> missing(const std::vector<PolicyRule>& rules,
                                   const std::vector<PolicyRule>& from) {
    std::unordered_set<std::string> present;
    for (const PolicyRule& rule : from) {
        present.insert(rule_key(rule));
    }
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (present.count(rule_key(rules[i])) == 0) {
            out.push_back(static_cast<std::uint32_t>(i));
        }
    }
    return out;
}

}  // namespace

void resolve_aggregation(const std::vector<const Role*>& roles, std::vector<std::vector<PolicyRule>>& rules,
                         std::vector<Diagnostic>& diagnostics,
                         std::vector<std::vector<std::uint32_t>>* stored_only) {
    if (stored_only != nullptr) {
        stored_only->assign(roles.size(), {});
    }
    std::vector<std::size_t> by_name(roles.size());
    std::iota(by_name.begin(), by_name.end(), 0);
    std::sort(by_name.begin(), by_name.end(),
              [&](std::size_t a, std::size_t b) { return roles[a]->name < roles[b]->name; });
    std::vector<std::size_t> aggregated;
    for (std::size_t i : by_name) {
        if (roles[i]->aggregation) {
            aggregated.push_back(i);
        }
    }
    std::vector<std::vector<std::size_t>> selected(roles.size());
    for (std::size_t target : aggregated) {
        selected[target] = selected_roles(target, roles, by_name);
    }
    // The controller re-runs on every change, so chains (admin <- edit <- view) and cycles reach a fixed
    // point; rules only ever grow, so this terminates. Stored rules are kept too (decision: union).
    for (std::size_t round = 0; round <= aggregated.size() + 1; ++round) {
        bool changed = false;
        for (std::size_t target : aggregated) {
            std::vector<PolicyRule> next = aggregate_once(selected[target], rules);
            std::unordered_set<std::string> seen;
            for (const PolicyRule& rule : next) {
                seen.insert(rule_key(rule));
            }
            append_unique(next, seen, roles[target]->rules);
            if (!same_rules(next, rules[target])) {
                rules[target] = std::move(next);
                changed = true;
            }
        }
        if (!changed) {
            break;
        }
    }
    for (std::size_t target : aggregated) {
        const std::vector<PolicyRule>& stored = roles[target]->rules;
        if (stored.empty()) {
            continue;
        }
        const std::vector<PolicyRule> computed = aggregate_once(selected[target], rules);
        std::vector<std::uint32_t> stored_rules_only = missing(stored, computed);
        const std::size_t stored_only_count = stored_rules_only.size();
        const std::size_t computed_only = missing(computed, stored).size();
        if (stored_only != nullptr) {
            (*stored_only)[target] = std::move(stored_rules_only);
        }
        if (stored_only_count + computed_only > 0) {
            diagnostics.push_back(
                {Severity::kWarning, roles[target]->location, roles[target]->display(),
                 fmt::format(
                     "aggregated ClusterRole: {} stored rule(s) are not produced by its selectors (the "
                     "aggregation controller would remove them) and {} aggregated rule(s) are missing from "
                     "the stored rules; rbacgraph uses the union",
                     stored_only_count, computed_only)});
        }
    }
}

}  // namespace rbacgraph
