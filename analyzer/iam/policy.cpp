// IAM policy evaluation for identity policies (docs/iam.md, "Policy evaluation").
#include <algorithm>
#include <array>

#include "model/wildcard.hpp"
#include "rbacgraph/arn.hpp"
#include "rbacgraph/iam.hpp"

namespace rbacgraph {
namespace {

bool any_matches(const std::vector<std::string>& patterns, std::string_view text, bool ignore_case) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
        return iam_wildcard_match(pattern, text, ignore_case);
    });
}

// Whether a statement's resources cover the request's: yes, no, or maybe (a policy variable whose value the
// dump does not give, which makes the statement hinge on the request as a Condition does).
enum class Covers { kNo, kYes, kMaybe };

// IAM User Guide, policy variables: in a "2012-10-17" document "${key}" is replaced by the request's value of
// key (case-insensitive); "${$}" is a literal '$'. A key with no known value, and "${*}"/"${?}" (literal
// characters the matcher would read as wildcards), become '*' and mark the pattern as only possibly matching.
struct Substituted {
    std::string pattern;
    bool unknown = false;
};

Substituted substitute(std::string_view pattern, const PolicyVariables* variables) {
    Substituted out;
    std::size_t at = 0;
    while (at < pattern.size()) {
        const std::size_t open = pattern.find("${", at);
        const std::size_t close = open == std::string_view::npos ? open : pattern.find('}', open + 2);
        if (close == std::string_view::npos) {
            out.pattern.append(pattern.substr(at));
            break;
        }
        out.pattern.append(pattern.substr(at, open - at));
        const std::string key = ascii_lower(pattern.substr(open + 2, close - open - 2));
        if (key == "$") {
            out.pattern.push_back('$');
        } else if (const auto found =
                       variables != nullptr ? variables->find(key) : PolicyVariables::const_iterator{};
                   variables != nullptr && found != variables->end()) {
            out.pattern.append(found->second);
        } else {
            out.pattern.push_back('*');
            out.unknown = true;
        }
        at = close + 1;
    }
    return out;
}

Covers pattern_covers(std::string_view pattern, const IamResource& resource) {
    const bool hit = resource.prefix ? iam_pattern_admits_prefix(pattern, resource.arn)
                                     : iam_wildcard_match(pattern, resource.arn, false);
    return hit ? Covers::kYes : Covers::kNo;
}

Covers resource_matches(const IamStatement& statement, const IamResource& resource, bool variables_apply,
                        const PolicyVariables* variables) {
    if (!statement.has_resource) {
        return Covers::kNo;  // an identity policy statement without Resource is rejected by IAM
    }
    Covers listed = Covers::kNo;
    bool every_prefix = false;  // NotResource with a prefix: some entry covers every resource under it
    for (const std::string& raw : statement.resources) {
        Substituted pattern{raw, false};
        if (variables_apply && raw.find("${") != std::string::npos) {
            pattern = substitute(raw, variables);
        }
        Covers covers = pattern_covers(pattern.pattern, resource);
        if (covers == Covers::kYes && pattern.unknown) {
            covers = Covers::kMaybe;
        }
        if (statement.not_resource && resource.prefix) {
            every_prefix = every_prefix || (covers == Covers::kYes && pattern.pattern.ends_with('*') &&
                                            iam_wildcard_match(pattern.pattern, resource.arn, false));
            listed = std::max(listed, covers == Covers::kMaybe ? Covers::kMaybe : Covers::kNo);
            continue;
        }
        if (covers == Covers::kYes) {
            listed = Covers::kYes;
            break;
        }
        listed = std::max(listed, covers);
    }
    if (!statement.not_resource) {
        return listed;
    }
    if (resource.prefix) {
        // NotResource: some resource under the prefix escapes the list unless one entry covers them all.
        return every_prefix ? Covers::kNo : listed == Covers::kMaybe ? Covers::kMaybe : Covers::kYes;
    }
    return listed == Covers::kYes ? Covers::kNo : listed == Covers::kMaybe ? Covers::kMaybe : Covers::kYes;
}

}  // namespace

bool statement_covers_action(const IamStatement& statement, std::string_view action) {
    // IAM action names are case-insensitive ("iam:passrole" is iam:PassRole).
    return any_matches(statement.actions, action, true) != statement.not_action;
}

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
                              const IamResource& resource, const PolicyVariables* variables) {
    IamDecision allow;
    IamDecision conditional_allow;
    IamDecision conditional_deny;
    for (const NamedPolicy& policy : policies) {
        // IAM User Guide, policy variables: only a "2012-10-17" document substitutes them.
        const bool variables_apply = policy.document->version == "2012-10-17";
        for (const IamStatement& statement : policy.document->statements) {
            if (!statement_covers_action(statement, action)) {
                continue;
            }
            const Covers covers = resource_matches(statement, resource, variables_apply, variables);
            if (covers == Covers::kNo) {
                continue;
            }
            const bool conditional = !statement.condition.empty() || covers == Covers::kMaybe;
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
