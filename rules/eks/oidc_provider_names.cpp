#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "rbacgraph/check.hpp"
#include "rbacgraph/identity.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG119", "oidc-provider-names", "eks", RiskSeverity::kHigh,
    "An OIDC identity provider whose tokens can carry the names RBAC trusts: groups without a prefix "
    "(system:masters among them), usernames without one, or claims users edit themselves"};

// OpenID Connect Core 1.0, section 5.1 (standard claims): the End-User's profile, which most providers let
// users edit themselves, unlike sub (issued by the provider) or a verified email.
constexpr std::array<std::string_view, 13> kProfileClaims = {
    "name",    "given_name", "family_name", "middle_name", "nickname",  "preferred_username",
    "profile", "picture",    "website",     "gender",      "birthdate", "zoneinfo",
    "locale"};

bool user_edited(std::string_view claim) {
    return std::find(kProfileClaims.begin(), kProfileClaims.end(), claim) != kProfileClaims.end();
}

Finding provider_finding(const OidcIdentityProvider& provider, std::string key, RiskSeverity severity,
                         std::string message) {
    Finding finding;
    finding.object = {"OidcIdentityProviderConfig", "", provider.name};
    finding.location = provider.location;
    finding.key = std::move(key);
    finding.severity = severity;
    finding.message = std::move(message);
    return finding;
}

// A field the input leaves to apply or deploy time (Terraform's snake_case, CloudFormation's PascalCase
// names) is not judged: its absence from the input is no absence from the configuration.
bool unknown(const OidcIdentityProvider& provider, std::string_view snake, std::string_view pascal) {
    return std::any_of(provider.unknown_fields.begin(), provider.unknown_fields.end(),
                       [&](const std::string& field) { return field == snake || field == pascal; });
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const OidcIdentityProvider& provider : context.graph().source().oidc_providers) {
        const std::string claim = provider.username_claim.empty() ? "sub" : provider.username_claim;
        const bool groups =
            !provider.groups_claim.empty() && !unknown(provider, "groups_prefix", "GroupsPrefix");
        // kube-apiserver --oidc-groups-prefix: without one the token's groups are the request's groups, and
        // system:masters passes every authorization check (k8s-rbac.md 4).
        if (groups && (!provider.groups_prefix || provider.groups_prefix->empty())) {
            const bool edited = user_edited(provider.groups_claim);
            out.push_back(provider_finding(
                provider, "groups-prefix", edited ? RiskSeverity::kCritical : RiskSeverity::kHigh,
                fmt::format("OIDC identity provider {} passes its '{}' claim to RBAC as groups without a "
                            "groupsPrefix: a token carrying group 'system:masters' is cluster admin, and one "
                            "carrying the name of any bound group gets its grants{}",
                            provider.name, provider.groups_claim,
                            edited ? fmt::format(" ('{}' is a profile claim users edit themselves)",
                                                 provider.groups_claim)
                                   : "")));
        } else if (groups && user_edited(provider.groups_claim)) {
            out.push_back(provider_finding(
                provider, "groups-claim", RiskSeverity::kHigh,
                fmt::format("OIDC identity provider {} takes groups from '{}', a profile claim users edit "
                            "themselves: any of its users can claim every group behind the prefix '{}'",
                            provider.name, provider.groups_claim, *provider.groups_prefix)));
        }
        if (unknown(provider, "username_claim", "UsernameClaim") ||
            unknown(provider, "username_prefix", "UsernamePrefix")) {
            continue;
        }
        if (user_edited(claim)) {
            out.push_back(provider_finding(
                provider, "username-claim",
                provider.username_prefix.value_or("") == "-" ? RiskSeverity::kCritical : RiskSeverity::kHigh,
                fmt::format(
                    "OIDC identity provider {} takes usernames from '{}', a profile claim users edit "
                    "themselves: any of its users can become another ({}); use sub or a verified email",
                    provider.name, claim, oidc_name(provider, "<value>", false))));
        } else if (provider.username_prefix.value_or("") == "-" && claim != "email") {
            // "-" disables prefixing (EKS API reference OidcIdentityProviderConfigRequest usernamePrefix).
            out.push_back(provider_finding(
                provider, "username-prefix", RiskSeverity::kMedium,
                fmt::format(
                    "OIDC identity provider {} gives usernames without a prefix (usernamePrefix '-'): a "
                    "token whose '{}' claim equals a username bound in the cluster gets its grants",
                    provider.name, claim)));
        }
    }
}

}  // namespace

extern const Rule oidc_provider_names{kInfo, &check};

}  // namespace rbacgraph::rules
