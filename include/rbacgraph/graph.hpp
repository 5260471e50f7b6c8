#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "rbacgraph/model.hpp"

namespace rbacgraph {

class BuiltinPolicy;
class GrantTable;

using Symbol = std::uint32_t;
inline constexpr Symbol kNoSymbol = UINT32_MAX;

/// Interns strings so that rule matching compares integers.
class SymbolTable {
  public:
    Symbol intern(std::string_view text);
    /// kNoSymbol when the text was never interned (and so equals no rule entry).
    Symbol find(std::string_view text) const;
    std::string_view name(Symbol symbol) const { return names_[symbol]; }
    /// How many strings are interned (symbols are 0 .. size() - 1).
    Symbol size() const { return static_cast<Symbol>(names_.size()); }

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_map<std::string, Symbol, Hash, std::equal_to<>> ids_;
    std::vector<std::string> names_;
};

/// A PolicyRule prepared for matching: '*' entries become flags, strings become symbols. The symbol lists
/// view their RuleSet's one block of symbols, so that matching a rule set reads a few neighbouring cache
/// lines instead of a heap block per list (at 1M objects, matching was mostly waiting for memory:
/// performance.md).
struct CompiledRule {
    bool any_verb = false;
    bool any_group = false;
    bool any_resource = false;
    bool any_url = false;
    std::span<const Symbol> verbs;
    std::span<const Symbol> api_groups;
    std::span<const Symbol> resources;          ///< "pods", "pods/exec"
    std::span<const Symbol> star_subresources;  ///< X of "*/X"
    std::span<const Symbol> resource_names;
    /// What few rules have: groups by suffix, non-resource URLs. Null when the rule has none of them.
    struct Rare {
        std::vector<std::string> api_group_suffixes;  ///< groups ending in one of these
        std::vector<std::string> url_exact;
        std::vector<std::string>
            url_prefixes;  ///< entries that ended in '*', with every trailing '*' removed
    };
    std::unique_ptr<const Rare> rare;
};

/// How much of what a rule set grants is known.
enum class RuleCoverage : std::uint8_t {
    kExact,       ///< the rules are the whole grant
    kLowerBound,  ///< the rules are granted; whatever else it covers is undetermined (AWS describes it in
                  ///< prose)
    kUnknown,     ///< nothing is known: every request in its scope is undetermined
};

/// An EKS access policy with its rules as AWS publishes them.
struct AccessPolicyDefinition {
    std::string name;
    std::vector<PolicyRule> rules;
    RuleCoverage coverage = RuleCoverage::kExact;
};

/// Every access policy AWS lists, with what it publishes about each (analyzer/graph/access_policies.cpp).
std::span<const AccessPolicyDefinition> access_policy_catalog();

/// Finds a policy by ARN (arn:PARTITION:eks::aws:cluster-access-policy/NAME) or bare name.
const AccessPolicyDefinition* find_access_policy(std::string_view arn_or_name);

/// The rules one grant hands out (a role's effective rules, an access policy's), compiled once per graph.
struct RuleSet {
    const std::vector<PolicyRule>* rules = nullptr;
    std::vector<CompiledRule> compiled;
    /// The symbols the compiled rules view. Its buffer never moves once built (a moved vector keeps it), and
    /// a RuleSet is never copied, which would leave the copy's rules viewing the original's symbols.
    std::vector<Symbol> symbols;
    RuleCoverage coverage = RuleCoverage::kExact;
    /// Some rule allows every verb on every resource of every group, for every name.
    bool grants_everything = false;
    /// The first such rule.
    std::optional<std::uint32_t> everything_rule;
    /// Some rule is limited by resourceNames: only then can the set allow a request for listed names alone.
    bool lists_names = false;

