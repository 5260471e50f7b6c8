#pragma once

#include <span>
#include <string_view>

#include "rbacgraph/check.hpp"

namespace rbacgraph {

/// The built-in rule catalog, in catalog.def order.
std::span<const Rule> builtin_rules();

/// An ID or slug that once named a rule; never reused.
struct RetiredRule {
    std::string_view id;
    std::string_view slug;
    std::string_view note;
};

std::span<const RetiredRule> retired_rules();

/// The Markdown page docs/rules/<slug>.md, compiled in; empty when there is none.
std::string_view rule_doc(std::string_view slug);

}  // namespace rbacgraph
