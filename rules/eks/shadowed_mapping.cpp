#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG107", "shadowed-mapping", "eks", RiskSeverity::kLow,
                         "An aws-auth entry ignored because the cluster is in API mode or an access entry "
                         "maps the same principal"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    const auto& aws_auth = context.source().aws_auth;
    if (!aws_auth) {
        return;
    }
    const AuthenticationMode mode = graph.mode();
    if (mode == AuthenticationMode::kApi) {
        for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
            for (const auto& [key, entry] : *mappings) {
                out.push_back(context.finding_for(
                    *entry, entry->arn +
                                " is mapped in aws-auth, but the cluster is in API mode, which ignores "
                                "aws-auth: give it an access entry or delete the entry"));
            }
        }
        for (const AwsAuthAccount& account : aws_auth->map_accounts) {
            Finding finding;
            finding.object = {"ConfigMap", "kube-system", "aws-auth"};
            finding.location = account.location;
            finding.key = account.account;
            finding.annotations = {&aws_auth->annotations};
            finding.message =
                fmt::format("mapAccounts entry {} is ignored: the cluster is in API mode", account.account);
            out.push_back(std::move(finding));
        }
        return;
    }
    if (mode != AuthenticationMode::kApiAndConfigMap) {
        return;
    }
    // EKS: in API_AND_CONFIG_MAP an access entry for the principal wins over aws-auth.
    for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
        for (const auto& [key, entry] : *mappings) {
            const auto access = graph.access_entries().find(access_entry_key(entry->arn));
            if (access == graph.access_entries().end()) {
                continue;
            }
            out.push_back(context.finding_for(
                *entry, fmt::format("{} also has an access entry ({}), which EKS uses instead: this aws-auth "
                                    "entry's username and groups do not apply",
                                    entry->arn, format_location(access->second->location))));
        }
    }
}

}  // namespace

extern const Rule shadowed_mapping{kInfo, &check};

}  // namespace rbacgraph::rules