    RuleSet(const std::vector<PolicyRule>& rules, RuleCoverage coverage, SymbolTable& table);
    RuleSet(const RuleSet&) = delete;
    RuleSet& operator=(const RuleSet&) = delete;
    RuleSet(RuleSet&&) noexcept = default;
    RuleSet& operator=(RuleSet&&) noexcept = default;
    ~RuleSet() = default;
};

/// How a role or binding compares with the one Kubernetes creates in every cluster (its definition in the
/// bootstrap policy). Names, labels, annotations and `system:` prefixes decide nothing: they only say which
/// definition to compare with (docs/decisions.md, "Built in means equal to the definition").
enum class BuiltinStatus : std::uint8_t {
    kNone,      ///< no definition has its kind, namespace and name: ordinary RBAC, whatever it is called
    kBuiltin,   ///< the definition itself (the export lacked it), or an object granting no more than it
    kModified,  ///< named like a definition but grants more: extra rules, selectors, subjects, another role
};

/// What a modified built-in object adds over its definition (indexes into the object's own lists).
struct BuiltinDifference {
    std::vector<std::uint32_t> rules;  ///< rules (of an aggregated role: stored rules) beyond the definition
    std::vector<std::uint32_t> selectors;  ///< aggregationRule selectors the definition lacks
    std::vector<Subject> subjects;         ///< subjects (as they match) the definition does not name
    bool role_ref = false;                 ///< the binding names another role than the definition
    std::string definition_role;           ///< with role_ref: the role the definition binds ("ClusterRole x")
    /// A role's effective rules beyond the definition's, one (verb, group, resource, name) or (verb, URL)
    /// each: what judging the addition should look at (a rule may add only a corner of what it lists).
    std::vector<PolicyRule> grants;
};

/// A role with its effective rules (after aggregation).
struct RoleNode {
    const Role* role = nullptr;
    /// The effective rules of an aggregated ClusterRole; other roles' rules are their own, not copied.
    std::optional<std::vector<PolicyRule>> aggregated;
    std::uint32_t rule_set = 0;  ///< index into Graph::rule_sets()
    BuiltinStatus status = BuiltinStatus::kNone;

    const std::vector<PolicyRule>& rules() const { return aggregated ? *aggregated : role->rules; }
};

/// A binding with its role resolved (nullopt: the role does not exist, so it grants nothing).
struct BindingNode {
    const Binding* binding = nullptr;
    std::optional<std::uint32_t> role;
    Symbol ns = kNoSymbol;
    BuiltinStatus status = BuiltinStatus::kNone;
    /// Kubernetes creates it: equal to its definition, and its role too (a definition's binding to a
    /// modified role hands out the modification).
    bool builtin = false;
};

/// One associated access policy of an access entry, resolved to its rules.
struct AccessPolicyGrant {
    const AccessPolicyAssociation* association = nullptr;
    const AccessPolicyDefinition* definition = nullptr;  ///< nullptr: a policy AWS does not list
    std::uint32_t rule_set = 0;

    /// The policy's name, or its ARN when rbacgraph does not know it.
    std::string_view name() const;
};

/// What hands out a grant: a binding, or an access policy associated with an access entry.
enum class GrantSource : std::uint8_t { kBinding, kAccessPolicy };

/// Who holds a grant: a subject of a binding, or the principal of an access entry.
enum class HolderKind : std::uint8_t { kUser, kGroup, kServiceAccount, kPrincipal };

/// Where a grant applies.
enum class GrantScope : std::uint8_t {
    kCluster,            ///< every request (ClusterRoleBinding, access policy at cluster scope)
    kNamespace,          ///< namespaced requests in one namespace (RoleBinding)
    kNamespacePatterns,  ///< namespaced requests in namespaces matching the association's scope
};

/// How far an anonymous request (User system:anonymous, Group system:unauthenticated) gets. Upstream, and on
/// self-managed clusters, every one reaches the authorizers (kube-apiserver --anonymous-auth defaults to
/// true); on EKS from 1.32 only /healthz, /livez and /readyz are authenticated anonymously and every other
/// anonymous request gets 401 before authorization (eks-iam.md 12, E4: the API server's
/// AuthenticationConfiguration anonymous.conditions).
struct AnonymousReach {
    enum class Extent {
        kEveryRequest,     ///< not EKS (no cluster description in the input), or EKS before 1.32
        kHealthEndpoints,  ///< EKS 1.32 or later
        kUnknown,          ///< EKS, version unknown: both readings
    };
    Extent extent = Extent::kEveryRequest;
    std::string reason;  ///< for kHealthEndpoints and kUnknown: what the answer rests on
};

struct Request;
/// A request EKS 1.32+ authenticates anonymously: a non-resource request for exactly /healthz, /livez or
/// /readyz (the conditions match the path whole: /healthz/etcd is refused).
bool is_anonymous_health_request(const Request& request);
/// Whether a nonResourceURLs pattern ("/healthz", "/live*", "*") covers one of those paths.
bool covers_anonymous_health_path(std::string_view pattern);
/// The name every anonymous request carries: User system:anonymous, Group system:unauthenticated.
bool is_anonymous_name(HolderKind kind, std::string_view name);
/// A binding subject that carries one of them: a User or Group of that name (a ServiceAccount never does).
bool is_anonymous_subject(const Subject& subject);

struct GraphOptions {
    std::string creator_arn;  ///< the cluster creator, which the EKS API does not reveal
    /// Where the creator ARN was given, for explanations (the CLI names its option).
    SourceLocation creator_origin = SourceLocation::setting("the creator setting");
    /// Add the objects every cluster has (the Kubernetes bootstrap policy) where the export lacks them.
    bool builtin_objects = true;
    /// The cluster's Kubernetes version when the export does not say it (or to override what it says).
    std::optional<KubernetesVersion> kubernetes_version{};
};

/// The loaded export with its indexes; built once, then only read.
class Graph {
  public:
    explicit Graph(Export source, GraphOptions options = {});
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;
    Graph(Graph&&) noexcept;
    Graph& operator=(Graph&&) noexcept;
    ~Graph();

