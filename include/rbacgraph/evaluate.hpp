#pragma once

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

/// A request with its strings turned into symbols of the graph.
struct CompiledRequest {
    bool non_resource = false;
    bool has_subresource = false;
    Symbol verb = kNoSymbol;
    Symbol api_group = kNoSymbol;
    Symbol combined = kNoSymbol;  ///< resource or resource/subresource
    Symbol subresource = kNoSymbol;
    Symbol name = kNoSymbol;
    Symbol ns = kNoSymbol;
    std::string_view path;
};

CompiledRequest compile_request(const SymbolTable& symbols, const Request& request);

/// k8s rbac.go RuleAllows over a compiled rule.
bool rule_allows(const CompiledRule& rule, const CompiledRequest& request);

/// An access-policy scope entry matches a namespace exactly or, ending in '*', by prefix.
bool namespace_in_scope(const AccessScope& scope, std::string_view ns);

/// A binding that applies to an identity, through which subject, and for which session name if any.
struct MatchedBinding {
    std::uint32_t binding = 0;
    std::uint32_t subject = 0;
    std::string witness;        ///< session name (or principal ARN) that makes the subject match
    bool undetermined = false;  ///< depends on a value not known offline
};

enum class GrantKind { kMasters, kAccessPolicy, kClusterRoleBinding, kRoleBinding };

/// One way a request is allowed: the chain's last links.
struct Grant {
    GrantKind kind = GrantKind::kMasters;
    const AccessPolicyGrant* policy = nullptr;
    MatchedBinding binding;
    std::size_t rule = 0;  ///< index into the role's (or policy's) effective rules
};

struct Decision {
    bool allowed = false;
    std::vector<Grant> grants;        ///< the first, or all when asked
    std::vector<Grant> undetermined;  ///< grants that hinge on a value not known offline
};

/// Authorizes requests for one identity; the bindings that apply to it are found once.
class Authorizer {
  public:
    Authorizer(const Graph& graph, Identity identity);

    Decision authorize(const Request& request, bool all_grants = false) const;
    const Identity& identity() const { return identity_; }
    const std::vector<MatchedBinding>& cluster_bindings() const { return cluster_; }
    /// RoleBindings that apply, by namespace symbol.
    const std::unordered_map<Symbol, std::vector<MatchedBinding>>& namespace_bindings() const {
        return namespaced_;
    }
    const std::vector<MatchedBinding>& undetermined_bindings() const { return undetermined_; }

  private:
    const Graph* graph_;
    Identity identity_;
    bool masters_ = false;
    std::vector<MatchedBinding> cluster_;
    std::unordered_map<Symbol, std::vector<MatchedBinding>> namespaced_;
    std::vector<MatchedBinding> undetermined_;
};

}  // namespace rbacgraph
