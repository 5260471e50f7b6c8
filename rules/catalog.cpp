#include <array>

#include "rbacgraph/rules.hpp"

namespace rbacgraph {

namespace rules {
#define RBACGRAPH_RULE(name) extern const Rule name;
#define RBACGRAPH_RETIRED_RULE(id, slug, note)
#include "catalog.def"
#undef RBACGRAPH_RULE
#undef RBACGRAPH_RETIRED_RULE
}  // namespace rules

std::span<const Rule> builtin_rules() {
    static const std::vector<Rule> catalog = {
#define RBACGRAPH_RULE(name) rules::name,
#define RBACGRAPH_RETIRED_RULE(id, slug, note)
#include "catalog.def"
#undef RBACGRAPH_RULE
#undef RBACGRAPH_RETIRED_RULE
    };
    return catalog;
}

std::span<const RetiredRule> retired_rules() {
    static const std::vector<RetiredRule> retired = {
#define RBACGRAPH_RULE(name)
#define RBACGRAPH_RETIRED_RULE(id, slug, note) {id, slug, note},
#include "catalog.def"
#undef RBACGRAPH_RULE
#undef RBACGRAPH_RETIRED_RULE
    };
    return retired;
}

}  // namespace rbacgraph
