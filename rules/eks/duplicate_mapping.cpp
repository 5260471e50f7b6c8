#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG106", "duplicate-mapping", "eks", RiskSeverity::kMedium,
                         "The same ARN is mapped more than once in aws-auth; only one entry counts"};

std::string_view section_name(const AwsAuthEntry& entry) {
    return entry.section == AwsAuthSection::kMapRoles ? "mapRoles" : "mapUsers";
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& aws_auth = context.source().aws_auth;
    if (!aws_auth) {
        return;
    }
    const Graph& graph = context.graph();
    auto report = [&](const AwsAuthEntry& entry, const AwsAuthEntry& winner, std::string_view why) {
        Finding finding = context.finding_for(
            entry,
            fmt::format("{} entry for {} is ignored: {} the {} entry at {} (groups and username are not "
                        "merged); delete one of them",
                        section_name(entry), entry.arn, why, section_name(winner),
                        format_location(winner.location)));
        finding.key.append("@").append(std::to_string(entry.location.line));
        out.push_back(std::move(finding));
    };
    // configmap.go saveMap: entries are keyed by lower-cased ARN and the last one wins, whole.
    for (const auto* entries : {&aws_auth->map_roles, &aws_auth->map_users}) {
        const auto& in_force =
            entries == &aws_auth->map_roles ? graph.role_mappings() : graph.user_mappings();
        for (const AwsAuthEntry& entry : *entries) {
            const AwsAuthEntry* winner = in_force.at(ascii_lower(entry.arn));
            if (winner != &entry) {
                const bool case_only = winner->arn != entry.arn;
                report(entry, *winner,
                       case_only ? "its ARN differs only in case from, and is replaced by,"
                                 : "it is replaced by");
            }
        }
    }
    // mapper.go Map: role entries are searched before user entries, whatever kind of ARN they hold.
    for (const auto& [key, entry] : graph.user_mappings()) {
        if (const auto role = graph.role_mappings().find(key); role != graph.role_mappings().end()) {
            report(*entry, *role->second, "mapRoles is searched first, so the caller always gets");
        }
    }
}

}  // namespace

extern const Rule duplicate_mapping{kInfo, &check};

}  // namespace rbacgraph::rules
