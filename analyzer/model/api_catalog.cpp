#include "rbacgraph/api_catalog.hpp"

#include <algorithm>
#include <array>

#include "rbacgraph/arn.hpp"

namespace rbacgraph {
namespace {

struct CatalogRow {
    const char* group;
    const char* resource;
    const char* singular;
    const char* kind;
    bool namespaced;
    const char* short_names;
    const char* versions;
    const char* subresources;
    const char* verbs;
};

constexpr CatalogRow kBuiltin[] = {
#include "api_catalog_data.inc"
};

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        out.emplace_back(text.substr(0, comma));
        text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    }
    return out;
}

// Resources that no discovery document lists but authorizers check (k8s-rbac.md sections 1, 8, 13, 15):
// impersonation's users, groups, uids and userextras (any subresource: the extra's key), certificate
// signers, and the kubelet's own authorization names under nodes (KEP-2862).
void add_authorization_only(std::vector<ApiResource>& resources) {
    const auto add = [&](std::string group, std::string resource, std::string singular, bool namespaced,
                         std::vector<std::string> verbs) {
        ApiResource entry;
        entry.group = std::move(group);
        entry.resource = std::move(resource);
        entry.singular = std::move(singular);
        entry.namespaced = namespaced;
        entry.verbs = std::move(verbs);
        entry.source = "authorization only";
        resources.push_back(std::move(entry));
    };
    add("", "users", "user", false, {"impersonate"});
    add("", "groups", "group", false, {"impersonate"});
    add("authentication.k8s.io", "uids", "uid", false, {"impersonate"});
    add("authentication.k8s.io", "userextras", "userextra", false, {"impersonate"});
    add("certificates.k8s.io", "signers", "signer", false, {"approve", "sign", "attest"});
    for (ApiResource& resource : resources) {
        if (resource.group.empty() && resource.resource == "nodes") {
            for (const char* kubelet :
                 {"stats", "metrics", "log", "spec", "checkpoint", "pods", "healthz", "configz"}) {
                resource.subresources.emplace_back(kubelet);
            }
        }
        // DRA granular status authorization (1.36): synthetic subresources of resourceclaims.
        if (resource.group == "resource.k8s.io" && resource.resource == "resourceclaims") {
            resource.subresources.emplace_back("binding");
            resource.subresources.emplace_back("driver");
        }
        // Impersonating a ServiceAccount is `impersonate` on serviceaccounts.
        if (resource.group.empty() && resource.resource == "serviceaccounts") {
            resource.verbs.emplace_back("impersonate");
        }
    }
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours each
// count one, so "jsno" is one from "json" and "hihg" one from "high" (the commonest typing slip).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> before(b.size() + 1);
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        before.swap(previous);
        previous.swap(row);
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            row[j] =
                std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                row[j] = std::min(row[j], before[j - 2] + 1);
            }
        }
    }
    return row[b.size()];
}

}  // namespace

std::string ApiResource::qualified() const {
    return group.empty() ? resource : resource + "." + group;
}

bool ApiResource::has_subresource(std::string_view subresource) const {
    // Every key of userextras is a subresource (the extra's key).
    if (resource == "userextras" && group == "authentication.k8s.io") {
        return true;
    }
    return std::find(subresources.begin(), subresources.end(), subresource) != subresources.end();
}

const ApiCatalog& ApiCatalog::builtin() {
    static const ApiCatalog kBuiltinCatalog = make_builtin();
    return kBuiltinCatalog;
}

ApiCatalog ApiCatalog::make_builtin() {
    ApiCatalog catalog;
    for (const CatalogRow& row : kBuiltin) {
        ApiResource resource;
        resource.group = row.group;
        resource.resource = row.resource;
        resource.singular = row.singular;
        resource.kind = row.kind;
        resource.namespaced = row.namespaced;
        resource.short_names = split_list(row.short_names);
        resource.versions = split_list(row.versions);
        resource.subresources = split_list(row.subresources);
        resource.verbs = split_list(row.verbs);
        catalog.resources_.push_back(std::move(resource));
    }
    add_authorization_only(catalog.resources_);
    for (std::size_t at = 0; at < catalog.resources_.size(); ++at) {
        catalog.index(at);
    }
    return catalog;
}

void ApiCatalog::index(std::size_t at) {
    const ApiResource& entry = resources_[at];
    by_name_[entry.resource].push_back(at);
    if (entry.singular != entry.resource) {
        by_name_[entry.singular].push_back(at);
    }
    for (const std::string& short_name : entry.short_names) {
        by_short_name_[short_name].push_back(at);
    }
}

