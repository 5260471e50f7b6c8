// The trust side of workload credentials: IRSA (sts:AssumeRoleWithWebIdentity from the cluster's OIDC
// provider) and EKS Pod Identity (sts:AssumeRole + sts:TagSession from pods.eks.amazonaws.com). Sources:
// eks-iam.md 9.4 and 9.7 (EKS User Guide, IRSA and Pod Identity role pages).
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "rbacgraph/arn.hpp"
#include "rbacgraph/iam.hpp"
#include "rbacgraph/output_text.hpp"

namespace rbacgraph {
namespace {

constexpr std::string_view kWebIdentityAction = "sts:AssumeRoleWithWebIdentity";
constexpr std::string_view kPodIdentityService = "pods.eks.amazonaws.com";
constexpr std::string_view kProviderMarker = ":oidc-provider/";
constexpr std::string_view kAudience = "sts.amazonaws.com";

// The issuer an OIDC provider ARN names ("arn:aws:iam::1111:oidc-provider/oidc.eks...../id/X"), or "".
std::string provider_issuer(std::string_view provider) {
    const std::size_t marker = provider.find(kProviderMarker);
    return marker == std::string_view::npos
               ? std::string()
               : issuer_host_path(provider.substr(marker + kProviderMarker.size()));
}

std::vector<std::string> condition_values(const nlohmann::json& value) {
    std::vector<std::string> out;
    if (value.is_string()) {
        out.push_back(value.get<std::string>());
    } else if (value.is_array()) {
        for (const nlohmann::json& item : value) {
            out.push_back(item.is_string() ? item.get<std::string>() : json_text(item));
        }
    } else {
        out.push_back(json_text(value));
    }
    return out;
}

// Reads the Condition block of a web-identity statement for one issuer: sub patterns under StringEquals or
// StringLike; aud must admit sts.amazonaws.com; anything else makes it conditional.
void read_conditions(const IamStatement& statement, WebIdentityTrust& trust) {
    if (statement.condition.empty()) {
        return;
    }
    const nlohmann::json block = nlohmann::json::parse(statement.condition, nullptr, false);
    if (!block.is_object()) {
        trust.conditional = true;
        trust.conditions.push_back("a Condition block that is not an object");
        return;
    }
    bool sub_seen = false;
    for (const auto& [op, keys] : block.items()) {
        const bool equals = op == "StringEquals";
        const bool like = op == "StringLike";
        if (!keys.is_object()) {
            trust.conditional = true;
            trust.conditions.push_back(op);
            continue;
        }
        for (const auto& [key, value] : keys.items()) {
            const std::size_t colon = key.rfind(':');
            const std::string prefix =
                issuer_host_path(key.substr(0, colon == std::string::npos ? 0 : colon));
            const std::string name = colon == std::string::npos ? key : ascii_lower(key.substr(colon + 1));
            const bool this_issuer = equal_fold(prefix, trust.issuer);
            if (this_issuer && name == "sub" && (equals || like) && !sub_seen) {
                sub_seen = true;
                for (std::string& pattern : condition_values(value)) {
                    trust.subjects.push_back({std::move(pattern), like});
                }
                continue;
            }
            if (this_issuer && name == "aud" && (equals || like)) {
                const std::vector<std::string> audiences = condition_values(value);
                if (std::any_of(audiences.begin(), audiences.end(), [&](const std::string& audience) {
                        return like ? iam_wildcard_match(audience, kAudience, false) : audience == kAudience;
                    })) {
                    continue;
                }
            }
            trust.conditional = true;
            trust.conditions.push_back(fmt::format("{} {}", op, key));
        }
    }
    if (!sub_seen && std::any_of(trust.conditions.begin(), trust.conditions.end(),
                                 [](const std::string& text) { return text.ends_with(":sub"); })) {
        // A sub condition under another operator: the subjects it admits are not known.
        trust.subjects.push_back({"*", true});
    }
}

bool subject_matches(const WebIdentityTrust& trust, std::string_view subject) {
    if (trust.subjects.empty()) {
        return true;
    }
    return std::any_of(trust.subjects.begin(), trust.subjects.end(), [&](const WebIdentityTrust::Subject& s) {
        return s.glob ? iam_wildcard_match(s.value, subject, false) : s.value == subject;
    });
}

}  // namespace

std::string issuer_host_path(std::string_view issuer) {
    if (issuer.starts_with("https://")) {
        issuer.remove_prefix(8);
    }
    while (issuer.ends_with('/')) {
        issuer.remove_suffix(1);
    }
    return std::string(issuer);
}

std::string WebIdentityTrust::describe_subjects() const {
    if (subjects.empty()) {
        return "every ServiceAccount of the cluster, having no sub condition";
    }
    std::vector<std::string> values;
    for (const Subject& subject : subjects) {
        values.push_back(subject.value);
    }
    return fmt::format("{} {}", subjects.size() == 1 ? "the subject" : "the subjects",
                       fmt::join(values, ", "));
}

std::vector<WebIdentityTrust> web_identity_trusts(const IamRole& role) {
    std::vector<WebIdentityTrust> out;
    for (const IamStatement& statement : role.trust.statements) {
        if (!statement.allow || statement.not_principal ||
            !statement_covers_action(statement, kWebIdentityAction)) {
            continue;
        }
        for (const std::string& provider : statement.principals.federated) {
            WebIdentityTrust trust;
            trust.issuer = provider_issuer(provider);
            if (trust.issuer.empty()) {
                continue;  // a SAML provider, or a web identity provider other than an OIDC one
            }
            trust.statement = &statement;
            read_conditions(statement, trust);
            out.push_back(std::move(trust));
        }
    }
    return out;
}

WorkloadTrustDecision web_identity_trust(const IamRole& role, std::string_view issuer,
                                         std::string_view subject) {
    const std::string wanted = issuer_host_path(issuer);
    // An explicit Deny for this action wins (without a condition) or makes it conditional.
    for (const IamStatement& statement : role.trust.statements) {
        const bool names_issuer =
            statement.principals.everyone ||
            std::any_of(
                statement.principals.federated.begin(), statement.principals.federated.end(),
                [&](const std::string& provider) { return equal_fold(provider_issuer(provider), wanted); });
        if (!statement.allow && !statement.not_principal && names_issuer &&
            statement_covers_action(statement, kWebIdentityAction)) {
            return {statement.condition.empty() ? IamEffect::kDeny : IamEffect::kConditional,
                    fmt::format("a Deny statement of {}'s trust covers sts:AssumeRoleWithWebIdentity",
                                role.name)};
        }
    }
    WorkloadTrustDecision best;
    best.why =
        fmt::format("the trust of {} admits no web identity from {} for {}", role.arn, wanted, subject);
    for (const WebIdentityTrust& trust : web_identity_trusts(role)) {
        if (!equal_fold(trust.issuer, wanted) || !subject_matches(trust, subject)) {
            continue;
        }
        if (!trust.conditional) {
            return {IamEffect::kAllow, fmt::format("the trust of {} admits web identities of {} for {}",
                                                   role.arn, wanted, trust.describe_subjects())};
        }
        best = {IamEffect::kConditional, fmt::format("the trust of {} admits {} from {} if {}", role.arn,
                                                     subject, wanted, fmt::join(trust.conditions, " and "))};
    }
    return best;
}

WorkloadTrustDecision pod_identity_trust(const IamRole& role) {
    // UG pod-id-role: the trust must allow pods.eks.amazonaws.com both sts:AssumeRole and sts:TagSession.
    bool assume = false;
    bool tag = false;
    bool conditional = false;
    for (const IamStatement& statement : role.trust.statements) {
        const bool names_service =
            statement.principals.everyone ||
            std::any_of(statement.principals.service.begin(), statement.principals.service.end(),
                        [](const std::string& value) { return equal_fold(value, kPodIdentityService); });
        if (!names_service || statement.not_principal) {
            continue;
        }
        const bool covers_assume = statement_covers_action(statement, "sts:AssumeRole");
        const bool covers_tag = statement_covers_action(statement, "sts:TagSession");
        if (!statement.allow && (covers_assume || covers_tag)) {
            return {statement.condition.empty() ? IamEffect::kDeny : IamEffect::kConditional,
                    fmt::format("a Deny statement of {}'s trust covers {}", role.arn, kPodIdentityService)};
        }
        if (statement.allow) {
            assume = assume || covers_assume;
            tag = tag || covers_tag;
            conditional = conditional || ((covers_assume || covers_tag) && !statement.condition.empty());
        }
    }
    if (!assume || !tag) {
        return {IamEffect::kImplicitDeny,
                fmt::format("the trust of {} does not allow {} {}", role.arn, kPodIdentityService,
                            !assume ? "sts:AssumeRole" : "sts:TagSession")};
    }
    if (conditional) {
        return {IamEffect::kConditional,
                fmt::format("the trust of {} admits {} under a condition (session tags)", role.arn,
                            kPodIdentityService)};
    }
    return {IamEffect::kAllow, fmt::format("the trust of {} admits {}", role.arn, kPodIdentityService)};
}

}  // namespace rbacgraph
