#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rbacgraph/graph.hpp"
#include "rbacgraph/identity.hpp"

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

/// A request with its strings turned into symbols of the graph.
struct CompiledRequest {
    bool non_resource = false;
    bool has_subresource = false;
    NamespaceQuery namespaces = NamespaceQuery::kExact;
    NameQuery names = NameQuery::kExact;
    Symbol verb = kNoSymbol;
    Symbol api_group = kNoSymbol;
    std::string_view api_group_text;  ///< for rules that name groups by suffix
    Symbol combined = kNoSymbol;      ///< resource or resource/subresource
    Symbol subresource = kNoSymbol;
    Symbol name = kNoSymbol;
    Symbol ns = kNoSymbol;
    bool has_namespace = false;  ///< ns is not "" (a namespaced request)
    std::string_view ns_text;    ///< the namespace as asked (namespace patterns need the text)
    std::string_view path;
};

CompiledRequest compile_request(const SymbolTable& symbols, const Request& request,
                                NamespaceQuery namespaces = NamespaceQuery::kExact,
                                NameQuery names = NameQuery::kExact);

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

/// What one grant row answers for one request.
struct RowAnswer {
    Verdict verdict = Verdict::kDenied;
    std::size_t rule = 0;       ///< the allowing rule in the row's rule set (kAllowed)
    std::vector<Symbol> names;  ///< with NameQuery::kListedNames: the only names it allows; empty = any
};

/// The one matching function: whether a grant row allows a request. It alone knows RoleBinding scope, access
/// scope, authentication-mode gating, resourceNames, '*' and '*/x', and rule sets that are known only in
/// part.
RowAnswer row_allows(const Graph& graph, const GrantRow& row, const CompiledRequest& request);

/// row_allows for one request over many rows, asking each rule set once.
class RowMatcher {
  public:
    RowMatcher(const Graph& graph, const CompiledRequest& request);
    RowAnswer answer(const GrantRow& row);

  private:
    const Graph* graph_;
    CompiledRequest request_;
    std::vector<std::int32_t> slots_;  ///< per rule set: not asked yet, or where its answer is kept
    std::vector<RowAnswer> answers_;
};

/// Which of several requests each row allows, for check's rules, which ask a few requests of every binding:
/// every rule set is asked every request in one pass over the rule sets, and a row is then one look at its
/// rule set's bits instead of one memo per (row, request) scattered over memory (performance.md, issue 18).
class ProbeMatcher {
  public:
    /// The requests (their views) must outlive the matcher.
    ProbeMatcher(const Graph& graph, std::vector<CompiledRequest> requests);

    struct Allowed {
        std::size_t request = 0;  ///< index into the requests
        RowAnswer answer;         ///< kAllowed, with its rule and names
    };
    /// The first request, in the order given, that the row allows (row_allows: kAllowed), if any.
    std::optional<Allowed> first_allowed(const GrantRow& row) const;

  private:
    const Graph* graph_;
    std::vector<CompiledRequest> requests_;
    std::size_t words_ = 0;               ///< 64-bit words of bits per rule set
    std::vector<std::uint64_t> allowed_;  ///< per rule set, a bit per request its rules allow
};

/// A grant row that allows a request (or may), with the answer.
struct AllowingRow {
    std::uint32_t row = 0;
    RowAnswer answer;
};

/// The reverse question: every row of the table that allows the request or may (RowAnswer kUndetermined), in
/// table order. Each rule set is asked once.
std::vector<AllowingRow> allowing_rows(const Graph& graph, const CompiledRequest& request);

/// A grant row that applies to an identity, through which holder, and for which session name if any.
struct MatchedRow {
    std::uint32_t row = 0;
    std::string witness;        ///< session name (or principal ARN) that makes the holder match
    bool undetermined = false;  ///< the holder matches only if a value not known offline does
    /// With undetermined: the access entry known only after apply whose principal the identity may be.
    const AccessEntry* may_be = nullptr;
};

/// One way a request is allowed (or may be): the chain's last links.
struct Grant {
    std::optional<std::uint32_t> row;  ///< nullopt: the system:masters group, which needs no row
    std::string witness;               ///< session name or principal that made the holder match
    std::size_t rule = 0;              ///< the allowing rule in the row's rule set (certain grants)
    /// Why the grant is not certain; empty for a grant that allows.
    std::string undetermined;
};

enum class GrantKind { kMasters, kAccessPolicy, kClusterRoleBinding, kRoleBinding };

GrantKind grant_kind(const Graph& graph, const Grant& grant);

struct Decision {
    Verdict verdict = Verdict::kDenied;
    std::vector<Grant> grants;        ///< what allows it: the first, or all when asked
    std::vector<Grant> undetermined;  ///< what may allow it, each with its reason
    /// Why the identity itself is not fully known (an access-entry type AWS publishes no identity for).
    std::vector<std::string> reasons;

    bool allowed() const { return verdict == Verdict::kAllowed; }
};

/// Authorizes requests for one identity; the grant rows that apply to it are found once.
class Authorizer {
  public:
    Authorizer(const Graph& graph, Identity identity);

    Decision authorize(const Request& request, bool all_grants = false) const;
    /// For a request without a name: the names it is allowed for through grants that certainly apply, where a
    /// rule limited by resourceNames counts for the names it lists (NameQuery::kListedNames). nullopt: none;
    /// an empty list: every name.
    std::optional<std::vector<std::string>> allowed_names(const Request& request) const;
    /// Allowed every request, even one no rule names: system:masters, or '*' verbs on '*' of every group in
    /// every namespace.
    bool cluster_admin() const;
    const Identity& identity() const { return identity_; }
    /// Every row that applies: the access entry's policies, then binding rows in table order.
    const std::vector<MatchedRow>& rows() const { return rows_; }

  private:
    const Graph* graph_;
    Identity identity_;
    bool masters_ = false;
    std::vector<MatchedRow> rows_;
    std::vector<std::uint32_t> policies_;  ///< indexes into rows_
    std::vector<std::uint32_t> cluster_;
    std::unordered_map<Symbol, std::vector<std::uint32_t>> namespaced_;
    std::vector<std::uint32_t> undetermined_;
};

/// Every identity the export's mappings produce, each with its authorizer, and who holds each grant row:
/// built once, then asked for any number of requests (who-can, check, graph).
class MappedAccess {
  public:
    explicit MappedAccess(const Graph& graph);

    const Graph& graph() const { return *graph_; }
    const std::vector<Authorizer>& authorizers() const { return authorizers_; }
    /// The authorizers a row applies to (indexes, ordered by ARN, one per ARN).
    std::span<const std::uint32_t> holders(std::uint32_t row) const;
    /// The authorizers whose identity is in system:masters.
    const std::vector<std::uint32_t>& masters() const { return masters_; }
    /// The authorizers whose answers the input cannot fully decide: an identity not fully known, or a row
    /// that applies only if a value unknown offline matches. Any request may be undetermined for them.
    const std::vector<std::uint32_t>& open() const { return open_; }

  private:
    const Graph* graph_;
    std::vector<Authorizer> authorizers_;
    std::vector<std::uint32_t> holder_starts_;
    std::vector<std::uint32_t> holders_;
    std::vector<std::uint32_t> masters_;
    std::vector<std::uint32_t> open_;
};

}  // namespace rbacgraph
