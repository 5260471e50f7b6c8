#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rbacgraph/api_catalog.hpp"
#include "rbacgraph/diagnostics.hpp"

namespace rbacgraph {

/// One rule of a Role or ClusterRole (rbac.authorization.k8s.io/v1 PolicyRule).
struct PolicyRule {
    std::vector<std::string> verbs;
    std::vector<std::string> api_groups;
    std::vector<std::string> resources;
    std::vector<std::string> resource_names;
    std::vector<std::string> non_resource_urls;
    /// Not a Kubernetes field: API groups named by their suffix (".services.k8s.aws" for every ACK group), as
    /// AWS describes one access policy; never read from input.
    std::vector<std::string> api_group_suffixes;
    SourceLocation location;

    /// Field-wise equality, ignoring the location (the aggregation controller's deep equality).
    bool same_rule(const PolicyRule& other) const;
};

/// A matchExpressions entry of a label selector.
struct LabelRequirement {
    std::string key;
    std::string op;  ///< In, NotIn, Exists, DoesNotExist
    std::vector<std::string> values;
};

/// A metav1.LabelSelector; the empty selector selects everything.
struct LabelSelector {
    std::map<std::string, std::string> match_labels;
    std::vector<LabelRequirement> match_expressions;

    bool matches(const std::map<std::string, std::string>& labels) const;
};

/// A Role (namespaced) or ClusterRole (cluster_scoped).
struct Role {
    bool cluster_scoped = false;
    std::string ns;
    std::string name;
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> annotations;
    std::vector<PolicyRule> rules;
    std::optional<std::vector<LabelSelector>> aggregation;  ///< ClusterRole aggregationRule selectors
    /// false for a role a managed service creates whose rules are not published (answers through it are
    /// undetermined).
    bool rules_published = true;
    SourceLocation location;

    std::string display() const;  ///< "ClusterRole admin" or "Role ns/name"
};

struct RoleRef {
    std::string api_group;
    std::string kind;
    std::string name;
};

struct Subject {
    std::string kind;  ///< User, Group, ServiceAccount (case-sensitive; others never match)
    std::string api_group;
    std::string name;
    std::string ns;

    std::string display() const;  ///< "User alice", "ServiceAccount ns/name"
};

/// A RoleBinding (namespaced) or ClusterRoleBinding (cluster_scoped).
struct Binding {
    bool cluster_scoped = false;
    std::string ns;
    std::string name;
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> annotations;
    RoleRef role_ref;
    std::vector<Subject> subjects;
    SourceLocation location;

    std::string display() const;  ///< "ClusterRoleBinding x" or "RoleBinding ns/x"
};

struct ServiceAccount {
    std::string ns;
    std::string name;
    std::map<std::string, std::string> annotations;
    SourceLocation location;
};

/// A Pod or pod controller, reduced to who its pods run as.
struct Workload {
    std::string
        kind;  ///< Pod, Deployment, DaemonSet, StatefulSet, ReplicaSet, ReplicationController, Job, CronJob
    std::string ns;
    std::string name;
    std::string service_account = "default";  ///< spec.serviceAccountName (or the deprecated serviceAccount)
    /// false when automountServiceAccountToken is false on the pod spec and no projected volume carries a
    /// ServiceAccount token
    bool token_mounted = true;
    bool owned = false;  ///< has ownerReferences: its controller carries the template
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> annotations;
    SourceLocation location;
};

struct Namespace {
    std::string name;
    SourceLocation location;
    std::map<std::string, std::string> labels{};  ///< what namespace label selectors match
};

/// Which data key of aws-auth an entry came from.
enum class AwsAuthSection { kMapRoles, kMapUsers };

/// One mapRoles or mapUsers entry, after the authenticator's own decoding.
struct AwsAuthEntry {
    AwsAuthSection section = AwsAuthSection::kMapRoles;
    std::string arn;  ///< rolearn or userarn as written
    std::string username;
    std::vector<std::string> groups;
    SourceLocation location;
};

struct AwsAuthAccount {
    std::string account;
    SourceLocation location;
};

/// The kube-system/aws-auth ConfigMap.
struct AwsAuth {
    std::vector<AwsAuthEntry> map_roles;
    std::vector<AwsAuthEntry> map_users;
    std::vector<AwsAuthAccount> map_accounts;
    std::map<std::string, std::string> annotations;
    SourceLocation location;
    /// Read from a document without kind or metadata (a pasted data section, a kubectl edit buffer).
    bool edit_buffer = false;
    /// Where the aws-auth this one replaced was (the input held more than one; the last wins).
    std::optional<SourceLocation> replaces;
    /// Entries added to the cluster's aws-auth (eksctl iamIdentityMappings) rather than a whole ConfigMap:
    /// they join the ConfigMap of the input instead of replacing it.
    bool additions = false;
    /// Data keys (mapRoles, mapUsers, mapAccounts) whose value is known only after apply (a Terraform plan):
    /// an ARN they may map is undetermined.
    std::vector<std::string> unknown_keys;
};

/// cluster.accessConfig.authenticationMode; kUnknown behaves as CONFIG_MAP.
enum class AuthenticationMode { kUnknown, kConfigMap, kApiAndConfigMap, kApi };

std::string_view to_string(AuthenticationMode mode);

/// A Kubernetes minor version ("1.35").
struct KubernetesVersion {
    int major = 1;
    int minor = 0;

