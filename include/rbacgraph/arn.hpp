#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace rbacgraph {

/// The kinds of IAM identity an STS GetCallerIdentity ARN can name.
enum class PrincipalKind { kUser, kRole, kAssumedRole, kFederatedUser, kRoot };

/// A parsed IAM principal ARN.
struct Principal {
    PrincipalKind kind = PrincipalKind::kUser;
    std::string partition;
    std::string account;
    std::string path;     ///< "/" for none; IAM path of users and roles ("/teams/x/")
    std::string name;     ///< user, role, or federated user name; empty for root
    std::string session;  ///< assumed-role session name
    std::string original;

    /// The authenticator's canonical ARN: an assumed-role session becomes its role.
    std::string canonical_arn() const;
    /// The role ARN without path, i.e. what STS sessions of this role canonicalize to.
    std::string session_role_arn() const;
};

/// Parses an IAM/STS principal ARN the way aws-iam-authenticator's arn.Canonicalize accepts it;
/// returns the reason on failure.
std::variant<Principal, std::string> parse_principal_arn(std::string_view arn);

/// Why no IAM principal can have this ARN although the authenticator parses it: a user or role name with a
/// character IAM names never contain (IAM CreateRole/CreateUser: [\w+=,.@-]+), such as '*' in
/// "role/*"; nullopt for names IAM allows. The authenticator compares ARNs exactly, so such a name is
/// literal.
std::optional<std::string> impossible_principal_name(const Principal& principal);

/// True when the ARN is accepted by parse_principal_arn.
bool is_principal_arn(std::string_view arn);

/// ASCII lower-casing, as used for aws-auth keys.
std::string ascii_lower(std::string_view text);

/// ASCII case-insensitive equality (Go strings.EqualFold for ARNs, which are ASCII).
bool equal_fold(std::string_view a, std::string_view b);

}  // namespace rbacgraph
