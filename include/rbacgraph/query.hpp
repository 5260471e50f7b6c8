#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "rbacgraph/api_catalog.hpp"
#include "rbacgraph/evaluate.hpp"
#include "rbacgraph/model.hpp"

namespace rbacgraph {

/// A request as a user words it (kubectl-like).
struct RequestWords {
    std::string verb{};
    /// "pods", "pods/exec", "deployments.apps", "deployments.apps/scale", or a non-resource URL ("/healthz").
    std::string resource{};
    std::string name{};
    std::string ns{};
    std::string api_group{};    ///< or write RESOURCE.GROUP
    std::string subresource{};  ///< or write RESOURCE/SUBRESOURCE
};

/// Builds a request from its words taken literally; returns an error text on misuse (a conflict, a URL with a
/// namespace). resolve_request is what commands use.
std::variant<Request, std::string> make_request(RequestWords words);

/// The API resources the input can name: the built-in catalog plus the input's CustomResourceDefinitions and
/// extension API groups.
ApiCatalog catalog_of(const Export& source);
/// Adds what an input declares (its CRDs' resources, its APIServices' groups) to a catalog.
void add_declared(ApiCatalog& catalog, const Export& source);

/// A request resolved as kubectl resolves the words (issue 29), with what it was resolved from and what the
/// words left in doubt.
struct ResolvedRequest {
    Request request;
    /// How the resource word was read: "deploy: the short name of deployments.apps" ("" when as typed).
    std::string resolved_from;
    /// kubectl-style warnings: an unknown verb, a cluster-scoped resource asked in a namespace...
    std::vector<std::string> warnings;
    /// Why a "no" to this request could not be trusted (a word no catalog knows); an answer that would deny
    /// it is undetermined, with these reasons.
    std::vector<std::string> doubts;
};

/// kubectl's reading of a request: TYPE, TYPE.GROUP or TYPE.VERSION.GROUP by plural, singular, kind or short
/// name (kubectl auth can-i); TYPE/NAME, where a part after '/' that is a subresource of TYPE in the catalog
/// stays rbacgraph's RESOURCE/SUBRESOURCE; -n on a cluster-scoped resource is dropped with kubectl's warning.
/// Returns an error text for what cannot be a request (two names, a name holding '/', an ambiguous word,
/// -n '*').
std::variant<ResolvedRequest, std::string> resolve_request(RequestWords words, const ApiCatalog& catalog);

/// A "no" over words in doubt is undetermined, with the doubts as its reasons (a "yes" stays yes).
void apply_request_doubts(Decision& decision, const std::vector<std::string>& doubts);

/// One link of the chain that explains a grant.
struct ChainStep {
    std::string label;  ///< "arn", "mapping", "identity", "binding", "role", "rule", "policy"
    std::string text;
    SourceLocation location;
};

/// ARN -> mapping -> username/groups, as steps.
std::vector<ChainStep> explain_identity(const Identity& identity);
/// binding -> role -> rule (or policy, or system:masters), as steps.
std::vector<ChainStep> explain_grant(const Graph& graph, const GrantMatch& grant);
/// One line for a grant: "ClusterRoleBinding x -> ClusterRole y".
std::string describe_grant(const Graph& graph, const GrantMatch& grant);
/// "session name 'bob'" or "as principal arn:..." for the value that made a templated subject match.
std::string describe_witness(const std::string& witness);
/// "{apiGroups: [\"\"], resources: [pods], verbs: [get]}".
std::string describe_rule(const PolicyRule& rule);
/// Why a decision is undetermined, one line per cause: the identity's own reasons, then "<grant>: <reason>"
/// for each grant that may allow it.
std::vector<std::string> undetermined_reasons(const Graph& graph, const Decision& decision);
/// The effective rule a grant points at (nullptr for system:masters).
const PolicyRule* granted_rule(const Graph& graph, const GrantMatch& grant);

/// One row of what-can: one resource (or URL) with the verbs one source grants on it.
struct PermissionRow {
    enum class Scope { kCluster, kNamespace, kNonResource };
    Scope scope = Scope::kCluster;
    std::string ns;        ///< with kNamespace (may be a pattern such as "dev-*")
    std::string resource;  ///< "pods", "deployments.apps/scale", "*.*", or a URL
    std::vector<std::string> resource_names;
    std::vector<std::string> verbs;
    std::string via;
    SourceLocation via_location;
    bool undetermined = false;
    /// Granted to every authenticated (or anonymous) user by a built-in binding the export lacks: API
    /// discovery and self-reviews, which text output summarizes in one line.
    bool everyone = false;
};

/// A grant whose rules are known only in part or not at all (an access policy AWS describes in prose or not
/// at all): what it allows beyond its rows is undetermined.
struct UnexpandedGrant {
    std::string via;
    std::vector<std::string> namespaces;  ///< empty: cluster scope
    SourceLocation location;
    bool lower_bound = false;  ///< its stated rules are among the rows; false: nothing of it is known
};

struct WhatCan {
    Identity identity;
    bool masters = false;
    std::vector<std::string> cluster_admin_via;  ///< sources granting everything cluster-wide
    std::vector<PermissionRow> rows;             ///< sorted by scope, namespace, resource
    std::vector<UnexpandedGrant> unexpanded;     ///< in the order the authorizer holds them
    /// Why the rows are fewer or undetermined: anonymous requests the cluster refuses before authorization
    /// (Graph::anonymous_reach); "" when every request reaches it.
    std::string reach;
};

WhatCan what_can(const Graph& graph, const Authorizer& authorizer);
/// The same over given grants (a Kubernetes subject's own: those its name holds in the grant table).
WhatCan what_can_held(const Graph& graph, const Identity& identity, std::span<const HeldGrant> held);

/// One line of `can-i --list`, as kubectl auth can-i --list prints a SelfSubjectRulesReview: the rules in
/// force in one namespace, verbs of equal (resource, names) or URL merged.
struct ListedRule {
    std::string resource;          ///< "pods", "deployments.apps/scale", "*.*"; empty for a URL rule
    std::string non_resource_url;  ///< with an empty resource
    std::vector<std::string> resource_names;
    std::vector<std::string> verbs;
    bool undetermined = false;  ///< may be allowed: the grant hinges on what the input cannot decide
    std::vector<std::string> via;
};

struct RulesInNamespace {
    std::string ns;  ///< "" = cluster-wide rules only (kubectl -A: a rules review of no namespace)
    bool masters = false;
    std::vector<ListedRule> rules;            ///< resource rules first, then URL rules, each sorted
    std::vector<UnexpandedGrant> unexpanded;  ///< in force here, and not fully known
};

/// The rules a what-can result holds in namespace `ns` (RBAC's RulesFor: cluster-wide grants, then those of
/// the namespace; an access policy's namespace pattern "dev-*" covers "dev-a"). k8s-rbac.md section 9.
RulesInNamespace rules_in_namespace(const WhatCan& result, std::string_view ns);

/// what_can for each identity, in order, on every core (the graph is only read).
std::vector<WhatCan> what_can_each(const Graph& graph, const std::vector<Identity>& identities);

/// A mapped principal allowed the request (or that may be), with the first grant.
struct WhoCanPrincipal {
    Identity identity;
    GrantMatch grant;
    bool undetermined = false;  ///< may be allowed: the grant hinges on what the input cannot decide
};

/// A Kubernetes subject allowed through a binding (subject locator semantics), or that may be.
struct WhoCanSubject {
    Subject subject;  ///< as it matches: a ServiceAccount's namespace resolved
    std::string via;
    SourceLocation location;
    bool undetermined = false;
    /// The OIDC identity provider claims that give this User or Group (oidc_origins).
    std::vector<std::string> oidc{};
};

/// Allowed the request only for some names (rules limited by resourceNames): for a request without a name
/// these are not among the allowed (the API server would deny a list of them all), but they can read or
/// change the objects they name, which an auditor asking "who can read secrets here" must see.
struct WhoCanForNames {
    std::optional<Identity> principal;  ///< a mapped principal, or
    std::optional<Subject> subject;     ///< a binding's subject
    std::vector<std::string> names;     ///< the names it is allowed for, sorted
    std::string via;
    SourceLocation location;
};

struct WhoCan {
    Request request;
    std::vector<WhoCanPrincipal> principals;  ///< allowed first, then those that may be
    std::vector<WhoCanSubject> subjects;      ///< allowed first, then those that may be
    /// For a resource request without a name: principals, then subjects, allowed it only for listed names
    /// (and not already allowed above).
    std::vector<WhoCanForNames> for_names;
    /// Subjects bound to a role that allows the request whose requests the cluster refuses before
    /// authorization (system:anonymous, system:unauthenticated on EKS 1.32+), and why; on an EKS cluster of
    /// unknown version they are among the subjects that may be allowed, and `anonymous_reach` says why.
    std::vector<WhoCanSubject> refused;
    std::string anonymous_reach;
};

/// Who can do the request: the rows that allow it (the reverse question) and who holds them.
WhoCan who_can(const MappedAccess& access, const Request& request);
/// The same, with the mapped identities resolved for this one question.
WhoCan who_can(const Graph& graph, const Request& request);

struct BatchStats {
    std::size_t requests = 0;
    std::size_t allowed = 0;
    std::size_t errors = 0;
};

/// Answers JSON-lines requests from `in`, one JSON answer per line to `out`, in order.
BatchStats run_batch(const Graph& graph, std::istream& in, std::ostream& out);

}  // namespace rbacgraph
