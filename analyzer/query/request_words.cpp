// A request as a user words it (kubectl-like) turned into the request the API server would authorize.
#include <fmt/format.h>

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
