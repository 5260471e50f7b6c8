// A request as a user words it (kubectl-like) turned into the request the API server would authorize.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rbacgraph/arn.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph {

std::variant<Request, std::string> make_request(RequestWords words) {
    std::string& resource = words.resource;
    std::string& name = words.name;
    std::string& ns = words.ns;
    std::string& api_group = words.api_group;
    std::string& subresource = words.subresource;
    Request request;
    request.verb = std::move(words.verb);
    if (request.verb.empty()) {
        return std::string("a verb is required");
    }
    if (resource.starts_with("/")) {
        if (!name.empty() || !ns.empty() || !api_group.empty() || !subresource.empty()) {
            return std::string("a non-resource URL takes no name, namespace, API group or subresource");
        }
        request.non_resource = true;
        request.path = std::move(resource);
        return request;
    }
    if (resource.empty()) {
        return std::string("a resource (or a non-resource URL starting with '/') is required");
    }
    if (const std::size_t slash = resource.find('/'); slash != std::string::npos) {
        if (!subresource.empty()) {
            return fmt::format("'{}' names a subresource and --subresource gives another", resource);
        }
        subresource = resource.substr(slash + 1);
        resource.resize(slash);
    }
    if (const std::size_t dot = resource.find('.'); dot != std::string::npos) {
        const std::string group = resource.substr(dot + 1);
        if (!api_group.empty() && api_group != group) {
            return fmt::format("'{}' names API group '{}' but --api-group says '{}'", resource, group,
                               api_group);
        }
        api_group = group;
        resource.resize(dot);
    }
    request.resource = std::move(resource);
    request.subresource = std::move(subresource);
    request.api_group = std::move(api_group);
    request.name = std::move(name);
    request.ns = std::move(ns);
    return request;
}

}  // namespace rbacgraph

