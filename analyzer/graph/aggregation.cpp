#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <span>
#include <unordered_map>

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

// A selector list as text, so that roles with the same aggregationRule share one selection.
std::string selectors_key(const std::vector<LabelSelector>& selectors) {
    std::string key;
    for (const LabelSelector& selector : selectors) {
        for (const auto& [label, value] : selector.match_labels) {
            key.append(label).append(1, '\x1f').append(value).append(1, '\x1e');
        }
        key += '\x1d';
        for (const LabelRequirement& requirement : selector.match_expressions) {
            key.append(requirement.key).append(1, '\x1f').append(requirement.op);
            for (const std::string& value : requirement.values) {
                key.append(1, '\x1f').append(value);
            }
            key += '\x1e';
        }
        key += '\x1c';
    }
    return key;
}

// Rules as small integers: equal rules (deep equality, as the controller's "covers" check for identical
// rules) get one id, so unions and comparisons are integer work.
class RuleIds {
  public:
    std::uint32_t of(const PolicyRule& rule) {
        const auto [found, added] =
            ids_.try_emplace(rule_key(rule), static_cast<std::uint32_t>(rules_.size()));
        if (added) {
            rules_.push_back(&rule);
        }
        return found->second;
    }
    const PolicyRule& rule(std::uint32_t id) const { return *rules_[id]; }
    std::size_t size() const { return rules_.size(); }

  private:
    std::unordered_map<std::string, std::uint32_t> ids_;
    std::vector<const PolicyRule*> rules_;
};

// Appends ids to `out` once each, remembering which are in (stamps avoid clearing a set per list).
class OrderedUnion {
  public:
    explicit OrderedUnion(std::size_t ids) : stamp_(ids, 0) {}
    void start(std::vector<std::uint32_t>& out) {
        out_ = &out;
        ++generation_;
        for (const std::uint32_t id : out) {
            stamp_[id] = generation_;
        }
    }
    void add(std::span<const std::uint32_t> ids) {
        for (const std::uint32_t id : ids) {
            if (stamp_[id] != generation_) {
                stamp_[id] = generation_;
                out_->push_back(id);
            }
        }
    }
    bool contains(std::uint32_t id) const { return stamp_[id] == generation_; }

  private:
    std::vector<std::uint32_t> stamp_;
    std::uint32_t generation_ = 0;
    std::vector<std::uint32_t>* out_ = nullptr;
};

}  // namespace

