#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG104", "cluster-admin-access-policy", "eks", RiskSeverity::kHigh,
    "An access entry holds AmazonEKSClusterAdminPolicy, or AmazonEKSAdminPolicy at cluster "
    "scope"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const AuthenticationMode mode = context.graph().mode();
    if (mode != AuthenticationMode::kApi && mode != AuthenticationMode::kApiAndConfigMap) {
        return;
    }
    for (std::size_t p = 0; p < context.grants().policy_count(); ++p) {
        const AccessPolicyGrant& grant = *context.grants().policy_source(p).policy;
        if (grant.definition == nullptr) {
            continue;
        }
        const AccessPolicyAssociation& association = *grant.association;
        const bool cluster_admin = grant.definition->name == "AmazonEKSClusterAdminPolicy";
        const bool admin = grant.definition->name == "AmazonEKSAdminPolicy" && association.scope.cluster_wide;
        if (!cluster_admin && !admin) {
            continue;
        }
        Finding finding;
        finding.object = {"AccessEntry", "", association.principal_arn};
        finding.location = association.location;
        finding.key = grant.definition->name;
        finding.arns = {association.principal_arn};
        finding.builtin = association.principal_arn.find(":role/aws-service-role/") != std::string::npos;
        finding.message =
            cluster_admin
                ? fmt::format(
                      "{} holds AmazonEKSClusterAdminPolicy: every verb on every resource, cluster-wide "
                      "(the access-entry equivalent of cluster-admin)",
                      association.principal_arn)
                : fmt::format(
                      "{} holds AmazonEKSAdminPolicy at cluster scope: admin in every namespace, "
                      "including Secrets and RoleBindings; scope it to namespaces",
                      association.principal_arn);
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule cluster_admin_access_policy{kInfo, &check};

}  // namespace rbacgraph::rules
