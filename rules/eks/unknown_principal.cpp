#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG118", "unknown-principal", "eks", RiskSeverity::kMedium,
    "A mapping whose principal is known only after apply or deploy (a Terraform plan, a CloudFormation "
    "template): it can be any principal the change creates (cluster admin or an aws-auth key: high)"};

// What an access entry hands out: its Kubernetes groups and its access policies.
std::string grants_of(const GrantTable& grants, const AccessEntry& entry) {
    std::vector<std::string> parts;
    if (!entry.kubernetes_groups.empty()) {
        parts.push_back(fmt::format("groups {}", fmt::join(entry.kubernetes_groups, ", ")));
    }
    for (const GrantId id : grants.held_by(HolderKind::kPrincipal, access_entry_key(entry.principal_arn))) {
        const Grant grant = grants.grant(id);
        const std::string_view name = grant.policy->name();
        parts.push_back(grant.scope == GrantScope::kCluster
                            ? fmt::format("{} at cluster scope", name)
                            : fmt::format("{} in {}", name, fmt::join(grant.namespaces(), ", ")));
    }
    return parts.empty() ? "no groups and no access policy" : fmt::format("{}", fmt::join(parts, "; "));
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    if (graph.access_entries_apply()) {
        for (const AccessEntry* unknown : graph.unknown_principal_entries()) {
            const AccessEntry& entry = *unknown;
            const bool admin = Authorizer(graph, unknown_principal_identity(entry)).cluster_admin();
            Finding finding;
            finding.object = {"AccessEntry", "", entry.principal_arn};
            finding.location = entry.location;
            finding.key = entry.principal_arn;
            finding.arns = {entry.principal_arn};
            finding.severity = admin ? RiskSeverity::kHigh : RiskSeverity::kMedium;
            finding.message = fmt::format(
                "access entry for principal {}: whoever that turns out to be gets {}{}; review who it is "
                "and its trust policy in the same change",
                entry.principal_arn, grants_of(context.grants(), entry),
                admin ? ", which is cluster admin" : "");
            out.push_back(std::move(finding));
        }
    }
    const auto& aws_auth = context.source().aws_auth;
    if (aws_auth && graph.mode() != AuthenticationMode::kApi) {
        for (const std::string& key : aws_auth->unknown_keys) {
            Finding finding;
            finding.object = {"ConfigMap", "kube-system", "aws-auth"};
            finding.location = aws_auth->location;
            finding.key = key;
            finding.annotations = {&aws_auth->annotations};
            finding.severity = RiskSeverity::kHigh;
            finding.message = fmt::format(
                "aws-auth {} is known only after apply: it may map any principal to any group, "
                "system:masters "
                "included, and nothing in the input says which; answers for ARNs it may map are undetermined",
                key);
            out.push_back(std::move(finding));
        }
    }
}

}  // namespace

extern const Rule unknown_principal{kInfo, &check};

}  // namespace rbacgraph::rules
