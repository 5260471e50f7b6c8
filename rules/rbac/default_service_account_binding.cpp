#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG228", "default-service-account-binding", "rbac", RiskSeverity::kMedium,
    "Grants permissions to a namespace's default ServiceAccount, which every pod without "
    "serviceAccountName runs as"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    for (std::size_t b = 0; b < graph.bindings().size(); ++b) {
        const auto rows = graph.binding_rows(b);
        const auto found = std::find_if(rows.begin(), rows.end(), [&](const GrantRow& row) {
            return row.holder == HolderKind::kServiceAccount && row_subject(graph, row).name == "default";
        });
        if (found == rows.end()) {
            continue;
        }
        const std::string ns = row_subject(graph, *found).ns;
        if (auto finding = context.beyond_discovery_finding(
                b, "ServiceAccount " + ns + "/default",
                " as any pod of namespace " + ns + " that names no ServiceAccount")) {
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace

extern const Rule default_service_account_binding{kInfo, &check};

}  // namespace rbacgraph::rules
