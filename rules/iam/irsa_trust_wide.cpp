#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG404", "irsa-trust-wide", "iam", RiskSeverity::kHigh,
    "An IAM role trusts web identities (IRSA) of any ServiceAccount, of any namespace, or of "
    "any OIDC provider of the account"};

constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";

// A sub pattern admits ServiceAccounts of more than one namespace: '*' or '?' before the namespace ends.
bool spans_namespaces(const WebIdentityTrust::Subject& subject) {
    if (!subject.glob) {
        return false;
    }
    std::string_view value = subject.value;
    if (!value.starts_with(kServiceAccountPrefix)) {
        // "*", "system:*": the prefix itself is wildcarded.
        return value.find_first_of("*?") != std::string_view::npos;
    }
    value.remove_prefix(kServiceAccountPrefix.size());
    const std::string_view ns = value.substr(0, value.find(':'));
    return ns.find_first_of("*?") != std::string_view::npos;
}

std::string conditional_text(const WebIdentityTrust& trust) {
    return trust.conditional ? fmt::format(" (if {})", fmt::join(trust.conditions, " and ")) : "";
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    // About the account, not about one cluster: reported once per run.
    if (context.iam() == nullptr || !context.first_cluster()) {
        return;
    }
    for (const IamPrincipal& principal : context.iam()->principals()) {
        if (principal.role == nullptr) {
            continue;
        }
        // eks-iam.md 9.7 (UG IRSA): the documented trust names the cluster's provider and a sub condition for
        // one ServiceAccount (StringLike for every one of a namespace). Without a sub condition every token
        // the issuer signs for sts.amazonaws.com works: any ServiceAccount of the cluster.
        for (const IamStatement& statement : principal.role->trust.statements) {
            const bool web_identity = statement_covers_action(statement, "sts:AssumeRoleWithWebIdentity");
            if (statement.allow && web_identity && statement.principals.everyone &&
                !statement.not_principal) {
                Finding finding = context.finding_for(
                    principal,
                    fmt::format("{} trusts sts:AssumeRoleWithWebIdentity from any principal: a token "
                                "of any OIDC provider registered in the account, so any "
                                "ServiceAccount of any of its clusters{}",
                                CheckContext::short_name(principal),
                                statement.condition.empty() ? "" : " (under a condition)"));
                finding.location = statement.location;
                finding.key = "any-provider";
                out.push_back(std::move(finding));
            }
        }
        for (const WebIdentityTrust& trust : web_identity_trusts(*principal.role)) {
            const bool any_subject = trust.subjects.empty();
            const auto wide = std::find_if(trust.subjects.begin(), trust.subjects.end(), spans_namespaces);
            if (!any_subject && wide == trust.subjects.end()) {
                continue;
            }
            Finding finding = context.finding_for(
                principal,
                any_subject
                    ? fmt::format(
                          "{} trusts web identities of {} with no sub condition: any ServiceAccount of "
                          "that cluster (and any token its issuer signs) can assume it{}",
                          CheckContext::short_name(principal), trust.issuer, conditional_text(trust))
                    : fmt::format("{} trusts web identities of {} for {}, which spans namespaces: a "
                                  "ServiceAccount created in any namespace that matches can assume it{}",
                                  CheckContext::short_name(principal), trust.issuer, wide->value,
                                  conditional_text(trust)));
            finding.location = trust.statement->location;
            finding.key = trust.issuer;
            if (trust.conditional) {
                finding.severity = lower(kInfo.severity);
            }
            out.push_back(std::move(finding));
        }
    }
}

}  // namespace

extern const Rule irsa_trust_wide{kInfo, &check};

}  // namespace rbacgraph::rules