namespace rbacgraph {

void add_declared(ApiCatalog& catalog, const Export& source) {
    for (const ApiResource& resource : source.custom_resources) {
        catalog.add(resource);
    }
    for (const std::string& group : source.extension_groups) {
        catalog.add_served_group(group);
    }
}

ApiCatalog catalog_of(const Export& source) {
    ApiCatalog catalog = ApiCatalog::builtin();
    add_declared(catalog, source);
    return catalog;
}

namespace {

std::string joined_names(const std::vector<const ApiResource*>& resources) {
    std::vector<std::string> names;
    names.reserve(resources.size());
    for (const ApiResource* resource : resources) {
        names.push_back(resource->qualified());
    }
    return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

std::variant<ResolvedRequest, std::string> resolve_request(RequestWords words, const ApiCatalog& catalog) {
    ResolvedRequest out;
    if (words.ns == "*") {
        return std::string(
            "-n '*' names a namespace called '*'; for a request in any namespace use -A (--all-namespaces)");
    }
    if (words.resource.starts_with("/")) {
        auto request = make_request(std::move(words));
        if (auto* error = std::get_if<std::string>(&request)) {
            return std::move(*error);
        }
        out.request = std::get<Request>(std::move(request));
        if (!is_known_verb(out.request.verb, VerbUse::kNonResource)) {
            const auto near = nearest_words(out.request.verb, plain_verbs(VerbUse::kNonResource), 1);
            out.warnings.push_back(
                fmt::format("verb '{}' is not a known verb for a non-resource URL{}", out.request.verb,
                            near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
            out.doubts.push_back(fmt::format("unknown verb '{}'", out.request.verb));
        }
        return out;
    }
    // TYPE/NAME (kubectl) or RESOURCE/SUBRESOURCE (rbacgraph's own form, kept where the catalog knows the
    // subresource).
    std::string after_slash;
    if (const std::size_t slash = words.resource.find('/'); slash != std::string::npos) {
        after_slash = words.resource.substr(slash + 1);
        words.resource.resize(slash);
        if (after_slash.empty()) {
            return fmt::format("'{}/' names no object after the '/'", words.resource);
        }
    }
    const ResourceResolution resolution = catalog.resolve(words.resource, words.api_group);
    if (resolution.outcome == ResourceResolution::Outcome::kAmbiguous) {
        return fmt::format("'{}' could be {}: name one of them (RESOURCE.GROUP)", words.resource,
                           joined_names(resolution.candidates));
    }
    const ApiResource* resource = resolution.resource;
    if (!words.api_group.empty() && resolution.outcome == ResourceResolution::Outcome::kResolved &&
        resource->group != words.api_group) {
        return fmt::format("'{}' is {} but --api-group says '{}'", words.resource, resource->qualified(),
                           words.api_group);
    }
    if (!after_slash.empty()) {
        const bool subresource = resource != nullptr && after_slash.find('/') == std::string::npos &&
                                 resource->has_subresource(after_slash);
        if (subresource && !words.subresource.empty() && words.subresource != after_slash) {
            return fmt::format("'{}/{}' names a subresource and --subresource gives another", words.resource,
                               after_slash);
        }
        if (subresource) {
            words.subresource = after_slash;
        } else if (!words.name.empty()) {
            return fmt::format("'{}/{}' names the object '{}' and another name '{}' is given", words.resource,
                               after_slash, after_slash, words.name);
        } else {
            words.name = after_slash;
        }
    }
    if (words.name.find('/') != std::string::npos) {
        return fmt::format(
            "'{}' cannot be an object name: names never hold '/' (for a subresource use "
            "--subresource)",
            words.name);
    }
    Request& request = out.request;
    request.verb = words.verb;
    if (request.verb.empty()) {
        return std::string("a verb is required");
    }
    request.name = words.name;
    request.ns = words.ns;
    request.subresource = words.subresource;
    switch (resolution.outcome) {
        case ResourceResolution::Outcome::kResolved:
            if (resource == nullptr) {  // kResolved always names its resource
                return std::string("internal error: a resolved resource without a resource");
            }
            request.resource = resource->resource;
            request.api_group = resource->group;
            if (resolution.how != "plural" || resolution.resource_word != resource->resource ||
                words.resource.substr(0, words.resource.find('.')) != resolution.resource_word) {
                out.resolved_from =
                    fmt::format("'{}': the {} of {}", words.resource, resolution.how, resource->qualified());
            }
            break;
        case ResourceResolution::Outcome::kWildcard:
            // (assign, not operator= from a literal: GCC 12 at -O3 warns falsely about that copy, -Wrestrict)
            request.resource.assign(1, '*');
            request.api_group = words.api_group;
            break;
        case ResourceResolution::Outcome::kUnknownGroup:
            request.resource = resolution.resource_word;
            request.api_group = resolution.group;
            out.warnings.push_back(fmt::format(
                "the input declares no resource of group '{}' (no CustomResourceDefinition or APIService): "
                "'{}' is taken as written; export the CRDs (kubectl get crd -o yaml) to check it",
                resolution.group, resolution.resource_word));
            out.doubts.push_back(fmt::format("'{}.{}' is not a resource the input declares",
                                             resolution.resource_word, resolution.group));
            break;
        case ResourceResolution::Outcome::kUnknown:
        case ResourceResolution::Outcome::kAmbiguous:
            request.resource = resolution.resource_word;
            request.api_group = resolution.group;
            out.warnings.push_back(fmt::format(
                "the server doesn't have a resource type '{}'{}{}", resolution.resource_word,
                resolution.group.empty() ? "" : fmt::format(" in group '{}'", resolution.group),
                resolution.suggestions.empty()
                    ? ""
                    : fmt::format("; did you mean {}?", fmt::join(resolution.suggestions, " or "))));
            out.doubts.push_back(fmt::format(
                "unknown resource '{}'{}", words.resource,
                resolution.suggestions.empty()
                    ? ""
                    : fmt::format(": did you mean {}?", fmt::join(resolution.suggestions, " or "))));
            break;
    }
    if (resource != nullptr && !request.subresource.empty() &&
        !resource->has_subresource(request.subresource)) {
        const auto near = nearest_words(request.subresource, resource->subresources, 1);
        out.warnings.push_back(
            fmt::format("{} has no subresource '{}'{}", resource->qualified(), request.subresource,
                        near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
        out.doubts.push_back(
            fmt::format("unknown subresource '{}' of {}", request.subresource, resource->qualified()));
    }
    if (resource != nullptr && !resource->namespaced && !request.ns.empty()) {
        out.warnings.push_back(fmt::format("resource '{}' is not namespace scoped; asked at cluster scope",
                                           resource->qualified()));
        request.ns.clear();
    }
    if (!is_known_verb(request.verb, VerbUse::kResource)) {
        const auto near = nearest_words(request.verb, plain_verbs(VerbUse::kResource), 1);
        out.warnings.push_back(
            fmt::format("verb '{}' is not a known verb{}", request.verb,
                        near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
        out.doubts.push_back(fmt::format("unknown verb '{}'", request.verb));
    }
    return out;
}

void apply_request_doubts(Decision& decision, const std::vector<std::string>& doubts) {
    if (doubts.empty() || decision.verdict != Verdict::kDenied) {
        return;
    }
    decision.verdict = Verdict::kUndetermined;
    decision.reasons.insert(decision.reasons.begin(), doubts.begin(), doubts.end());
}

}  // namespace rbacgraph
