#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG115", "undetermined-grant", "eks", RiskSeverity::kHigh,
    "A grant rbacgraph cannot fully evaluate: an access policy AWS describes only in prose or by name, an "
    "unknown "
    "policy, or a role EKS creates without publishing its rules (in one namespace: medium)"};

bool sounds_powerful(std::string_view name) {
    // eks-iam.md 9.1: name-only policies whose names say Admin or Secret deserve a high-severity finding.
    return name.find("Admin") != std::string_view::npos || name.find("Secret") != std::string_view::npos;
}

RiskSeverity raise(RiskSeverity severity) {
    return severity == RiskSeverity::kCritical ? severity
                                               : static_cast<RiskSeverity>(static_cast<int>(severity) + 1);
}

void check_policies(const CheckContext& context, std::vector<Finding>& out) {
    const GrantTable& grants = context.grants();
    for (std::size_t g = 0; g < grants.policy_count(); ++g) {
        const Grant held = grants.grant(grants.policy_source(g).grants.first);
        if (!held.in_force || held.coverage == RuleCoverage::kExact) {
            continue;  // outside the API modes an association grants nothing (the table's gate)
        }
        const AccessPolicyGrant& grant = *held.policy;
        const AccessPolicyAssociation& association = *grant.association;
        const bool cluster_scope = association.scope.cluster_wide;
        const std::string scope =
            cluster_scope ? "cluster scope"
                          : fmt::format("namespaces {}", fmt::join(association.scope.namespaces, ", "));
        std::string known;
        if (grant.definition == nullptr) {
            known = "it is not an access policy rbacgraph knows";
        } else if (held.coverage == RuleCoverage::kLowerBound) {
            known = held.rules->empty()
                        ? "AWS describes it only in prose that names no verb"
                        : fmt::format(
                              "AWS describes it only in prose; the {} rule(s) the prose names are evaluated",
                              held.rules->size());
        } else {
            known = "AWS publishes only its name";
        }
        Finding finding;
        finding.object = {"AccessEntry", "", association.principal_arn};
        finding.location = association.location;
        finding.arns = {association.principal_arn};
        finding.key = std::string(grant.name());
        finding.builtin = association.principal_arn.find(":role/aws-service-role/") != std::string::npos;
        finding.message = fmt::format(
            "{} holds access policy {} at {}: {}, so whatever else it allows there is undetermined; review "
            "what "
            "AWS grants with it and suppress this finding with that reason",
            association.principal_arn, grant.name(), scope, known);
        RiskSeverity severity = cluster_scope ? kInfo.severity : lower(kInfo.severity);
        finding.severity = sounds_powerful(grant.name()) ? raise(severity) : severity;
        out.push_back(std::move(finding));
    }
}

void check_roles(const CheckContext& context, std::vector<Finding>& out) {
    const GrantTable& grants = context.grants();
    for (std::size_t b = 0; b < grants.binding_count(); ++b) {
        const GrantTable::BindingSource source = grants.binding_source(b);
        if (source.grants.empty() || grants.grant(source.grants.first).coverage == RuleCoverage::kExact) {
            continue;
        }
        const Binding& binding = *source.binding;
        Finding finding = context.finding_for(binding, "");
        finding.arns = context.arns_of_binding(b);
        finding.message = fmt::format(
            "{} binds {} to {}: a role EKS creates whose rules AWS does not publish, so what it allows is "
            "undetermined (export the role with kubectl get clusterrole -o yaml to evaluate it)",
            binding.display(), source.role->display(), fmt::join(finding.subjects, ", "));
        if (!binding.cluster_scoped) {
            finding.severity = lower(kInfo.severity);
        }
        out.push_back(std::move(finding));
    }
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    check_policies(context, out);
    check_roles(context, out);
}

}  // namespace

extern const Rule undetermined_grant{kInfo, &check};

}  // namespace rbacgraph::rules
