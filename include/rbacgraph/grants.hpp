#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/graph.hpp"

namespace rbacgraph {

/// An authorization request as the API server derives it (resource or non-resource).
struct Request {
    bool non_resource = false;
    std::string verb;
    std::string api_group;  ///< "" is the core group
    std::string resource;
    std::string subresource;
    std::string name;
    std::string ns;    ///< "" = cluster scope or all namespaces
    std::string path;  ///< non-resource URL

    /// "get pods/log name -n ns (group apps)" style text for messages.
    std::string display() const;
};

/// Files a request on a named namespace under that namespace, as the API server's RequestInfo does.
Request normalize_request(Request request);
/// normalize_request without copying a request it leaves as it is: `raw` itself, or the normalized copy, made
/// in `storage`. Asked once per authorization, where copying five strings cost more than matching.
const Request& normalized_view(const Request& raw, std::optional<Request>& storage);

/// Which namespaces a request is asked for.
enum class NamespaceQuery : std::uint8_t {
    kExact,  ///< the request's namespace ("" = cluster scope or all namespaces), as the API server asks
    kAny,    ///< some namespace, whichever: a namespace-scoped grant anywhere counts (the reverse questions)
};

/// Which names a request is asked for, when it names none.
enum class NameQuery : std::uint8_t {
    kExact,        ///< the request's name ("" for list or create), as the API server asks
    kListedNames,  ///< some name: a rule limited to resourceNames counts, for those names
};

/// Which API groups a request is asked for.
enum class GroupQuery : std::uint8_t {
    kExact,   ///< the request's group
    kSuffix,  ///< some group ending in ".<the request's group>" ("services.k8s.aws": any ACK group)
};

/// How a question reads its request where it asks about "some" rather than one: the reverse questions and
/// check's probes ask whether anything of a kind is allowed; the authorizer asks exactly.
struct Ask {
    NamespaceQuery namespaces = NamespaceQuery::kExact;
    NameQuery names = NameQuery::kExact;
    GroupQuery groups = GroupQuery::kExact;
    bool any_resource = false;  ///< some resource of the group (the request's resource is ignored)
};

/// A request with its strings turned into symbols of the graph.
struct CompiledRequest {
    bool non_resource = false;
    bool has_subresource = false;
    NamespaceQuery namespaces = NamespaceQuery::kExact;
    NameQuery names = NameQuery::kExact;
    GroupQuery groups = GroupQuery::kExact;
    bool any_resource = false;
    Symbol verb = kNoSymbol;
    Symbol api_group = kNoSymbol;
    std::string_view api_group_text;  ///< for rules that name groups by suffix, and suffix questions
    Symbol combined = kNoSymbol;      ///< resource or resource/subresource
    Symbol subresource = kNoSymbol;
    Symbol name = kNoSymbol;
    Symbol ns = kNoSymbol;
    bool has_namespace = false;  ///< ns is not "" (a namespaced request)
    std::string_view ns_text;    ///< the namespace as asked (namespace patterns need the text)
    std::string_view path;
    std::vector<Symbol> suffix_groups;  ///< with GroupQuery::kSuffix: the graph's groups of the family
    std::string group_suffix;           ///< with GroupQuery::kSuffix: ".<group>"
};

CompiledRequest compile_request(const SymbolTable& symbols, const Request& request, Ask ask = {});

/// k8s rbac.go RuleAllows over a compiled rule.
bool rule_allows(const CompiledRule& rule, const CompiledRequest& request);

/// Whether any of these rules allows the request, for rules outside a graph (what a modified built-in role
/// adds over its definition): matched as rule_allows matches a role's rules.
bool rules_allow(const std::vector<PolicyRule>& rules, const Request& request);

/// An access-policy scope entry matches a namespace exactly or, ending in '*', by prefix.
bool namespace_in_scope(const AccessScope& scope, std::string_view ns);

/// The three answers a question can have: a security tool never says "no" where the input cannot decide.
enum class Verdict : std::uint8_t { kDenied, kAllowed, kUndetermined };

std::string_view to_string(Verdict verdict);

/// Identifies one grant of a cluster's table (an index: stable for the graph's life).
using GrantId = std::uint32_t;

/// What one grant answers for one request.
struct GrantAnswer {
    Verdict verdict = Verdict::kDenied;
    std::size_t rule = 0;       ///< the allowing rule in the grant's rules (kAllowed)
    std::vector<Symbol> names;  ///< with NameQuery::kListedNames: the only names it allows; empty = any
};

/// A grant that allows a request (or may), with the answer.
struct AllowingGrant {
    GrantId grant = 0;
    GrantAnswer answer;
};

/// One grant of the cluster, as every rule and query sees it: who holds it, where it applies, what hands it
/// out and what it hands out, with the facts decided once when the table was built. Holders are valid by
/// construction: a subject that can match nobody has no grant.
struct Grant {
    GrantId id = 0;
    GrantSource source = GrantSource::kBinding;
    HolderKind holder_kind = HolderKind::kUser;
    std::string_view holder;     ///< user, group or ServiceAccount name, or the principal's ARN
    std::string_view holder_ns;  ///< a ServiceAccount's namespace (resolved as the authorizer does)
    GrantScope scope = GrantScope::kCluster;
    std::string_view ns;                        ///< kNamespace: the RoleBinding's namespace
    const AccessScope* access_scope = nullptr;  ///< an access policy's scope
    std::size_t source_index = 0;               ///< into Graph::bindings() or Graph::access_policy_grants()
    const Binding* binding = nullptr;           ///< kBinding
    const Subject* binding_subject = nullptr;   ///< kBinding: the subject as written
    const Role* role = nullptr;                 ///< kBinding: the role it resolves to
    const AccessPolicyGrant* policy = nullptr;  ///< kAccessPolicy
    const std::vector<PolicyRule>* rules = nullptr;  ///< what it hands out (effective rules)
    RuleCoverage coverage = RuleCoverage::kExact;
    /// It can apply at all: an access policy counts only in the API authentication modes (EKS user guide,
    /// grant-k8s-access). Every matcher of the table applies this gate; so must anyone reading grants.
    bool in_force = true;
    /// Kubernetes' own: its binding and that binding's role equal their bootstrap definitions
    /// (BuiltinStatus).
    bool builtin = false;
    /// The rule that allows every verb on every resource of every group, for every name, if any: with a
    /// cluster scope, what cluster-admin grants.
    std::optional<std::uint32_t> everything;