void ApiCatalog::add(ApiResource resource) {
    if (find(resource.group, resource.resource) == nullptr) {
        resources_.push_back(std::move(resource));
        index(resources_.size() - 1);
    }
}

void ApiCatalog::add_served_group(std::string group) {
    if (!knows_group(group)) {
        served_groups_.push_back(std::move(group));
    }
}

const ApiResource* ApiCatalog::find(std::string_view group, std::string_view resource) const {
    for (const ApiResource& entry : resources_) {
        if (entry.group == group && entry.resource == resource) {
            return &entry;
        }
    }
    return nullptr;
}

bool ApiCatalog::knows_group(std::string_view group) const {
    return std::any_of(resources_.begin(), resources_.end(),
                       [&](const ApiResource& entry) { return entry.group == group; }) ||
           std::find(served_groups_.begin(), served_groups_.end(), group) != served_groups_.end();
}

ResourceResolution ApiCatalog::resolve(std::string_view typed, std::string_view explicit_group) const {
    ResourceResolution out;
    const std::string word = ascii_lower(typed);
    if (word == "*") {
        out.outcome = ResourceResolution::Outcome::kWildcard;
        out.resource_word = word;
        out.group = std::string(explicit_group);
        return out;
    }
    // schema.ParseResourceArg: "resource.version.group" (two dots or more) is tried fully first, then
    // "resource.group" with everything after the first dot as the group.
    struct Reading {
        std::string resource, version, group;
    };
    std::vector<Reading> readings;
    const std::size_t dot = word.find('.');
    if (dot == std::string::npos) {
        readings.push_back({word, "", std::string(explicit_group)});
    } else {
        const std::string rest = word.substr(dot + 1);
        if (const std::size_t second = rest.find('.'); second != std::string::npos) {
            readings.push_back({word.substr(0, dot), rest.substr(0, second), rest.substr(second + 1)});
        }
        readings.push_back({word.substr(0, dot), "", rest});
    }
    out.resource_word = readings.back().resource;
    out.group = readings.back().group;
    for (const Reading& reading : readings) {
        std::vector<std::pair<const ApiResource*, std::string>> found;
        const auto group_fits = [&](const ApiResource& entry) {
            return reading.group.empty() || entry.group == reading.group;
        };
        const auto version_fits = [&](const ApiResource& entry) {
            return reading.version.empty() || entry.versions.empty() ||
                   std::find(entry.versions.begin(), entry.versions.end(), reading.version) !=
                       entry.versions.end();
        };
        // The shortcut expander first keeps an exact plural or singular; only then is a short name expanded
        // (kubectl's shortcut.go expandResourceShortcut).
        static const std::vector<std::size_t> kNone;
        const auto named = by_name_.find(reading.resource);
        for (const std::size_t at : named == by_name_.end() ? kNone : named->second) {
            const ApiResource& entry = resources_[at];
            if (!group_fits(entry) || !version_fits(entry)) {
                continue;
            }
            if (entry.resource == reading.resource) {
                found.emplace_back(&entry, reading.version.empty() ? "plural" : "plural and version");
            } else if (entry.singular == reading.resource) {
                found.emplace_back(&entry, ascii_lower(entry.kind) == entry.singular &&
                                                   typed.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
                                                       std::string_view::npos
                                               ? "kind"
                                               : "singular");
            }
        }
        if (const auto shortened = by_short_name_.find(reading.resource);
            found.empty() && shortened != by_short_name_.end()) {
            for (const std::size_t at : shortened->second) {
                if (group_fits(resources_[at]) && version_fits(resources_[at])) {
                    found.emplace_back(&resources_[at], "short name");
                }
            }
        }
        if (found.empty()) {
            continue;
        }
        // kubectl's PriorityRESTMapper takes the first group in discovery order: the built-in groups come
        // first (the core group before all), in the order of the catalog. Among the input's own resources the
        // order in a live cluster's discovery is not known offline, so two of them are ambiguous.
        const ApiResource* first = found.front().first;
        std::vector<const ApiResource*> declared;
        for (const auto& [entry, how] : found) {
            if (entry->source != "built in" && entry->source != "authorization only") {
                declared.push_back(entry);
            }
        }
        if (first->source == "built in" || first->source == "authorization only" || declared.size() == 1) {
            out.outcome = ResourceResolution::Outcome::kResolved;
            out.resource = first;
            out.group = first->group;
            out.how = found.front().second;
            return out;
        }
        out.outcome = ResourceResolution::Outcome::kAmbiguous;
        out.candidates = declared;
        return out;
    }
    const Reading& reading = readings.back();
    if (!reading.group.empty() && !knows_group(reading.group)) {
        out.outcome = ResourceResolution::Outcome::kUnknownGroup;
        return out;
    }
    out.outcome = ResourceResolution::Outcome::kUnknown;
    std::vector<std::string> names;
    std::vector<const ApiResource*> owners;
    for (const ApiResource& entry : resources_) {
        if (!reading.group.empty() && entry.group != reading.group) {
            continue;
        }
        for (const std::string* name : {&entry.resource, &entry.singular}) {
            names.push_back(*name);
            owners.push_back(&entry);
        }
        for (const std::string& short_name : entry.short_names) {
            names.push_back(short_name);
            owners.push_back(&entry);
        }
    }
    for (const std::string& near : nearest_words(reading.resource, names, 8)) {
        const auto at = static_cast<std::size_t>(std::find(names.begin(), names.end(), near) - names.begin());
        const std::string suggestion = owners[at]->qualified();
        if (std::find(out.suggestions.begin(), out.suggestions.end(), suggestion) == out.suggestions.end() &&
            out.suggestions.size() < 3) {
            out.suggestions.push_back(suggestion);
        }
    }
    return out;
}

