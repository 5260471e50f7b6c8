#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG203", "anonymous-access", "rbac", RiskSeverity::kCritical,
                         "Grants more than API discovery to system:anonymous or system:unauthenticated"};

bool is_anonymous(const Subject& subject) {
    return (subject.kind == "User" && subject.name == "system:anonymous") ||
           (subject.kind == "Group" && subject.name == "system:unauthenticated");
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    const auto& bindings = graph.bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const auto rows = graph.binding_rows(b);
        const auto anonymous = std::find_if(rows.begin(), rows.end(), [&](const GrantRow& row) {
            return is_anonymous(row_subject(graph, row));
        });
        if (anonymous == rows.end()) {
            continue;
        }
        auto finding = context.beyond_discovery_finding(
            b, "anyone who can reach the API server (" + holder_display(graph, *anonymous) + ")",
            " without credentials");
        if (finding) {
            if (!bindings[b].binding->cluster_scoped) {
                finding->severity = lower(kInfo.severity);
            }
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace

extern const Rule anonymous_access{kInfo, &check};

}  // namespace rbacgraph::rules
