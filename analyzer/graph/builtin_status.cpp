#include "graph/builtin_status.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>

#include "rbacgraph/graph.hpp"

namespace rbacgraph {
namespace {

constexpr std::string_view kAll = "*";

bool has(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// A definition rule allows every verb the atom's verb stands for: '*' needs '*' (it will allow verbs added
// later).
bool verb_covered(const PolicyRule& definition, std::string_view verb) {
    return has(definition.verbs, kAll) || (verb != kAll && has(definition.verbs, verb));
}

bool group_covered(const PolicyRule& definition, std::string_view group) {
    return has(definition.api_groups, kAll) || (group != kAll && has(definition.api_groups, group));
}

// k8s evaluation_helpers.go ResourceMatches: '*' matches all, an entry equal to resource[/subresource]
// matches it, "*/x" matches subresource x of any resource. An atom "*/x" stands for every resource's x.
bool resource_covered(const PolicyRule& definition, std::string_view resource) {
    if (has(definition.resources, kAll)) {
        return true;
    }
    if (resource == kAll) {
        return false;
    }
    if (has(definition.resources, resource)) {
        return true;
    }
    const std::size_t slash = resource.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    return has(definition.resources, "*/" + std::string(resource.substr(slash + 1)));
}

// ResourceNameMatches: a rule without names allows every name; names are compared exactly.
bool name_covered(const PolicyRule& definition, const std::optional<std::string_view>& name) {
    return definition.resource_names.empty() || (name && has(definition.resource_names, *name));
}

// NonResourceURLMatches: '*' matches all, an entry ending in '*' matches by prefix (after trimming every
// trailing '*'), any other entry exactly.
struct UrlPattern {
    bool prefix = false;
    std::string text;  ///< the prefix without its '*'s, or the exact path
};

UrlPattern url_pattern(std::string_view url) {
    if (!url.ends_with('*')) {
        return {false, std::string(url)};
    }
    return {true, std::string(url.substr(0, url.find_last_not_of('*') + 1))};
}

bool url_covered(const PolicyRule& definition, std::string_view url) {
    const UrlPattern wanted = url_pattern(url);
    return std::any_of(definition.non_resource_urls.begin(), definition.non_resource_urls.end(),
                       [&](const std::string& entry) {
                           const UrlPattern offered = url_pattern(entry);
                           if (offered.prefix) {
                               return wanted.text.starts_with(offered.text);
                           }
                           return !wanted.prefix && wanted.text == offered.text;
                       });
}

std::string canonical(const LabelSelector& selector) {
    std::vector<std::string> expressions;
    for (const LabelRequirement& requirement : selector.match_expressions) {
        std::vector<std::string> values = requirement.values;
        std::sort(values.begin(), values.end());
        std::string text = requirement.key + '\x1f' + requirement.op;
        for (const std::string& value : values) {
            text += '\x1f' + value;
        }
        expressions.push_back(std::move(text));
    }
    std::sort(expressions.begin(), expressions.end());
    std::string out;
    for (const auto& [key, value] : selector.match_labels) {
        out += key;
        out += '\x1f';
        out += value;
        out += '\x1e';
    }
    out += '\x1d';
    for (const std::string& expression : expressions) {
        out += expression + '\x1e';
    }
    return out;
}

// The subject as the authorizer matches it (rule.go appliesToUser), or nullopt when it matches nobody.
std::optional<Subject> matching_subject(const Binding& binding, const Subject& subject) {
    if (subject.kind == "User" || subject.kind == "Group") {
        return Subject{subject.kind, {}, subject.name, {}};
    }
    if (subject.kind == "ServiceAccount") {
        const std::string& ns = subject.ns.empty() ? binding.ns : subject.ns;
        if (!ns.empty()) {
            return Subject{subject.kind, {}, subject.name, ns};
        }
    }
    return std::nullopt;
}

}  // namespace

namespace {

// Calls `uncovered` with each atom of the rule (one verb, group, resource and name, or one verb and URL) that
// no rule of the definition allows, until it returns false.
template <typename Visit>
void visit_uncovered(const PolicyRule& rule, const std::vector<PolicyRule>& definition,
                     const Visit& uncovered) {
    const auto covered_by_one = [&](const auto& test) {
        return std::any_of(definition.begin(), definition.end(), test);
    };
    // RuleAllows needs a verb, a group and a resource to match; a rule lacking one allows no resource
    // request.
    if (!rule.api_groups.empty() && !rule.resources.empty()) {
        std::vector<std::optional<std::string_view>> names;
        if (rule.resource_names.empty()) {
            names.emplace_back(std::nullopt);  // every name
        }
        for (const std::string& name : rule.resource_names) {
            names.emplace_back(name);
        }
        for (const std::string& verb : rule.verbs) {
            for (const std::string& group : rule.api_groups) {
                for (const std::string& resource : rule.resources) {
                    for (const auto& name : names) {
                        const bool covered = covered_by_one([&](const PolicyRule& offered) {
                            return verb_covered(offered, verb) && group_covered(offered, group) &&
                                   resource_covered(offered, resource) && name_covered(offered, name);
                        });
                        if (!covered) {
                            PolicyRule atom;
                            atom.verbs = {verb};
                            atom.api_groups = {group};
                            atom.resources = {resource};
                            if (name) {
                                atom.resource_names = {std::string(*name)};
                            }
                            atom.location = rule.location;
                            if (!uncovered(std::move(atom))) {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
    for (const std::string& verb : rule.verbs) {
        for (const std::string& url : rule.non_resource_urls) {
            if (!covered_by_one([&](const PolicyRule& offered) {
                    return verb_covered(offered, verb) && url_covered(offered, url);
                })) {
                PolicyRule atom;
                atom.verbs = {verb};
                atom.non_resource_urls = {url};
                atom.location = rule.location;
                if (!uncovered(std::move(atom))) {
                    return;
                }
            }
        }
    }
}

}  // namespace

bool rule_covered(const PolicyRule& rule, const std::vector<PolicyRule>& definition) {
    bool covered = true;
    visit_uncovered(rule, definition, [&](PolicyRule&&) {
        covered = false;
        return false;
    });
    return covered;
}

std::vector<PolicyRule> grants_beyond(const std::vector<PolicyRule>& rules,
                                      const std::vector<PolicyRule>& definition) {
    std::vector<PolicyRule> out;
    for (const PolicyRule& rule : rules) {
        visit_uncovered(rule, definition, [&](PolicyRule&& atom) {
            out.push_back(std::move(atom));
            return true;
        });
    }
    return out;
}

std::vector<std::uint32_t> rules_beyond(const std::vector<PolicyRule>& rules,
                                        const std::vector<PolicyRule>& definition) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (!rule_covered(rules[i], definition)) {
            out.push_back(static_cast<std::uint32_t>(i));
        }
    }
    return out;
}

std::vector<std::uint32_t> selectors_beyond(const std::vector<LabelSelector>& selectors,
                                            const std::vector<LabelSelector>* definition) {
    std::vector<std::string> offered;
    if (definition != nullptr) {
        for (const LabelSelector& selector : *definition) {
            offered.push_back(canonical(selector));
        }
    }
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < selectors.size(); ++i) {
        if (!has(offered, canonical(selectors[i]))) {
            out.push_back(static_cast<std::uint32_t>(i));
        }
    }
    return out;
}

std::vector<std::uint32_t> subjects_beyond(const Binding& binding, const Binding& definition) {
    std::vector<Subject> offered;
    for (const Subject& subject : definition.subjects) {
        if (auto matching = matching_subject(definition, subject)) {
            offered.push_back(std::move(*matching));
        }
    }
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < binding.subjects.size(); ++i) {
        const auto matching = matching_subject(binding, binding.subjects[i]);
        if (!matching) {
            continue;  // it matches nobody, so it grants nothing
        }
        const bool named = std::any_of(offered.begin(), offered.end(), [&](const Subject& subject) {
            return subject.kind == matching->kind && subject.name == matching->name &&
                   subject.ns == matching->ns;
        });
        if (!named) {
            out.push_back(static_cast<std::uint32_t>(i));
        }
    }
    return out;
}

const std::vector<PolicyRule>& definition_rules(const BuiltinPolicy& policy, const Role& definition) {
    if (!definition.aggregation) {
        return definition.rules;
    }
    // The policy's aggregated ClusterRoles resolved over its own ClusterRoles, once per policy (graphs of an
    // estate are built on several threads).
    static std::mutex mutex;
    static std::map<const BuiltinPolicy*, std::map<const Role*, std::vector<PolicyRule>>> cache;
    const std::lock_guard lock(mutex);
    auto [found, added] = cache.try_emplace(&policy);
    if (added) {
        std::vector<const Role*> cluster_roles;
        std::vector<std::vector<PolicyRule>> rules;
        for (const Role& role : policy.roles()) {
            if (role.cluster_scoped) {
                cluster_roles.push_back(&role);
                rules.push_back(role.rules);
            }
        }
        std::vector<Diagnostic> ignored;
        resolve_aggregation(cluster_roles, rules, ignored);
        for (std::size_t i = 0; i < cluster_roles.size(); ++i) {
            found->second.emplace(cluster_roles[i], std::move(rules[i]));
        }
    }
    return found->second.at(&definition);
}

}  // namespace rbacgraph