    /// The subject as the authorizer matches it (a ServiceAccount's namespace resolved); an access entry's
    /// principal as kind "AccessEntry".
    Subject subject() const;
    /// "Group ops", "ServiceAccount ns/name", or the principal's ARN.
    std::string holder_display() const;
    /// Where it applies: empty for cluster-wide, the RoleBinding's namespace, or an access scope's patterns.
    std::vector<std::string> namespaces() const;
    /// Where it is written: the binding's or the association's location.
    const SourceLocation& location() const;
    /// It grants everything at cluster scope (cluster admin), and is in force.
    bool cluster_admin() const { return in_force && scope == GrantScope::kCluster && everything.has_value(); }
};

/// Grant ids of one source, in table order.
struct GrantRange {
    GrantId first = 0;
    GrantId last = 0;  ///< one past the end

    struct Iterator {
        GrantId id;
        GrantId operator*() const { return id; }
        Iterator& operator++() {
            ++id;
            return *this;
        }
        bool operator==(const Iterator&) const = default;
    };
    Iterator begin() const { return {first}; }
    Iterator end() const { return {last}; }
    std::size_t size() const { return last - first; }
    bool empty() const { return first == last; }
};

/// Holders of one kind by name, each with the grants they hold (in table order), read like an ordered map:
/// built once by sorting (name, grant) pairs into two flat arrays rather than by inserting into a tree of
/// strings, which at a million bindings was most of the graph build (performance.md, issue 33).
class HolderIndex {
  public:
    struct Entry {
        std::string name;  ///< user, group, "namespace/name" of a ServiceAccount, or access-entry key
        std::span<const GrantId> grants;  ///< in table order
    };
    using const_iterator = std::vector<Entry>::const_iterator;

