#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/arn.hpp"
#include "rbacgraph/graph.hpp"
#include "rbacgraph/username_template.hpp"

namespace rbacgraph {

/// Which mechanism turned an ARN into a Kubernetes identity.
enum class IdentitySource {
    kNone,
    kCreator,
    kAccessEntry,
    kMapRoles,
    kMapUsers,
    kMapAccounts,
    kKubernetes,
    kOidc
};

std::string_view to_string(IdentitySource source);

/// The Kubernetes identity an IAM ARN (or a given user) authenticates as, and why.
struct Identity {
    bool authenticated = false;
    std::string arn;            ///< as asked
    std::string canonical_arn;  ///< what aws-auth is matched against
    IdentitySource source = IdentitySource::kNone;
    SourceLocation source_location;
    std::string source_detail;  ///< e.g. "mapRoles entry for arn:..."
    IdentityValue username;
    std::vector<IdentityValue> groups;  ///< includes system:authenticated
    /// The access entry that authenticated it: the policies associated with that entry apply, and only then.
    const AccessEntry* access_entry = nullptr;
    std::vector<std::string> notes;  ///< what a reader must know (session names, unknowable values)
    /// Why the username or groups cannot be known offline (every answer RBAC could give is then
    /// undetermined).
    std::vector<std::string> undetermined;
    std::string denial;  ///< why it does not authenticate
    /// Access entries whose principal is known only after apply and may be this one (a principal has one
    /// entry at most, so only for an ARN no known entry authenticates): what they grant may apply.
    std::vector<const AccessEntry*> may_be;

    bool is_masters() const;
};

/// Resolves an IAM/STS ARN through the creator, access entries, aws-auth and mapAccounts, honouring the
/// cluster's authentication mode. A bare role ARN stands for every session of that role.
Identity resolve_arn(const Graph& graph, std::string_view arn);

/// The identity of an access entry whose principal is known only after apply: its groups and policies as
/// written, a username derived from an ARN not known yet unless the entry gives one.
Identity unknown_principal_identity(const AccessEntry& entry);

/// Whether an aws-auth entry is the one its principal's callers resolve to, and if not, why.
struct AwsAuthEntryStatus {
    enum class State {
        kInForce,      ///< callers of its ARN resolve to it
        kShadowed,     ///< API mode, or an access entry for the same principal wins
        kUnmatchable,  ///< no caller can ever resolve to it (malformed, assumed-role, path, impossible name)
    };
    State state = State::kInForce;
    std::string reason;  ///< why it is not in force ("" when it is)
    /// What would put it in force ("deleting that access entry", "removing the path ..."); "" when nothing
    /// would (API mode, an impossible name).
    std::string revival;
};

/// The status of one aws-auth entry in the cluster's mode, against its access entries and other entries.
AwsAuthEntryStatus aws_auth_entry_status(const Graph& graph, const AwsAuthEntry& entry);

/// NS and NAME of "system:serviceaccount:NS:NAME", split at the first ':' as appliesToUser's comparison
/// implies; nullopt for other usernames.
std::optional<std::pair<std::string, std::string>> split_service_account_username(std::string_view username);

/// The access-entry types EKS documents (STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2, HYBRID_LINUX,
/// HYPERPOD_LINUX; botocore eks service-2.json CreateAccessEntryRequest.type).
bool is_documented_entry_type(std::string_view type);

/// A Kubernetes user with groups (system:authenticated is added, as the API server does).
Identity kubernetes_identity(std::string user, std::vector<std::string> groups);

/// A user of an OIDC identity provider, as its token's claims give it: the provider's name (empty: the
/// cluster's only one), the username claim's value (nullopt: any user of the provider) and the groups claim's
/// values.
struct OidcAsk {
    std::string provider;
    std::optional<std::string> user;
    std::vector<std::string> groups;
};

/// The Kubernetes identity the API server's OIDC authenticator gives such a token: the username claim (sub by
/// default) behind usernamePrefix (issuer URL and '#' when none is given and the claim is not email; none
/// with "-"), and each group behind groupsPrefix (EKS API reference OidcIdentityProviderConfigRequest).
/// Not authenticated, with the reason, when the cluster has no such provider.
Identity oidc_identity(const Graph& graph, const OidcAsk& ask);

/// The username or group name a provider gives a claim value (the prefix rules above); `group` picks which.
std::string oidc_name(const OidcIdentityProvider& provider, std::string_view claim_value, bool group);

/// The OIDC identity provider claim values that give the Kubernetes User or Group `name`, one line each
/// ("corp-sso group 'admins'"); a provider without a prefix gives every name.
std::vector<std::string> oidc_origins(const std::vector<OidcIdentityProvider>& providers,
                                      std::string_view kind, std::string_view name);

/// One identity every mapping of the export can produce: aws-auth entries in force, access entries, the
/// creator, and one "any principal" identity per mapAccounts account.
std::vector<Identity> mapped_identities(const Graph& graph);

}  // namespace rbacgraph