// pkg/controller/clusterroleaggregation: for each selector in order, the matching ClusterRoles sorted by name
// (the role itself skipped), each rule appended unless an equal one is already there; the controller runs
// again on every change, so chains (admin <- edit <- view) and cycles reach a fixed point, and rbacgraph
// keeps the stored rules too (decision: union).
//
// Computed in time near-linear in the selections (issue 28: the round-by-round fixed point was cubic, 44 s
// for 500 roles that select each other): roles with the same aggregationRule share one selection; the roles
// that select one another are grouped (strongly connected components, Tarjan), and the groups are resolved in
// dependency order, each once. An acyclic role's rules are exactly the fixed point's. The members of a cycle
// all hold the same rules at the fixed point; their order is rbacgraph's (members by name, each one's outside
// selections then stored rules): the controller's order there depends on the order it processed changes,
// which no export records.
void resolve_aggregation(const std::vector<const Role*>& roles, std::vector<std::vector<PolicyRule>>& rules,
                         std::vector<Diagnostic>& diagnostics,
                         std::vector<std::vector<std::uint32_t>>* stored_only) {
    const std::size_t count = roles.size();
    if (stored_only != nullptr) {
        stored_only->assign(count, {});
    }
    std::vector<std::size_t> by_name(count);
    std::iota(by_name.begin(), by_name.end(), 0);
    std::sort(by_name.begin(), by_name.end(),
              [&](std::size_t a, std::size_t b) { return roles[a]->name < roles[b]->name; });

    RuleIds ids;
    std::vector<std::vector<std::uint32_t>> stored(count);
    for (std::size_t i = 0; i < count; ++i) {
        for (const PolicyRule& rule : roles[i]->rules) {
            stored[i].push_back(ids.of(rule));
        }
    }
    // Which roles each distinct aggregationRule selects, in selector then name order (the target itself is
    // skipped where the selection is used).
    std::unordered_map<std::string, std::size_t> selection_of_key;
    std::vector<std::vector<std::size_t>> selections;
    std::vector<std::size_t> selection(count, 0);
    std::vector<std::size_t> aggregated;
    for (const std::size_t i : by_name) {
        if (!roles[i]->aggregation) {
            continue;
        }
        aggregated.push_back(i);
        const auto [found, added] =
            selection_of_key.try_emplace(selectors_key(*roles[i]->aggregation), selections.size());
        if (added) {
            std::vector<std::size_t> selected;
            for (const LabelSelector& selector : *roles[i]->aggregation) {
                for (const std::size_t candidate : by_name) {
                    if (selector.matches(roles[candidate]->labels)) {
                        selected.push_back(candidate);
                    }
                }
            }
            selections.push_back(std::move(selected));
        }
        selection[i] = found->second;
    }
    const auto selected_of = [&](std::size_t target) -> const std::vector<std::size_t>& {
        return selections[selection[target]];
    };

    // Tarjan's strongly connected components over the aggregated roles, iteratively (no recursion to overrun
    // the stack); components come out in dependency order, those depended on first.
    constexpr std::size_t kUnvisited = static_cast<std::size_t>(-1);
    std::vector<std::size_t> index(count, kUnvisited);
    std::vector<std::size_t> low(count, 0);
    std::vector<bool> on_stack(count, false);
    std::vector<std::size_t> stack;
    std::vector<std::vector<std::size_t>> components;
    std::size_t next_index = 0;
    struct Frame {
        std::size_t role;
        std::size_t edge;
    };
    for (const std::size_t root : aggregated) {
        if (index[root] != kUnvisited) {
            continue;
        }
        std::vector<Frame> frames{{root, 0}};
        index[root] = low[root] = next_index++;
        stack.push_back(root);
        on_stack[root] = true;
        while (!frames.empty()) {
            Frame& frame = frames.back();
            const std::vector<std::size_t>& edges = selected_of(frame.role);
            if (frame.edge < edges.size()) {
                const std::size_t to = edges[frame.edge++];
                if (to == frame.role || !roles[to]->aggregation) {
                    continue;  // itself (skipped by the controller), or a role with its own rules only
                }
                if (index[to] == kUnvisited) {
                    index[to] = low[to] = next_index++;
                    stack.push_back(to);
                    on_stack[to] = true;
                    frames.push_back({to, 0});
                } else if (on_stack[to]) {
                    low[frame.role] = std::min(low[frame.role], index[to]);
                }
                continue;
            }
            const std::size_t done = frame.role;
            frames.pop_back();
            if (!frames.empty()) {
                low[frames.back().role] = std::min(low[frames.back().role], low[done]);
            }
            if (low[done] == index[done]) {
                std::vector<std::size_t> component;
                std::size_t member = 0;
                do {
                    member = stack.back();
                    stack.pop_back();
                    on_stack[member] = false;
                    component.push_back(member);
                } while (member != done);
                components.push_back(std::move(component));
            }
        }
    }

    // Each component once, in dependency order.
    std::vector<std::vector<std::uint32_t>> final_ids(count);
    const auto ids_of = [&](std::size_t role) -> const std::vector<std::uint32_t>& {
        return roles[role]->aggregation ? final_ids[role] : stored[role];
    };
    OrderedUnion set(ids.size());
    OrderedUnion unique(
        ids.size());  // a member's stored rules, once each (one instance: it is as large as the ids)
    std::vector<std::size_t> component_of(count, kUnvisited);
    for (std::size_t c = 0; c < components.size(); ++c) {
        for (const std::size_t member : components[c]) {
            component_of[member] = c;
        }
    }
    for (std::size_t c = 0; c < components.size(); ++c) {
        std::vector<std::size_t>& members = components[c];
        std::sort(members.begin(), members.end(),
                  [&](std::size_t a, std::size_t b) { return roles[a]->name < roles[b]->name; });
        std::vector<std::uint32_t> result;
        set.start(result);
        for (const std::size_t member : members) {
            for (const std::size_t selected : selected_of(member)) {
                if (selected != member && component_of[selected] != c) {
                    set.add(ids_of(selected));
                }
            }
            if (members.size() > 1) {
                set.add(stored[member]);
            }
        }
        const bool cycle = members.size() > 1;
        for (const std::size_t member : members) {
            // What the selectors produce: for a lone role, the union of what it selects; in a cycle,
            // everything the cycle holds (every member selects another member, which holds it all).
            std::vector<std::uint32_t> computed = result;
            std::vector<std::uint32_t> final = result;
            if (!cycle) {
                set.start(final);
                set.add(stored[member]);
            }
            final_ids[member] = std::move(final);
            if (roles[member]->rules.empty()) {
                continue;
            }
            set.start(computed);
            std::vector<std::uint32_t> stored_rules_only;
            std::size_t stored_in_computed = 0;
            std::vector<std::uint32_t> stored_unique;
            unique.start(stored_unique);
            unique.add(stored[member]);
            for (std::size_t k = 0; k < stored[member].size(); ++k) {
                if (!set.contains(stored[member][k])) {
                    stored_rules_only.push_back(static_cast<std::uint32_t>(k));
                }
            }
            for (const std::uint32_t id : stored_unique) {
                stored_in_computed += set.contains(id) ? 1 : 0;
            }
            const std::size_t computed_only = computed.size() - stored_in_computed;
            const std::size_t stored_only_count = stored_rules_only.size();
            if (stored_only != nullptr) {
                (*stored_only)[member] = std::move(stored_rules_only);
            }
            if (stored_only_count + computed_only > 0) {
                diagnostics.push_back(
                    {Severity::kWarning, roles[member]->location, roles[member]->display(),
                     fmt::format(
                         "aggregated ClusterRole: {} stored rule(s) are not produced by its selectors (the "
                         "aggregation controller would remove them) and {} aggregated rule(s) are missing "
                         "from "
                         "the stored rules; rbacgraph uses the union",
                         stored_only_count, computed_only)});
            }
        }
    }
    for (const std::size_t target : aggregated) {
        std::vector<PolicyRule> out;
        out.reserve(final_ids[target].size());
        for (const std::uint32_t id : final_ids[target]) {
            out.push_back(ids.rule(id));
        }
        rules[target] = std::move(out);
    }
}

}  // namespace rbacgraph
