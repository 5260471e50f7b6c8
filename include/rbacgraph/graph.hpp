#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "rbacgraph/model.hpp"

namespace rbacgraph {

using Symbol = std::uint32_t;
inline constexpr Symbol kNoSymbol = UINT32_MAX;

/// Interns strings so that rule matching compares integers.
class SymbolTable {
  public:
    Symbol intern(std::string_view text);
    /// kNoSymbol when the text was never interned (and so equals no rule entry).
    Symbol find(std::string_view text) const;
    std::string_view name(Symbol symbol) const { return names_[symbol]; }

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_map<std::string, Symbol, Hash, std::equal_to<>> ids_;
    std::vector<std::string> names_;
};

/// A PolicyRule prepared for matching: '*' entries become flags, strings become symbols.
struct CompiledRule {
    bool any_verb = false;
    bool any_group = false;
    bool any_resource = false;
    bool any_url = false;
    std::vector<Symbol> verbs;
    std::vector<Symbol> api_groups;
    std::vector<Symbol> resources;          ///< "pods", "pods/exec"
    std::vector<Symbol> star_subresources;  ///< X of "*/X"
    std::vector<Symbol> resource_names;
    std::vector<std::string> url_exact;
    std::vector<std::string> url_prefixes;  ///< entries that ended in '*', with every trailing '*' removed

    static CompiledRule compile(const PolicyRule& rule, SymbolTable& symbols);
};

/// An EKS access policy with its rules as the EKS user guide tabulates them.
struct AccessPolicyDefinition {
    std::string name;
    std::vector<PolicyRule> rules;
    bool opaque = false;  ///< AWS publishes no rule table; never treated as allow or deny
};

/// Finds a policy by ARN (arn:PARTITION:eks::aws:cluster-access-policy/NAME) or bare name.
const AccessPolicyDefinition* find_access_policy(std::string_view arn_or_name);

/// A role with its effective rules (after aggregation) compiled.
struct RoleNode {
    const Role* role = nullptr;
    /// The effective rules of an aggregated ClusterRole; other roles' rules are their own, not copied.
    std::optional<std::vector<PolicyRule>> aggregated;
    std::vector<CompiledRule> compiled;

    const std::vector<PolicyRule>& rules() const { return aggregated ? *aggregated : role->rules; }
};

/// A binding with its role resolved (role == -1: dangling, grants nothing).
struct BindingNode {
    const Binding* binding = nullptr;
    int role = -1;
    Symbol ns = kNoSymbol;
};

/// One associated access policy of an access entry, resolved to its rules.
struct AccessPolicyGrant {
    const AccessPolicyAssociation* association = nullptr;
    const AccessPolicyDefinition* definition = nullptr;  ///< nullptr: a policy AWS does not list
    std::vector<CompiledRule> compiled;
};

/// Where a subject of a binding points: the binding and the subject's index in it.
struct SubjectRef {
    std::uint32_t binding = 0;
    std::uint32_t subject = 0;
};

struct GraphOptions {
    std::string creator_arn;  ///< --creator: the cluster creator, which the EKS API does not reveal
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

    const Export& source() const { return *source_; }
    const GraphOptions& options() const { return options_; }
    const SymbolTable& symbols() const { return symbols_; }
    const std::vector<RoleNode>& roles() const { return roles_; }
    const std::vector<BindingNode>& bindings() const { return bindings_; }
    const std::vector<AccessPolicyGrant>& access_policy_grants() const { return grants_; }
    /// Diagnostics found while building (aggregation differences, unknown policies...).
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

    AuthenticationMode mode() const;
    /// -1 when absent.
    int find_role(bool cluster_scoped, std::string_view ns, std::string_view name) const;

    const std::map<std::string, std::vector<SubjectRef>>& user_subjects() const { return user_subjects_; }
    const std::map<std::string, std::vector<SubjectRef>>& group_subjects() const { return group_subjects_; }
    /// Keyed by "namespace/name"; RoleBinding subjects without a namespace take the binding's.
    const std::map<std::string, std::vector<SubjectRef>>& service_account_subjects() const {
        return sa_subjects_;
    }

    /// aws-auth entries in force: the last entry for each lower-cased ARN (configmap.go saveMap).
    const std::map<std::string, const AwsAuthEntry*>& role_mappings() const { return role_mappings_; }
    const std::map<std::string, const AwsAuthEntry*>& user_mappings() const { return user_mappings_; }
    /// Access entries by lower-cased match key (users: ARN; roles: ARN without path).
    const std::map<std::string, const AccessEntry*>& access_entries() const { return access_entries_; }
    /// The access-policy grants of a principal, matched as access entries are (a role's path is irrelevant).
    std::vector<const AccessPolicyGrant*> grants_for(std::string_view principal_arn) const;

  private:
    void build_roles();
    void build_bindings();
    void build_mappings();
    void build_access_policies();

    std::unique_ptr<Export> source_;
    GraphOptions options_;
    SymbolTable symbols_;
    std::vector<RoleNode> roles_;
    std::map<std::tuple<bool, std::string, std::string>, int> role_index_;
    std::vector<BindingNode> bindings_;
    std::vector<AccessPolicyGrant> grants_;
    std::map<std::string, std::vector<std::size_t>> grants_by_principal_;
    std::map<std::string, std::vector<SubjectRef>> user_subjects_;
    std::map<std::string, std::vector<SubjectRef>> group_subjects_;
    std::map<std::string, std::vector<SubjectRef>> sa_subjects_;
    std::map<std::string, const AwsAuthEntry*> role_mappings_;
    std::map<std::string, const AwsAuthEntry*> user_mappings_;
    std::map<std::string, const AccessEntry*> access_entries_;
    std::vector<Diagnostic> diagnostics_;
};

/// The key an access entry is matched by: users by ARN, roles by ARN without path (lower-cased).
std::string access_entry_key(std::string_view principal_arn);

/// Computes the effective rules of aggregated ClusterRoles (fixed point); reports stored/computed
/// differences.
void resolve_aggregation(const std::vector<const Role*>& cluster_roles,
                         std::vector<std::vector<PolicyRule>>& rules, std::vector<Diagnostic>& diagnostics);

}  // namespace rbacgraph
