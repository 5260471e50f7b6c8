// IAM policy evaluation for identity policies (docs/iam.md, "Policy evaluation").
#include <algorithm>
#include <array>

#include "model/wildcard.hpp"
#include "rbacgraph/iam.hpp"

namespace rbacgraph {
namespace {

bool any_matches(const std::vector<std::string>& patterns, std::string_view text, bool ignore_case) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
        return iam_wildcard_match(pattern, text, ignore_case);
    });
}

bool action_matches(const IamStatement& statement, std::string_view action) {
    // IAM action names are case-insensitive ("iam:passrole" is iam:PassRole).
    return any_matches(statement.actions, action, true) != statement.not_action;
}

bool resource_matches(const IamStatement& statement, const IamResource& resource) {
    if (!statement.has_resource) {
        return false;  // an identity policy statement without Resource is rejected by IAM
    }
    if (!resource.prefix) {
        return any_matches(statement.resources, resource.arn, false) != statement.not_resource;
    }
    if (!statement.not_resource) {
        return std::any_of(
            statement.resources.begin(), statement.resources.end(),
            [&](const std::string& pattern) { return iam_pattern_admits_prefix(pattern, resource.arn); });
    }
    // NotResource: some resource under the prefix escapes the list unless one entry covers them all.
    return std::none_of(statement.resources.begin(), statement.resources.end(),
                        [&](const std::string& pattern) {
                            return pattern.ends_with('*') && iam_wildcard_match(pattern, resource.arn, false);
                        });
}

}  // namespace

bool iam_wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case) {
    return wildcard_match(pattern, text, {.question_mark = true, .ignore_case = ignore_case});
}

bool iam_pattern_admits_prefix(std::string_view pattern, std::string_view prefix) {
    // The set of pattern positions reachable after reading the prefix; any survivor can be completed.
    std::vector<char> states(pattern.size() + 1, 0);
    std::vector<char> next(pattern.size() + 1, 0);
    const auto close = [&](std::vector<char>& set) {
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            if (set[i] && pattern[i] == '*') {
                set[i + 1] = 1;
            }
        }
    };
    states[0] = 1;
    close(states);
    for (const char c : prefix) {
        std::fill(next.begin(), next.end(), 0);
        bool alive = false;
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            if (!states[i]) {
                continue;
            }
            if (pattern[i] == '*') {
                next[i] = 1;
                alive = true;
            } else if (pattern[i] == '?' || pattern[i] == c) {
                next[i + 1] = 1;
                alive = true;
            }
        }
        if (!alive) {
            return false;
        }
        close(next);
        states.swap(next);
    }
    return true;
}

std::string_view to_string(IamEffect effect) {
    static constexpr std::array<std::string_view, 4> kNames = {"implicit deny", "allow", "deny",
                                                               "conditional"};
    return kNames[static_cast<std::size_t>(effect)];
}

IamDecision evaluate_policies(std::span<const NamedPolicy> policies, std::string_view action,
                              const IamResource& resource) {
    IamDecision allow;
    IamDecision conditional_allow;
    IamDecision conditional_deny;
    for (const NamedPolicy& policy : policies) {
        for (const IamStatement& statement : policy.document->statements) {
            if (!action_matches(statement, action) || !resource_matches(statement, resource)) {
                continue;
            }
            const bool conditional = !statement.condition.empty();
            IamDecision* slot = nullptr;
            if (!statement.allow && !conditional) {
                return {IamEffect::kDeny, &statement, policy.name};
            }
            if (!statement.allow) {
                slot = &conditional_deny;
            } else {
                slot = conditional ? &conditional_allow : &allow;
            }
            if (slot->statement == nullptr) {
                *slot = {IamEffect::kConditional, &statement, policy.name};
            }
        }
    }
    if (allow.statement != nullptr) {
        // An Allow that a conditional Deny may take away is conditional.
        return conditional_deny.statement != nullptr
                   ? conditional_deny
                   : IamDecision{IamEffect::kAllow, allow.statement, allow.policy};
    }
    if (conditional_allow.statement != nullptr) {
        return conditional_allow;
    }
    return {};
}

}  // namespace rbacgraph
