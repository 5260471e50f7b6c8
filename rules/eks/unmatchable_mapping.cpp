#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG105", "unmatchable-mapping", "eks", RiskSeverity::kMedium,
                         "An aws-auth entry that can never match a caller, so it silently grants nothing"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    if (graph.mode() == AuthenticationMode::kApi) {
        return;  // every aws-auth entry is ignored: shadowed-mapping
    }
    for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
        for (const auto& [key, entry] : *mappings) {
            // A mapUsers entry whose ARN mapRoles also holds loses to it: duplicate-mapping reports that.
            if (mappings == &graph.user_mappings() && graph.role_mappings().contains(key)) {
                continue;
            }
            const AwsAuthEntryStatus status = aws_auth_entry_status(graph, *entry);
            if (status.state == AwsAuthEntryStatus::State::kUnmatchable) {
                std::string message = "this entry never matches: " + status.reason;
                if (!status.revival.empty()) {
                    message += "; fix it by " + status.revival;
                }
                out.push_back(context.finding_for(*entry, std::move(message)));
            }
        }
    }
}

}  // namespace

extern const Rule unmatchable_mapping{kInfo, &check};

}  // namespace rbacgraph::rules