    /// "1.35", "v1.35.2", "1.35-eks-..."; nullopt when it is not a version.
    static std::optional<KubernetesVersion> parse(std::string_view text);
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy reads the defaulted <=> as a comparison with 0
    auto operator<=>(const KubernetesVersion&) const = default;
    std::string display() const;  ///< "1.35"
};

/// What `aws eks describe-cluster` tells about access.
struct ClusterConfig {
    std::string name;
    std::string arn;
    AuthenticationMode mode = AuthenticationMode::kUnknown;
    std::optional<bool> bootstrap_creator_admin;
    std::optional<KubernetesVersion> version;  ///< cluster.version
    std::string oidc_issuer;                   ///< cluster.identity.oidc.issuer (IRSA)
    std::string role_arn;                      ///< the cluster IAM role
    bool auto_mode = false;                    ///< computeConfig.enabled
    std::string node_role_arn;                 ///< computeConfig.nodeRoleArn
    SourceLocation location;
};

/// An EKS Pod Identity association: pods running as the ServiceAccount receive the IAM role's credentials
/// (aws eks describe-pod-identity-association / list-pod-identity-associations).
struct PodIdentityAssociation {
    std::string ns;
    std::string service_account;
    std::optional<std::string> role_arn;  ///< nullopt: only list-pod-identity-associations named it
    std::string role_unknown;     ///< why role_arn is unknown, when the input says (eksctl creates it)
    std::string target_role_arn;  ///< the role then assumed for cross-account access, if any
    std::string owner_arn;        ///< the EKS add-on that owns it, if any
    bool session_policy = false;  ///< a session policy narrows the role (not evaluated)
    std::string association_arn;
    SourceLocation location;
};

/// An EKS capability (managed Argo CD, ACK, kro): a controller acting in the cluster, and in AWS, as an IAM
/// role (aws eks describe-capability / list-capabilities).
struct EksCapability {
    std::string name;
    std::string type;                     ///< ACK, KRO, ARGOCD
    std::optional<std::string> role_arn;  ///< nullopt: only list-capabilities named it
    std::string argocd_namespace;         ///< ARGOCD: where applications and their Secrets live
    struct RoleMapping {
        std::string role;                     ///< ADMIN, EDITOR, VIEWER
        std::vector<std::string> identities;  ///< "SSO_USER id", "SSO_GROUP id"
    };
    std::vector<RoleMapping> rbac_role_mappings;  ///< ARGOCD: Identity Center users and groups
    SourceLocation location;
};

/// An ACK IAMRoleSelector (services.k8s.aws/v1alpha1, cluster-scoped): for the ACK resources it selects, ACK
/// calls AWS as `role_arn` instead of its own role; with no selector matching, or more than one (a conflict,
/// the resource is not reconciled), the selector's role is not used (eks-iam.md 12, E9; ACK runtime design
/// "Multi-Role Support via IAM Role Selector": selectors and their parts are ANDed).
struct AckRoleSelector {
    std::string name;
    std::string role_arn;  ///< spec.arn
    /// spec.namespaceSelector: absent selects every namespace; names and labelSelector are ANDed.
    bool every_namespace = true;
    std::vector<std::string> namespace_names;  ///< empty: any name (labels decide)
    std::optional<LabelSelector> namespace_labels;
    /// spec.resourceTypeSelector as "<group>" or "<group>/<Kind>"; empty: every ACK resource type.
    std::vector<std::string> resource_types;
    SourceLocation location;
};

/// accessScope of an associated access policy.
struct AccessScope {
    bool cluster_wide = true;
    std::vector<std::string> namespaces;  ///< entries may end in '*' (prefix)
};

/// One associated access policy of one principal.
struct AccessPolicyAssociation {
    /// The ARN, or with principal_unknown a label naming what will give it ("(known after apply: ...)").
    std::string principal_arn;
    /// The principal is known only after apply (a Terraform plan): it may be any principal the change
    /// creates.
    bool principal_unknown = false;
    std::string policy_arn;
    AccessScope scope;
    SourceLocation location;
};

/// An EKS access entry (describe-access-entry), or one known only by ARN (list-access-entries).
struct AccessEntry {
    /// The ARN, or with principal_unknown a label naming what will give it ("(known after apply: ...)").
    std::string principal_arn;
    /// The principal is known only after apply (a Terraform plan): it may be any principal the change
    /// creates.
    bool principal_unknown = false;
    std::string type = "STANDARD";
    std::optional<std::string> username;
    std::vector<std::string> kubernetes_groups;
    bool described = true;  ///< false when only list-access-entries named it
    SourceLocation location;
};

/// An OIDC identity provider associated with an EKS cluster: a second way in besides IAM. Its tokens' claims
/// become a Kubernetes username and groups (EKS API reference OidcIdentityProviderConfig; the API server's
/// OIDC authenticator): aws eks describe-identity-provider-config, eksctl identityProviders, Terraform
/// aws_eks_identity_provider_config, CloudFormation AWS::EKS::IdentityProviderConfig.
struct OidcIdentityProvider {
    std::string name;  ///< identityProviderConfigName
    std::string issuer_url;
    std::string client_id;
    std::string username_claim;                  ///< "" when not given: "sub"
    std::optional<std::string> username_prefix;  ///< nullopt when not given; "-" disables prefixing
    std::string groups_claim;                    ///< "": no groups come from the provider
    std::optional<std::string> groups_prefix;
    std::vector<std::pair<std::string, std::string>> required_claims;
    std::string status;  ///< ACTIVE, CREATING, DELETING (describe only)
    /// Something the input leaves unknown (a Terraform value known after apply, a CloudFormation
    /// expression): the field's name, and the provider's answers are undetermined for it.
    std::vector<std::string> unknown_fields;
    SourceLocation location;
};

/// The principals of an IAM policy statement (trust policies); values may be one string or a list.
struct IamPrincipals {
    bool everyone = false;               ///< "Principal": "*" or {"AWS": "*"}
    std::vector<std::string> aws;        ///< ARNs, account ids, or unique ids of deleted principals
    std::vector<std::string> service;    ///< "eks.amazonaws.com"
    std::vector<std::string> federated;  ///< SAML/OIDC providers
    std::vector<std::string> other;      ///< CanonicalUser and anything else, "TYPE:VALUE"
};

/// One statement of an IAM policy document.
struct IamStatement {
    std::string sid;
    bool allow = true;
    bool not_action = false;
    std::vector<std::string> actions;  ///< Action, or NotAction when not_action
    bool not_resource = false;
    bool has_resource = false;           ///< false in trust policies, which name no Resource
    std::vector<std::string> resources;  ///< Resource, or NotResource when not_resource
    bool has_principal = false;
    bool not_principal = false;
    IamPrincipals principals;  ///< Principal, or NotPrincipal when not_principal
    std::string condition;     ///< the Condition block as compact JSON; empty when there is none
    SourceLocation location;
};

struct IamPolicyDocument {
    std::string version;  ///< "2012-10-17" substitutes policy variables; "2008-10-17" (or none) does not
    std::vector<IamStatement> statements;
    SourceLocation location;
};

/// An inline policy of a user, group or role.
struct IamInlinePolicy {
    std::string name;
    IamPolicyDocument document;
};

struct IamUser {
    std::string arn;
    std::string id;  ///< UserId (AIDA...), the value of ${aws:userid}
    std::string name;
    std::string path;
    std::vector<std::string> groups;  ///< group names (of the same account)
    std::vector<IamInlinePolicy> inline_policies;
    std::vector<std::string> managed_policies;  ///< attached policy ARNs
    std::string boundary;                       ///< permissions boundary policy ARN, if any
    SourceLocation location;
};

struct IamGroup {
    std::string arn;
    std::string name;
    std::vector<IamInlinePolicy> inline_policies;
    std::vector<std::string> managed_policies;
    SourceLocation location;
};

struct IamRole {
    std::string arn;
    std::string id;  ///< RoleId (AROA...)
    std::string name;
    std::string path;
    IamPolicyDocument trust;  ///< AssumeRolePolicyDocument
    std::vector<IamInlinePolicy> inline_policies;
    std::vector<std::string> managed_policies;
    std::string boundary;
    SourceLocation location;
};

/// A managed policy with the text of its default version.
struct IamManagedPolicy {
    std::string arn;
    std::string name;
    std::optional<IamPolicyDocument> document;  ///< nullopt when the dump has no default version
    SourceLocation location;
};

/// One `aws iam get-account-authorization-details` output.
struct IamAccountDetails {
    std::string account;  ///< from the first ARN in it
    std::vector<IamUser> users;
    std::vector<IamGroup> groups;
    std::vector<IamRole> roles;
    std::vector<IamManagedPolicy> policies;
    bool truncated = false;  ///< IsTruncated: a page of a larger dump
    SourceLocation location;
};

/// Counts that say what happened to every document read.
struct LoadSummary {
    std::size_t files = 0;
    std::size_t excluded = 0;  ///< files an exclude glob left out (LoadOptions::exclude)
    std::size_t documents = 0;
    std::size_t used = 0;
    std::size_t rejected = 0;
    std::map<std::string, std::size_t> used_by_kind;
    std::map<std::string, std::size_t> skipped_by_kind;
};

/// Everything loaded from the user's files: the input of the graph.
struct Export {
    std::vector<Role> roles;
    std::vector<Binding> bindings;
    std::vector<ServiceAccount> service_accounts;
    std::vector<Workload> workloads;
    std::vector<Namespace> namespaces;
    std::optional<AwsAuth> aws_auth;
    std::optional<ClusterConfig> cluster;
    std::vector<AccessEntry> access_entries;
    std::vector<AccessPolicyAssociation> access_policies;
    std::vector<PodIdentityAssociation> pod_identity_associations;
    std::vector<EksCapability> capabilities;
    std::vector<AckRoleSelector> ack_role_selectors;
    std::vector<OidcIdentityProvider> oidc_providers;
    std::vector<IamAccountDetails> iam;  ///< IAM dumps (account-wide, not part of one cluster)
    /// Resources the input's CustomResourceDefinitions declare, and groups its APIServices serve from an
    /// extension server: what a request may name beyond the built-in API (api_catalog.hpp).
    std::vector<ApiResource> custom_resources;
    std::vector<std::string> extension_groups;
    std::vector<Diagnostic> diagnostics;
    LoadSummary summary;
};

}  // namespace rbacgraph
