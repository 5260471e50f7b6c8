#pragma once

#include <string_view>

namespace rbacgraph {

/// How a wildcard pattern reads: '*' is always any run of characters.
struct WildcardSyntax {
    bool question_mark = false;  ///< '?' matches exactly one character (IAM); otherwise it is literal
    bool ignore_case = false;    ///< ASCII letters compare without case (IAM action names)
};

/// Matches text against a '*' (and optionally '?') pattern with one backtrack point: linear in practice and
/// without recursion, so hostile patterns cannot blow the stack. IAM policies (iam_wildcard_match) and
/// check --config globs (check::glob_match) both use it.
bool wildcard_match(std::string_view pattern, std::string_view text, WildcardSyntax syntax);

}  // namespace rbacgraph
