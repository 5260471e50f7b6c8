#pragma once

// The API resources a request can name, and how kubectl resolves the words a user types into them (issue 29):
// the built-in resources from the API server's discovery documents (scripts/gen-api-catalog), the resources
// only authorizers know (impersonation's users and groups, certificate signers, the kubelet's node
// subresources), and what the input declares (CustomResourceDefinitions, APIServices).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rbacgraph {

struct ApiResource {
    std::string group;     ///< "" is the core group
    std::string resource;  ///< plural, lower case: what RBAC rules and URLs name
    std::string singular;
    std::string kind;
    bool namespaced = true;
    std::vector<std::string> short_names;
    std::vector<std::string> versions;  ///< preferred first
    std::vector<std::string> subresources;
    std::vector<std::string> verbs;
    /// Where it comes from: "built in", "authorization only" (checked by an authorizer, never served), or the
    /// CustomResourceDefinition that declares it.
    std::string source = "built in";

    /// "deployments.apps", "pods".
    std::string qualified() const;
    bool has_subresource(std::string_view subresource) const;
};

/// How a typed word became a resource.
struct ResourceResolution {
    enum class Outcome {
        kResolved,      ///< one resource (kubectl's group preference chose among several, as kubectl does)
        kWildcard,      ///< "*"
        kAmbiguous,     ///< several, and kubectl's preference cannot choose (resources of the input's CRDs)
        kUnknown,       ///< no resource by that name in a group the catalog knows
        kUnknownGroup,  ///< a group the catalog knows nothing of (no CRD or APIService declares it)
    };
    Outcome outcome = Outcome::kUnknown;
    const ApiResource* resource = nullptr;       ///< with kResolved
    std::vector<const ApiResource*> candidates;  ///< with kAmbiguous
    std::string group;                           ///< the group as typed (kUnknown, kUnknownGroup) or resolved
    std::string resource_word;                   ///< the resource part as typed, lower-cased
    std::string how;  ///< "short name", "singular", "kind", "plural", "plural and version"
    std::vector<std::string> suggestions;  ///< with kUnknown: the nearest known names ("deployments.apps")
};

class ApiCatalog {
  public:
    /// The built-in resources and the authorization-only ones, made once (copy it to add the input's).
    static const ApiCatalog& builtin();

    /// A resource the input declares (a CustomResourceDefinition): after the built-in ones, as kubectl's
    /// discovery lists extension groups after the built-in groups.
    void add(ApiResource resource);
    /// A group an APIService serves from an extension server: its resources are not known offline.
    void add_served_group(std::string group);

    /// kubectl's resolution of a TYPE word (kubectl auth can-i, ParseResourceArg + the shortcut expander +
    /// the discovery REST mapper): lower-cased; RESOURCE, RESOURCE.GROUP or RESOURCE.VERSION.GROUP; plural,
    /// singular (which is the kind lower-cased) or short name; of several groups the earliest in discovery
    /// order. `group` (--api-group) must agree with a group in the word.
    ResourceResolution resolve(std::string_view word, std::string_view group = {}) const;

    const ApiResource* find(std::string_view group, std::string_view resource) const;
    bool knows_group(std::string_view group) const;
    const std::vector<ApiResource>& resources() const { return resources_; }

  private:
    static ApiCatalog make_builtin();
    void index(std::size_t at);

    std::vector<ApiResource> resources_;
    std::vector<std::string> served_groups_;
    /// Plural and singular names, and short names, to the resources that carry them (in catalog order), so
    /// that a batch of requests resolves each word with a lookup.
    std::unordered_map<std::string, std::vector<std::size_t>> by_name_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_short_name_;
};

/// Which requests a verb is asked of: resource requests, non-resource URLs, or either (a rule with both).
enum class VerbUse { kResource, kNonResource, kEither };

/// A release, as the verb table gives it ({0, 0}: every supported release).
struct VerbRelease {
    int major = 0;
    int minor = 0;
};

/// One verb the API server authorizes: a resource request's verb, a non-resource request's method, a special
/// verb an authorizer checks, or a prefixed form (constrained impersonation, DRA's node-aware verbs) that a
/// plain verb follows. k8s-rbac.md sections 1, 8, 13 and 15.
struct VerbRow {
    std::string_view verb;  ///< the verb, or with then_verb the prefix a plain verb follows
    bool then_verb = false;
    VerbUse use = VerbUse::kResource;  ///< which requests carry it (kEither: both kinds)
    VerbRelease since;                 ///< the release whose default turns it on; {0, 0}: every supported one
    std::string_view source;
};

/// The verb table: one list for the lint (unknown-verb), the request parser (can-i, who-can) and the docs.
std::span<const VerbRow> verb_table();

/// Whether a verb is in the verb table for requests of `use` ('*' is), so that a word outside it is a typo.
bool is_known_verb(std::string_view verb, VerbUse use);
/// The verbs of the table without a prefix, for "did you mean".
std::vector<std::string> plain_verbs(VerbUse use);

/// From which release a known verb is authorized by default, and the source that says so (k8s-rbac.md 15).
struct VerbOrigin {
    int major = 1;  ///< the release, as KubernetesVersion{major, minor} (model.hpp includes this header)
    int minor = 0;
    std::string_view source;
};
/// For a verb only recent releases authorize (constrained impersonation, DRA's node-aware verbs, the 1.37
/// verbs): since when; nullopt for a verb every supported release authorizes, or an unknown one.
std::optional<VerbOrigin> verb_origin(std::string_view verb);

/// The nearest of `known` to `word` by edit distance, a swap of neighbours counting one (at most a third of
/// the word's length, and 2 or less), nearest first.
std::vector<std::string> nearest_words(std::string_view word, const std::vector<std::string>& known,
                                       std::size_t limit = 3);

}  // namespace rbacgraph
