#pragma once

#include <cstdint>
#include <vector>

#include "load/builtin_policy.hpp"
#include "rbacgraph/model.hpp"

namespace rbacgraph {

/// Whether a rule grants nothing that one of `definition`'s rules does not grant: every (verb, group,
/// resource, name) and (verb, URL) it allows, including what its '*' entries will allow later, is allowed by
/// some rule of the definition. resourceNames are literal names ('*' is a name like any other).
bool rule_covered(const PolicyRule& rule, const std::vector<PolicyRule>& definition);

/// What `rules` grant beyond `definition`, one rule per uncovered (verb, group, resource, name) or (verb,
/// URL).
std::vector<PolicyRule> grants_beyond(const std::vector<PolicyRule>& rules,
                                      const std::vector<PolicyRule>& definition);

/// The indexes of `rules` that grant more than `definition` (rule_covered is false), in order.
std::vector<std::uint32_t> rules_beyond(const std::vector<PolicyRule>& rules,
                                        const std::vector<PolicyRule>& definition);

/// The indexes of `selectors` that the definition does not have (an aggregationRule selector is compared
/// whole: its labels and expressions).
std::vector<std::uint32_t> selectors_beyond(const std::vector<LabelSelector>& selectors,
                                            const std::vector<LabelSelector>* definition);

/// The indexes of the binding's subjects that can match somebody and that the definition does not name (a
/// ServiceAccount's namespace resolved as the authorizer does).
std::vector<std::uint32_t> subjects_beyond(const Binding& binding, const Binding& definition);

/// The rules a definition grants: its own, or for an aggregated ClusterRole (admin, edit, view) what its
/// selectors collect from the policy's other roles.
const std::vector<PolicyRule>& definition_rules(const BuiltinPolicy& policy, const Role& definition);

}  // namespace rbacgraph
