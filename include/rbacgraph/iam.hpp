#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rbacgraph/model.hpp"

namespace rbacgraph {

/// IAM wildcards: '*' matches any run of characters, '?' exactly one. Action names compare without case
/// (ignore_case), resource ARNs with case.
bool iam_wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case);

/// True when some string that starts with `prefix` matches the pattern ("may this Resource cover an object
/// whose ARN we only know the start of?").
bool iam_pattern_admits_prefix(std::string_view pattern, std::string_view prefix);

/// The outcome of evaluating policies for one action on one resource.
enum class IamEffect {
    kImplicitDeny,  ///< no statement allows it
    kAllow,
    kDeny,         ///< an explicit Deny applies
    kConditional,  ///< the answer hinges on a Condition, which is not evaluated offline
};

std::string_view to_string(IamEffect effect);

/// Does the statement's Action (or NotAction) cover the action? Names compare without case ("iam:passrole").
bool statement_covers_action(const IamStatement& statement, std::string_view action);

/// The resource of a request: one ARN, or (prefix) any resource whose ARN starts with it.
struct IamResource {
    std::string arn;
    bool prefix = false;
};

/// A policy document with the name it is known by in messages ("inline policy x of user y", a managed ARN).
struct NamedPolicy {
    std::string name;
    const IamPolicyDocument* document = nullptr;
};

/// The decision and the statement that made it (the Deny, else the first Allow; null for an implicit deny).
struct IamDecision {
    IamEffect effect = IamEffect::kImplicitDeny;
    const IamStatement* statement = nullptr;
    std::string policy;
};

/// What a request says of its caller, for policy variables: lower-cased key ("aws:username") to value. A
/// variable with no value here makes a statement that uses it conditional.
using PolicyVariables = std::map<std::string, std::string, std::less<>>;

/// IAM policy evaluation over identity policies (docs/iam.md): an explicit Deny wins, then an Allow; a
/// statement with a Condition, or a policy variable whose value is unknown, makes the answer conditional,
/// never allowed or denied.
IamDecision evaluate_policies(std::span<const NamedPolicy> policies, std::string_view action,
                              const IamResource& resource, const PolicyVariables* variables = nullptr);

/// One IAM user or role of the dumps with the policies that apply to it.
struct IamPrincipal {
    enum class Kind { kUser, kRole };
    Kind kind = Kind::kUser;
    std::string arn;
    std::string partition;
    std::string account;
    std::string name;
    std::string path;
    const IamUser* user = nullptr;
    const IamRole* role = nullptr;
    std::vector<NamedPolicy> policies;  ///< inline, attached, and (users) those of their groups
    std::optional<NamedPolicy> boundary;
    /// Attached policies, groups or a boundary the dumps do not contain (warned about, then ignored).
    std::vector<std::string> unknown;
    SourceLocation location;
    /// The policy variables its requests carry that the dump tells (IAM User Guide, policy variables).
    PolicyVariables variables{};

    std::string display() const;  ///< "IAM user alice", "IAM role dev"
};

/// Who asks: a principal of the dumps, or any principal ARN (whose policies are then unknown).
struct IamCaller {
    std::optional<std::size_t> principal;  ///< index into IamIndex::principals()
    std::string arn;                       ///< user or role ARN (a session's role)
    std::string account;
    bool role = false;
    std::string role_name;  ///< for sessions of a role
    /// One session of the role, when asked about it (a session cannot rename itself); none: any session.
    std::optional<std::string> session;
    bool root = false;  ///< the account root user, which cannot assume roles
};

/// One sts:AssumeRole hop: from a caller to a role, and why it is allowed.
struct AssumeStep {
    std::size_t role = 0;  ///< into principals()
    IamEffect effect = IamEffect::kAllow;
    const IamStatement* trust = nullptr;  ///< the trust statement that admits the caller
    IamDecision identity;                 ///< the caller's own policies (when they had to allow it)
    std::string why;                      ///< "trust names the user", "trust delegates to account 1111..."
};

/// A role reached from a caller: the roles assumed in turn (the last is the one reached). IamIndex::explain
/// gives each hop's reasons; routes stay small because who-can and the rules hold one per principal and role.
struct IamRoute {
    std::vector<std::uint32_t> roles;  ///< into IamIndex::principals()
    bool conditional = false;          ///< some hop hinges on a condition

    std::size_t role() const { return roles.back(); }
};

/// A direct sts:AssumeRole hop, as the reachability search keeps it.
struct AssumeEdge {
    std::uint32_t role = 0;
    bool conditional = false;
};

/// The IAM side of the estate: every user, group, role and managed policy of the dumps, indexed once.
class IamIndex {
  public:
    IamIndex(const std::vector<IamAccountDetails>& dumps, std::vector<Diagnostic>& diagnostics);
    ~IamIndex();
    IamIndex(const IamIndex&) = delete;
    IamIndex& operator=(const IamIndex&) = delete;

    const std::vector<IamPrincipal>& principals() const { return principals_; }
    bool empty() const { return principals_.empty(); }
    /// A user or role by ARN (case-insensitive); an assumed-role session ARN finds its role by name.
    std::optional<std::size_t> find(std::string_view arn) const;
    /// The caller a principal ARN stands for (known or not).
    IamCaller caller(std::string_view arn) const;
    IamCaller caller(std::size_t principal) const;

