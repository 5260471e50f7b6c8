#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG401", "assume-to-masters", "iam", RiskSeverity::kCritical,
    "An IAM principal can assume, directly or by chaining, a role that is cluster admin"};

// What makes the identity admin: system:masters (or, below, a full-admin access policy at cluster scope).
std::optional<std::string> admin_reason(const Identity& identity) {
    if (identity.is_masters()) {
        return fmt::format("{} puts it in system:masters", identity.source_detail);
    }
    return std::nullopt;
}

// An access policy of the entry that grants everything at cluster scope.
std::optional<std::string> admin_policy(const CheckContext& context, const Authorizer& authorizer) {
    for (const HeldGrant& match : authorizer.held()) {
        if (!context.grants().cluster_admin(match.grant)) {
            continue;  // the cheap question first, before a grant value is built
        }
        const Grant grant = context.grants().grant(match.grant);
        if (grant.source == GrantSource::kAccessPolicy) {
            return fmt::format("its access entry holds {} at cluster scope", grant.policy->name());
        }
    }
    return std::nullopt;
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    if (context.reach() == nullptr) {
        return;
    }
    const IamIndex& iam = *context.iam();
    const std::string cluster = context.cluster_name().empty()
                                    ? std::string("the cluster")
                                    : "cluster " + std::string(context.cluster_name());
    for (const Authorizer& authorizer : context.mapped_authorizers()) {
        const Identity& identity = authorizer.identity();
        auto reason = admin_reason(identity);
        if (!reason) {
            reason = admin_policy(context, authorizer);
        }
        if (!reason) {
            continue;
        }
        for (const Reacher& reacher : context.reach()->reachers(identity.canonical_arn)) {
            const IamPrincipal& principal = iam.principals()[reacher.principal];
            const IamPrincipal& role = iam.principals()[reacher.route.role()];
            std::string path = principal.name;
            for (const std::uint32_t hop : reacher.route.roles) {
                path += " -> " + iam.principals()[hop].name;
            }
            Finding finding = context.finding_for(
                principal, fmt::format("{} can become admin of {} by assuming roles: {}; {}{}",
                                       CheckContext::short_name(principal), cluster, path, *reason,
                                       reacher.route.conditional
                                           ? " (the path hinges on a condition or on policies not in "
                                             "the dump)"
                                           : ""));
            finding.arns = {principal.arn, role.arn};
            finding.key = role.arn;
            if (reacher.route.conditional) {
                finding.severity = lower(kInfo.severity);
            }
            out.push_back(std::move(finding));
        }
    }
}

}  // namespace

extern const Rule assume_to_masters{kInfo, &check};

}  // namespace rbacgraph::rules