std::vector<std::string> nearest_words(std::string_view word, const std::vector<std::string>& known,
                                       std::size_t limit) {
    const std::size_t allowed = std::min<std::size_t>(2, std::max<std::size_t>(1, word.size() / 3));
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const std::string& candidate : known) {
        const std::size_t distance = edit_distance(word, candidate);
        if (distance <= allowed && candidate != word) {
            scored.emplace_back(distance, candidate);
        }
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (auto& [distance, candidate] : scored) {
        if (std::find(out.begin(), out.end(), candidate) == out.end() && out.size() < limit) {
            out.push_back(std::move(candidate));
        }
    }
    return out;
}

namespace {

// k8s-rbac.md 1: verbs of resource requests come from the HTTP method (apiserver requestinfo.go), verbs of
// non-resource requests are the lower-cased method; the special verbs are checked by their own code paths.
constexpr std::string_view kRequestInfo = "apiserver requestinfo.go: the HTTP method (k8s-rbac.md 1)";
constexpr std::string_view kMethod = "apiserver requestinfo.go: a non-resource request's lower-cased method";
constexpr std::string_view kConstrained = "KEP-5284 constrained impersonation, beta and on in 1.36";
constexpr std::string_view kNodeAware =
    "DRAResourceClaimGranularStatusAuthorization on resourceclaims/driver, beta and on in 1.36 (PR #134947)";

// Every verb the API server authorizes, one row each (a prefixed form is one row per prefix). Plain verbs
// come first, in the order "did you mean" prefers them.
constexpr std::array<VerbRow, 33> kVerbTable = {{
    {"get", false, VerbUse::kEither, {}, kRequestInfo},
    {"list", false, VerbUse::kResource, {}, "apiserver requestinfo.go: GET without a name"},
    {"watch", false, VerbUse::kResource, {}, "apiserver requestinfo.go: GET with ?watch, or a /watch/ path"},
    {"create", false, VerbUse::kResource, {}, kRequestInfo},
    {"update", false, VerbUse::kResource, {}, kRequestInfo},
    {"patch", false, VerbUse::kEither, {}, kRequestInfo},
    {"delete", false, VerbUse::kEither, {}, kRequestInfo},
    {"deletecollection", false, VerbUse::kResource, {}, "apiserver requestinfo.go: DELETE without a name"},
    {"proxy", false, VerbUse::kResource, {}, "apiserver requestinfo.go: the deprecated /proxy/ paths"},
    {"escalate", false, VerbUse::kResource, {}, "RBAC's role escalation check (k8s-rbac.md 7)"},
    {"bind", false, VerbUse::kResource, {}, "RBAC's binding escalation check (k8s-rbac.md 7)"},
    {"impersonate", false, VerbUse::kResource, {}, "the impersonation filter (k8s-rbac.md 8)"},
    {"approve", false, VerbUse::kResource, {}, "certificates.k8s.io signers: CSR approval (k8s-rbac.md 1)"},
    {"sign", false, VerbUse::kResource, {}, "certificates.k8s.io signers: CSR signing (k8s-rbac.md 1)"},
    {"use", false, VerbUse::kResource, {}, "PodSecurityPolicy's check (removed in 1.25; k8s-rbac.md 1)"},
    {"attest", false, VerbUse::kResource, {}, "ClusterTrustBundles of a signer (KEP-3257, GA in 1.37)"},
    {"unsafe-delete-ignore-read-errors",
     false,
     VerbUse::kResource,
     {1, 37},
     "KEP-3926, beta and on in 1.37 (alpha, off, from 1.32)"},
    {"request-podcertificate-signer", false, VerbUse::kResource, {1, 37}, "1.37 release notes, PR #140006"},
    {"*", false, VerbUse::kEither, {}, "RBAC: every verb (evaluation_helpers.go VerbMatches)"},
    {"post", false, VerbUse::kNonResource, {}, kMethod},
    {"put", false, VerbUse::kNonResource, {}, kMethod},
    {"head", false, VerbUse::kNonResource, {}, kMethod},
    {"options", false, VerbUse::kNonResource, {}, kMethod},
    {"impersonate:user-info", false, VerbUse::kResource, {1, 36}, kConstrained},
    {"impersonate:serviceaccount", false, VerbUse::kResource, {1, 36}, kConstrained},
    {"impersonate:arbitrary-node", false, VerbUse::kResource, {1, 36}, kConstrained},
    {"impersonate:associated-node", false, VerbUse::kResource, {1, 36}, kConstrained},
    // impersonate-on:<mode>:<verb>: the verb of the request made while impersonating, of either kind.
    {"impersonate-on:user-info:", true, VerbUse::kEither, {1, 36}, kConstrained},
    {"impersonate-on:serviceaccount:", true, VerbUse::kEither, {1, 36}, kConstrained},
    {"impersonate-on:arbitrary-node:", true, VerbUse::kEither, {1, 36}, kConstrained},
    {"impersonate-on:associated-node:", true, VerbUse::kEither, {1, 36}, kConstrained},
    // <prefix><verb> on resourceclaims/driver: a resource verb.
    {"associated-node:", true, VerbUse::kResource, {1, 36}, kNodeAware},
    {"arbitrary-node:", true, VerbUse::kResource, {1, 36}, kNodeAware},
    // 1.37's checkpoint verb is not listed: KEP-5823 targets alpha in 1.37, and shipping is not verified
    // (k8s-rbac.md 15, K20).
}};

// Whether a row's verb may appear on requests of `use` (a rule with both kinds of requests takes either).
bool carries(VerbUse row, VerbUse use) {
    return row == VerbUse::kEither || use == VerbUse::kEither || row == use;
}

bool plain_known(std::string_view verb, VerbUse use) {
    return std::any_of(kVerbTable.begin(), kVerbTable.end(), [&](const VerbRow& row) {
        return !row.then_verb && row.verb == verb && carries(row.use, use);
    });
}

// The row a verb is: its own, or a prefix's whose rest is a plain verb (never '*') of the requests it
// qualifies.
const VerbRow* row_of(std::string_view verb, VerbUse use) {
    for (const VerbRow& row : kVerbTable) {
        if (!carries(row.use, use)) {
            continue;
        }
        if (!row.then_verb) {
            if (row.verb == verb) {
                return &row;
            }
            continue;
        }
        if (!verb.starts_with(row.verb)) {
            continue;
        }
        const std::string_view action = verb.substr(row.verb.size());
        // A prefix of either kind of request takes the requests' own verbs; a resource prefix, resource
        // verbs.
        const VerbUse action_use = row.use == VerbUse::kEither ? use : row.use;
        if (action != "*" && plain_known(action, action_use)) {
            return &row;
        }
    }
    return nullptr;
}

}  // namespace

std::span<const VerbRow> verb_table() {
    return {kVerbTable.data(), kVerbTable.size()};
}

bool is_known_verb(std::string_view verb, VerbUse use) {
    return row_of(verb, use) != nullptr;
}

std::optional<VerbOrigin> verb_origin(std::string_view verb) {
    const VerbRow* row = row_of(verb, VerbUse::kEither);
    if (row == nullptr || row->since.major == 0) {
        return std::nullopt;
    }
    return VerbOrigin{row->since.major, row->since.minor, row->source};
}

std::vector<std::string> plain_verbs(VerbUse use) {
    std::vector<std::string> out;
    for (const VerbRow& row : kVerbTable) {
        if (!row.then_verb && row.verb.find(':') == std::string_view::npos && carries(row.use, use)) {
            out.emplace_back(row.verb);
        }
    }
    return out;
}

}  // namespace rbacgraph