    /// The export as loaded: never holds what the graph adds.
    const Export& source() const { return *source_; }
    /// What the graph adds to the export: the built-in objects it lacks (Origin::kBuiltin), roles EKS creates
    /// whose rules are unpublished, and the access entries that associations or the creator imply.
    const Export& overlay() const { return *overlay_; }
    const GraphOptions& options() const { return options_; }
    const SymbolTable& symbols() const { return symbols_; }
    const std::vector<RoleNode>& roles() const { return roles_; }
    const std::vector<BindingNode>& bindings() const { return bindings_; }
    const std::vector<AccessPolicyGrant>& access_policy_grants() const { return grants_; }
    const std::vector<RuleSet>& rule_sets() const { return rule_sets_; }

    /// The grant table: every (holder, scope, source, rules) of the cluster, and the one matcher over it.
    /// Rules and queries ask it (rbacgraph/grants.hpp) rather than reading bindings' subjects or rule sets.
    const GrantTable& grants() const;
    /// What a modified built-in role or binding adds over its definition (nullptr unless kModified).
    const BuiltinDifference* role_difference(std::size_t role) const;
    const BuiltinDifference* binding_difference(std::size_t binding) const;
    /// The index in bindings() of a binding of the export or the overlay (throws for any other binding).
    std::size_t binding_index(const Binding& binding) const;
    /// Diagnostics found while building (aggregation differences, unknown policies...).
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

    /// The cluster's authentication mode: describe-cluster's; without one, API_AND_CONFIG_MAP when the input
    /// has access entries or associations (they exist only in the API modes), else kUnknown.
    AuthenticationMode mode() const;
    /// The mode was inferred from access entries: API or API_AND_CONFIG_MAP, which differ on aws-auth.
    bool mode_inferred() const;
    /// The Kubernetes version (the option, else describe-cluster's); nullopt: unknown, and answers that
    /// depend on it name both readings.
    std::optional<KubernetesVersion> kubernetes_version() const;
    /// Which anonymous requests reach authorization at all (eks-iam.md 12, E4).
    AnonymousReach anonymous_reach() const;
    /// The Pod Identity associations of a ServiceAccount ("namespace/name").
    std::vector<const PodIdentityAssociation*> pod_identities_of(std::string_view ns,
                                                                 std::string_view name) const;
    /// Access entries and their policies count only in the API modes.
    bool access_entries_apply() const;
    std::optional<std::uint32_t> find_role(bool cluster_scoped, std::string_view ns,
                                           std::string_view name) const;

