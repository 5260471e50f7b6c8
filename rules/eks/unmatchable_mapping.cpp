#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG105", "unmatchable-mapping", "eks", RiskSeverity::kMedium,
                         "An aws-auth entry that can never match a caller, so it silently grants nothing"};

bool same_place(const SourceLocation& a, const SourceLocation& b) {
    return a.file == b.file && a.line == b.line && a.column == b.column;
}

// Why an entry in force is never the one a caller resolves to; nullopt when it matches.
std::optional<std::string> why_unmatchable(const CheckContext& context, const AwsAuthEntry& entry) {
    const auto parsed = parse_principal_arn(entry.arn);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        return fmt::format("'{}' is not an IAM principal ARN the authenticator accepts ({})", entry.arn,
                           *problem);
    }
    const Principal& principal = std::get<Principal>(parsed);
    if (principal.kind == PrincipalKind::kAssumedRole) {
        return fmt::format(
            "'{}' is an STS assumed-role ARN; the authenticator compares the caller's canonical "
            "role ARN, so map {} instead",
            entry.arn, principal.canonical_arn());
    }
    const Identity identity = resolve_arn(context.graph(), entry.arn);
    if (identity.source == IdentitySource::kAccessEntry ||
        same_place(identity.source_location, entry.location)) {
        return std::nullopt;  // used, or shadowed by an access entry (shadowed-mapping)
    }
    if (principal.kind == PrincipalKind::kRole && principal.path != "/") {
        return fmt::format(
            "role ARN '{}' has the path '{}'; STS session ARNs carry no path, so it never matches: "
            "map {} instead",
            entry.arn, principal.path, principal.session_role_arn());
    }
    return fmt::format("no caller resolves to it: {} resolves {}", entry.arn,
                       identity.authenticated ? "through " + identity.source_detail : "to nothing");
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    if (graph.mode() == AuthenticationMode::kApi) {
        return;  // every aws-auth entry is ignored: shadowed-mapping
    }
    for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
        for (const auto& [key, entry] : *mappings) {
            // A mapUsers entry whose ARN mapRoles also holds loses to it: duplicate-mapping reports that.
            if (mappings == &graph.user_mappings() && graph.role_mappings().contains(key)) {
                continue;
            }
            if (const auto why = why_unmatchable(context, *entry)) {
                out.push_back(context.finding_for(*entry, "this entry never matches: " + *why));
            }
        }
    }
}

}  // namespace

extern const Rule unmatchable_mapping{kInfo, &check};

}  // namespace rbacgraph::rules