    /// The caller's identity policies (bounded by its permissions boundary) for an action on a resource.
    IamDecision identity_decision(std::size_t principal, std::string_view action,
                                  const IamResource& resource) const;
    /// Allowed an action no policy names, on every resource: "Action": "*" on "*" (the AdministratorAccess
    /// shape).
    bool administrator(std::size_t principal) const;
    /// Can the caller call sts:AssumeRole on the role (docs/iam.md, "AssumeRole")? nullopt when not. Without
    /// explain, the step's text is left empty (the reachability search needs only the effect).
    std::optional<AssumeStep> can_assume(const IamCaller& caller, std::size_t role,
                                         bool explain = true) const;
    /// Can the caller pass session tags when it assumes the role (sts:TagSession, allowed by the role's trust
    /// and, where sts:AssumeRole needs them, the caller's own policies)? nullopt when not.
    std::optional<AssumeStep> can_tag_session(const IamCaller& caller, std::size_t role) const;
    /// Every role the caller reaches by assuming roles, transitively, each by its shortest path (an
    /// unconditional path preferred over a conditional one).
    std::vector<IamRoute> routes_from(const IamCaller& caller) const;
    /// The hops of a route with their reasons (trust statement, identity decision, text).
    std::vector<AssumeStep> explain(const IamCaller& caller, const IamRoute& route) const;
    /// The roles a principal of the dumps assumes directly; computed once per principal, on first use, from
    /// any thread.
    const std::vector<AssumeEdge>& edges_from(std::size_t principal) const;
    /// Roles whose trust admits a service principal (e.g. "eks.amazonaws.com"), with the statement.
    std::vector<std::pair<std::size_t, const IamStatement*>> roles_trusting_service(
        std::string_view service) const;

  private:
    /// The trust evaluation behind can_assume and can_tag_session, for one sts: action.
    std::optional<AssumeStep> trust_allows(const IamCaller& caller, std::size_t role, std::string_view action,
                                           bool explain) const;
    std::vector<std::size_t> candidate_roles(const IamCaller& caller) const;
    std::vector<AssumeEdge> direct_edges(const IamCaller& caller) const;
    void warn_unknown(std::vector<Diagnostic>& diagnostics) const;

    struct EdgeCache;
    std::unique_ptr<EdgeCache> edge_cache_;

    std::vector<IamPrincipal> principals_;
    std::unordered_map<std::string, std::size_t> by_arn_;                    ///< lower-cased user/role ARN
    std::unordered_map<std::string, std::size_t> role_by_name_;              ///< "account/lower-cased name"
    std::unordered_map<std::string, std::vector<std::size_t>> trusted_arn_;  ///< lower-cased ARN
    std::unordered_map<std::string, std::vector<std::size_t>> trusted_account_;  ///< account id
    std::vector<std::size_t> trusted_everyone_;
};

}  // namespace rbacgraph

namespace rbacgraph {

/// One way a role's trust admits a workload's web-identity token (IRSA): the OIDC provider it names and the
/// ServiceAccounts ("system:serviceaccount:NS:NAME" patterns) its sub condition allows.
struct WebIdentityTrust {
    std::string issuer;  ///< the provider's issuer, without https:// ("oidc.eks.REGION.amazonaws.com/id/X")
    struct Subject {
        std::string value;
        bool glob = false;  ///< StringLike: '*' and '?' match
    };
    std::vector<Subject> subjects;  ///< empty: no sub condition, so every token the issuer signs
    /// An aud other than sts.amazonaws.com, another condition key or operator: the answer hinges on it.
    bool conditional = false;
    std::vector<std::string> conditions;  ///< what made it conditional, for messages
    const IamStatement* statement = nullptr;

    /// "every ServiceAccount of the cluster", "ServiceAccounts matching system:serviceaccount:ci:*", ...
    std::string describe_subjects() const;
};

/// The Allow statements of a role's trust that admit sts:AssumeRoleWithWebIdentity from an OIDC provider (UG
/// IRSA trust; eks-iam.md 9.7).
std::vector<WebIdentityTrust> web_identity_trusts(const IamRole& role);

/// Does the role trust a token of this issuer ("https://oidc.eks...") for this subject
/// ("system:serviceaccount:NS:NAME")? kAllow, kConditional, kDeny (a Deny statement) or kImplicitDeny, and
/// why.
struct WorkloadTrustDecision {
    IamEffect effect = IamEffect::kImplicitDeny;
    std::string why;
};
WorkloadTrustDecision web_identity_trust(const IamRole& role, std::string_view issuer,
                                         std::string_view subject);

/// Does the role trust EKS Pod Identity (service principal pods.eks.amazonaws.com, actions sts:AssumeRole and
/// sts:TagSession; UG pod-id-role)? Conditions (on session tags) make it conditional.
WorkloadTrustDecision pod_identity_trust(const IamRole& role);

/// "oidc.eks.eu-west-1.amazonaws.com/id/ABC" from "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/".
std::string issuer_host_path(std::string_view issuer);

}  // namespace rbacgraph
