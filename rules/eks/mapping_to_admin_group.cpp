#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG111", "mapping-to-admin-group", "eks", RiskSeverity::kHigh,
    "An IAM ARN mapped to a username or group that a ClusterRoleBinding makes cluster admin"};

Finding mapping_finding(const CheckContext& context, const Identity& identity, std::string message) {
    const Graph& graph = context.graph();
    const std::string key = ascii_lower(identity.arn);
    if (identity.source == IdentitySource::kAccessEntry) {
        if (const auto found = graph.access_entries().find(access_entry_key(identity.arn));
            found != graph.access_entries().end()) {
            return context.finding_for(*found->second, std::move(message));
        }
    }
    const auto& mappings =
        identity.source == IdentitySource::kMapUsers ? graph.user_mappings() : graph.role_mappings();
    for (const auto& [arn, entry] : mappings) {
        if (entry->location.file == identity.source_location.file &&
            entry->location.line == identity.source_location.line) {
            return context.finding_for(*entry, std::move(message));
        }
    }
    Finding finding;
    finding.object = {"ConfigMap", "kube-system", "aws-auth"};
    finding.location = identity.source_location;
    finding.arns = {identity.arn};
    finding.key = key;
    finding.message = std::move(message);
    return finding;
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const Authorizer& authorizer : context.mapped_authorizers()) {
        const Identity& identity = authorizer.identity();
        const bool mapping = identity.source == IdentitySource::kMapRoles ||
                             identity.source == IdentitySource::kMapUsers ||
                             identity.source == IdentitySource::kMapAccounts ||
                             identity.source == IdentitySource::kAccessEntry;
        if (!mapping || identity.is_masters()) {
            continue;  // system:masters is system-masters-mapping
        }
        for (const HeldGrant& match : authorizer.held()) {
            // The cheap question first: building every held grant's value was most of this rule at scale.
            if (match.undetermined || !context.grants().cluster_admin(match.grant)) {
                continue;
            }
            const Grant grant = context.grants().grant(match.grant);
            if (grant.source != GrantSource::kBinding || grant.builtin) {
                continue;
            }
            const Binding& binding = *grant.binding;
            const Subject subject = grant.subject();
            Finding finding = mapping_finding(
                context, identity,
                fmt::format(
                    "{} ({}) is cluster admin: it is mapped to {}, which {} binds to ClusterRole {} ({})",
                    identity.arn, identity.source_detail, subject.display(), binding.display(),
                    binding.role_ref.name, format_location(binding.location)));
            finding.subjects = {subject.display()};
            finding.key += "|" + binding.name;
            out.push_back(std::move(finding));
            break;
        }
    }
}

}  // namespace

extern const Rule mapping_to_admin_group{kInfo, &check};

}  // namespace rbacgraph::rules