    /// aws-auth entries in force: the last entry for each lower-cased ARN (configmap.go saveMap).
    const std::map<std::string, const AwsAuthEntry*>& role_mappings() const { return role_mappings_; }
    const std::map<std::string, const AwsAuthEntry*>& user_mappings() const { return user_mappings_; }
    /// The entry in force for a lower-cased ARN, or nullptr: role_mappings() and user_mappings() looked up by
    /// hash (every ARN a batch names is looked up; an ordered map's walk missed the cache at each level).
    const AwsAuthEntry* role_mapping(std::string_view key) const;
    const AwsAuthEntry* user_mapping(std::string_view key) const;
    /// Access entries by lower-cased match key (users: ARN; roles: ARN without path).
    const std::map<std::string, const AccessEntry*>& access_entries() const { return access_entries_; }
    /// The access entries whose principal is known only after apply, in input order.
    const std::vector<const AccessEntry*>& unknown_principal_entries() const {
        return unknown_principal_entries_;
    }

  private:
    void build_roles();
    void build_bindings();
    void build_mappings();
    void build_access_policies();
    std::uint32_t add_rule_set(const std::vector<PolicyRule>& rules, RuleCoverage coverage);

    void compare_roles_with_builtin(const std::vector<std::vector<std::uint32_t>>& stored_only,
                                    const std::vector<std::size_t>& stored_only_slots);
    void compare_binding_with_builtin(const BuiltinPolicy& policy, bool overlay, BindingNode& node);

    std::unique_ptr<Export> source_;
    std::unique_ptr<Export> overlay_;
    GraphOptions options_;
    SymbolTable symbols_;
    std::vector<RoleNode> roles_;
    /// The role index: open addressing over a power-of-two array, keyed by a hash of (scope, namespace, name)
    /// and checked against the role itself, so a colliding name never resolves (graph.cpp role_hash).
    struct RoleSlot {
        std::uint32_t tag = 0;             ///< the hash's upper half, compared before the role is read
        std::uint32_t role = UINT32_MAX;   ///< index into roles_; UINT32_MAX: empty
        const Role* definition = nullptr;  ///< roles_[role].role, here so a probe reads one array, not two
    };
    std::vector<RoleSlot> role_slots_;
    /// The slot a probe for this hash starts at, and the first slot holding this tag from there (or an empty
    /// one).
    const RoleSlot& first_candidate(std::uint64_t hash) const;
    /// The slot holding the role of this key (its hash given), or the empty slot where it would go.
    std::size_t role_slot(std::uint64_t hash, bool cluster_scoped, std::string_view ns,
                          std::string_view name) const;
    /// Every binding's role (UINT32_MAX: none), looked up several bindings ahead so the misses overlap.
    std::vector<std::uint32_t> resolve_role_refs(const std::vector<const Binding*>& bindings) const;
    void index_role(std::uint32_t role);
    std::vector<BindingNode> bindings_;
    std::vector<AccessPolicyGrant> grants_;
    std::vector<RuleSet> rule_sets_;
    std::unique_ptr<GrantTable> table_;
    std::map<std::string, const AwsAuthEntry*> role_mappings_;
    std::map<std::string, const AwsAuthEntry*> user_mappings_;
    /// The two maps again, by hash; the keys view the maps' own keys (map nodes never move).
    std::unordered_map<std::string_view, const AwsAuthEntry*> role_mapping_index_;
    std::unordered_map<std::string_view, const AwsAuthEntry*> user_mapping_index_;
    std::map<std::string, const AccessEntry*> access_entries_;
    std::vector<const AccessEntry*> unknown_principal_entries_;
    std::unordered_map<std::uint32_t, BuiltinDifference> role_differences_;
    std::unordered_map<std::uint32_t, BuiltinDifference> binding_differences_;
    std::vector<Diagnostic> diagnostics_;
};

/// The key an access entry is matched by: users by ARN, roles by ARN without path (lower-cased).
std::string access_entry_key(std::string_view principal_arn);

/// "RoleBinding ns/b -> ClusterRole r", saying "(built in, not in the export)" after a role the export lacks.
std::string describe_binding(const Graph& graph, std::size_t binding);

/// Computes the effective rules of aggregated ClusterRoles (fixed point); reports stored/computed
/// differences. With stored_only, also says per role which stored rules its selectors do not produce.
void resolve_aggregation(const std::vector<const Role*>& cluster_roles,
                         std::vector<std::vector<PolicyRule>>& rules, std::vector<Diagnostic>& diagnostics,
                         std::vector<std::vector<std::uint32_t>>* stored_only = nullptr);

}  // namespace rbacgraph