    HolderIndex() = default;
    HolderIndex(const HolderIndex&) = delete;  // entries view grants_: a copy would view the original's
    HolderIndex& operator=(const HolderIndex&) = delete;
    HolderIndex(HolderIndex&&) = default;  // a moved vector keeps its buffer, so the views stay valid
    HolderIndex& operator=(HolderIndex&&) = default;

    const_iterator begin() const { return entries_.begin(); }
    const_iterator end() const { return entries_.end(); }
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    /// The holder with exactly this name, or end().
    const_iterator find(std::string_view name) const;
    /// The first holder whose name is not less than `name` (names starting with a prefix follow it).
    const_iterator lower_bound(std::string_view name) const;

  private:
    friend class GrantTable;
    void add(std::string name, GrantId grant) { pending_.emplace_back(std::move(name), grant); }
    void finish();

    std::vector<std::pair<std::string, GrantId>> pending_;  ///< until finish()
    std::vector<Entry> entries_;                            ///< by name
    std::vector<GrantId> grants_;                           ///< every entry's grants, entry after entry
};

/// The grant table: every (holder, scope, source, rules) of one cluster, the one matcher over it, and the
/// questions every rule and query asks of it. Its rows are private: a caller sees Grant values and answers,
/// so no one re-derives "in force", "built in", "is admin" or a scope on their own (issue 27).
class GrantTable {
  public:
    explicit GrantTable(const Graph& graph);
    GrantTable(const GrantTable&) = delete;
    GrantTable& operator=(const GrantTable&) = delete;

    std::size_t size() const { return rows_.size(); }
    /// One grant as a value.
    Grant grant(GrantId id) const;

    /// A binding as a source of grants: the export's bindings, then the overlay's (Graph::overlay()).
    struct BindingSource {
        std::size_t index = 0;
        const Binding* binding = nullptr;
        const Role* role = nullptr;  ///< the role it resolves to; nullptr: missing, so it grants nothing
        BuiltinStatus status = BuiltinStatus::kNone;  ///< the binding's own, against its definition
        bool builtin = false;                         ///< it and its role equal their definitions
        GrantRange grants;  ///< none when the role is missing or no subject can match anybody
    };
    /// An access-policy association as a source of grants.
    struct PolicySource {
        std::size_t index = 0;
        const AccessPolicyGrant* policy = nullptr;
        GrantRange grants;  ///< one
    };
    std::size_t binding_count() const { return binding_starts_.empty() ? 0 : binding_starts_.size() - 1; }
    std::size_t policy_count() const { return policy_starts_.empty() ? 0 : policy_starts_.size() - 1; }
    BindingSource binding_source(std::size_t binding) const;
    PolicySource policy_source(std::size_t association) const;
    /// The grants a binding hands out (none when its role is missing or no subject can match).
    GrantRange of_binding(std::size_t binding) const;
    /// The grant an access-policy association hands out (its principal; one).
    GrantRange of_policy(std::size_t association) const;
    /// Holders by name: users, groups, ServiceAccounts ("namespace/name"), access-entry keys (principals).
    const HolderIndex& holders(HolderKind kind) const;
    /// The grants one holder holds, by exact name (for a principal, its access-entry key).
    std::span<const GrantId> held_by(HolderKind kind, std::string_view name) const;

