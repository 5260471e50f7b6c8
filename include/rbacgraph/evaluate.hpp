#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/grants.hpp"
#include "rbacgraph/identity.hpp"

namespace rbacgraph {

/// A grant that applies to an identity, through which holder, and for which session name if any.
struct HeldGrant {
    GrantId grant = 0;
    std::string witness;        ///< session name (or principal ARN) that makes the holder match
    bool undetermined = false;  ///< the holder matches only if a value not known offline does
    /// With undetermined: the access entry known only after apply whose principal the identity may be.
    const AccessEntry* may_be = nullptr;
};

/// One way a request is allowed (or may be): the chain's last links.
struct GrantMatch {
    std::optional<GrantId> grant;  ///< nullopt: the system:masters group, which needs no grant
    std::string witness;           ///< session name or principal that made the holder match
    std::size_t rule = 0;          ///< the allowing rule in the grant's rules (certain grants)
    /// Why the grant is not certain; empty for a grant that allows.
    std::string undetermined;
};

enum class GrantKind { kMasters, kAccessPolicy, kClusterRoleBinding, kRoleBinding };

GrantKind grant_kind(const Graph& graph, const GrantMatch& grant);

struct Decision {
    Verdict verdict = Verdict::kDenied;
    std::vector<GrantMatch> grants;        ///< what allows it: the first, or all when asked
    std::vector<GrantMatch> undetermined;  ///< what may allow it, each with its reason
    /// Why the identity itself is not fully known (an access-entry type AWS publishes no identity for).
    std::vector<std::string> reasons;
    /// Why the request is refused before any authorizer sees it (an anonymous request EKS 1.32+ does not
    /// authenticate); "" when it reaches authorization.
    std::string unauthenticated;

    bool allowed() const { return verdict == Verdict::kAllowed; }
};

/// Whether the identity makes anonymous requests (User system:anonymous or Group system:unauthenticated),
/// which the cluster may refuse before authorization (Graph::anonymous_reach).
bool is_anonymous_identity(const Identity& identity);

/// A request normalized and compiled once against one graph, to be asked of many identities (the takeover
/// list asks every ServiceAccount the same questions). It owns the request its compiled form views.
class PreparedRequest {
  public:
    PreparedRequest(const Graph& graph, Request request, Ask ask = {});

    const Graph* graph() const { return graph_; }
    const Request& request() const { return *request_; }  ///< normalized
    const CompiledRequest& compiled() const { return compiled_; }
    Ask ask() const { return ask_; }

  private:
    const Graph* graph_;
    std::unique_ptr<Request> request_;  ///< on the heap, so a moved PreparedRequest's views stay valid
    Ask ask_;
    CompiledRequest compiled_;
};

/// Authorizes requests for one identity; the grant rows that apply to it are found once.
class Authorizer {
  public:
    Authorizer(const Graph& graph, Identity identity);

    /// The answer for a request. `ask` reads it as "some": some namespace (kAny: RoleBindings anywhere
    /// count), some group of a family, some resource (the takeover list asks "may it create any ACK
    /// resource?").
    Decision authorize(const Request& request, bool all_grants = false, Ask ask = {}) const;
    /// The same answer for a prepared request, without normalizing and compiling it again.
    Decision authorize(const PreparedRequest& request, bool all_grants = false) const;
    /// For a request without a name: the names it is allowed for through grants that certainly apply, where a
    /// rule limited by resourceNames counts for the names it lists (NameQuery::kListedNames). nullopt: none;
    /// an empty list: every name.
    std::optional<std::vector<std::string>> allowed_names(const Request& request) const;
    /// Some grant it holds has a rule limited by resourceNames: without one, allowed_names never lists a name
    /// (it can only say none or every name), so a caller after listed names need not ask.
    bool lists_names() const { return lists_names_; }
    /// Allowed every request, even one no rule names: system:masters, or '*' verbs on '*' of every group in
    /// every namespace.
    bool cluster_admin() const;
    const Identity& identity() const { return identity_; }
    /// Every grant that applies: the access entry's policies, then bindings' grants in table order.
    const std::vector<HeldGrant>& held() const { return held_; }

  private:
    /// The answer once authentication has let the request through (a normalized request, compiled).
    Decision authorize_reached(const CompiledRequest& request, bool all_grants) const;
    /// EKS's authentication of anonymous requests around authorize_reached, for a normalized request.
    template <typename Reach>
    Decision authenticate(const Request& request, const Reach& reach) const;

    const Graph* graph_;
    Identity identity_;
    AnonymousReach anonymous_;  ///< kEveryRequest unless the identity is anonymous
    bool masters_ = false;
    bool lists_names_ = false;
    std::vector<HeldGrant> held_;
    /// The RoleBinding grants of one namespace: namespaced_[begin, end).
    struct NamespaceGrants {
        Symbol ns = kNoSymbol;
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
    };
    /// The RoleBinding grants of a namespace, in table order (empty when it has none).
    std::span<const std::uint32_t> namespaced_in(Symbol ns) const;

    // Indexes into held_, each list in table order. Flat arrays, not a map of vectors: an identity is built
    // for every ARN a batch names, and its allocations were a fifth of building it (performance.md).
    std::vector<std::uint32_t> policies_;
    std::vector<std::uint32_t> cluster_;
    std::vector<std::uint32_t> namespaced_;     ///< grouped by namespace, as namespaces_ says
    std::vector<NamespaceGrants> namespaces_;   ///< ordered by symbol
    std::vector<std::uint32_t> any_namespace_;  ///< namespaced_ again, in table order (NamespaceQuery::kAny)
    std::vector<std::uint32_t> undetermined_;
};

/// Every identity the export's mappings produce, each with its authorizer, and who holds each grant:
/// built once, then asked for any number of requests (who-can, check, graph).
class MappedAccess {
  public:
    explicit MappedAccess(const Graph& graph);

    const Graph& graph() const { return *graph_; }
    const std::vector<Authorizer>& authorizers() const { return authorizers_; }
    /// The authorizers a grant applies to (indexes, ordered by ARN, one per ARN).
    std::span<const std::uint32_t> holders(GrantId grant) const;
    /// The authorizers whose identity is in system:masters.
    const std::vector<std::uint32_t>& masters() const { return masters_; }
    /// The authorizers whose answers the input cannot fully decide: an identity not fully known, or a grant
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