    /// The one matching function: whether a grant allows a request. It alone knows RoleBinding scope, access
    /// scope, the authentication-mode gate, resourceNames, '*' and '*/x', and rules known only in part.
    GrantAnswer match(GrantId id, const CompiledRequest& request) const;
    /// Every grant that allows the request or may (kUndetermined), in table order, each rule set asked once.
    std::vector<AllowingGrant> allowing(const CompiledRequest& request) const;

    /// Where a grant sits, for the authorizer's index (cheap: no Grant value is built).
    struct Placement {
        GrantSource source = GrantSource::kBinding;
        GrantScope scope = GrantScope::kCluster;
        Symbol ns = kNoSymbol;  ///< kNamespace
        std::size_t source_index = 0;
        std::uint32_t rules = 0;  ///< grants with the same value hand out the same rules (Graph::rule_sets())
        bool in_force = true;     ///< Grant::in_force
    };
    Placement placement(GrantId id) const;
    /// Cheap facts, for loops over every source (no Grant value is built): whether the grant is in force and
    /// allows everything at cluster scope (Grant::cluster_admin).
    bool cluster_admin(GrantId id) const;
    /// Whether a grant's rules are known only in part, and why not ("" for exact rules): an access policy AWS
    /// describes in prose or not at all, a role EKS creates without publishing it.
    std::string coverage_reason(GrantId id) const;

  private:
    friend class Graph;
    friend class ProbeMatcher;

    // 20 bytes: at a million grants the table is read far more than anything else (performance.md).
    struct Row {
        GrantSource source = GrantSource::kBinding;
        HolderKind holder = HolderKind::kUser;
        GrantScope scope = GrantScope::kCluster;
        bool in_force = true;
        bool builtin = false;
        std::uint32_t source_index = 0;  ///< into Graph::bindings() or Graph::access_policy_grants()
        std::uint32_t subject = 0;       ///< the subject's index in the binding (binding rows)
        std::uint32_t rule_set = 0;      ///< into the graph's rule sets
        Symbol ns = kNoSymbol;           ///< the namespace of a kNamespace scope
    };

    /// Adds the grants of the next binding (Graph builds the table in order): one per subject that can match
    /// somebody (rule.go appliesToUser), none when its role is missing.
    void add_binding(const Binding& binding, std::optional<std::uint32_t> rule_set, Symbol ns, bool builtin);
    /// Adds the grant of the next access-policy association, gated by the authentication mode.
    void add_policy(const AccessPolicyAssociation& association, std::uint32_t rule_set, bool in_force);
    void finish();
    bool in_scope(const Row& row, const CompiledRequest& request) const;
    GrantAnswer rule_set_answer(std::uint32_t rule_set, const CompiledRequest& request) const;

    const Graph* graph_;
    std::vector<Row> rows_;
    std::vector<GrantId> binding_starts_;  ///< grants of binding b: [starts[b], starts[b + 1])
    std::vector<GrantId> policy_starts_;
    HolderIndex users_;
    HolderIndex groups_;
    HolderIndex service_accounts_;
    HolderIndex principals_;
};

/// Which of several requests each grant allows, for check's rules, which ask a few requests of every source:
/// every rule set is asked every request in one pass over the rule sets, and a grant is then one look at its
/// rule set's bits instead of one memo per (grant, request) scattered over memory (performance.md, issue 18).
class ProbeMatcher {
  public:
    /// The requests (their views) must outlive the matcher.
    ProbeMatcher(const GrantTable& table, std::vector<CompiledRequest> requests);

    struct Allowed {
        std::size_t request = 0;  ///< index into the requests
        GrantAnswer answer;       ///< kAllowed, with its rule and names
    };
    /// The first request, in the order given, that the grant allows (match: kAllowed), if any.
    std::optional<Allowed> first_allowed(GrantId id) const;

  private:
    const GrantTable* table_;
    std::vector<CompiledRequest> requests_;
    std::size_t words_ = 0;               ///< 64-bit words of bits per rule set
    std::vector<std::uint64_t> allowed_;  ///< per rule set, a bit per request its rules allow
};

}  // namespace rbacgraph
