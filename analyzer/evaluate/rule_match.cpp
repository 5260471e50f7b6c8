#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/evaluate.hpp"

namespace rbacgraph {
namespace {

bool contains(const std::vector<Symbol>& list, Symbol symbol) {
    return symbol != kNoSymbol && std::find(list.begin(), list.end(), symbol) != list.end();
}

}  // namespace

std::string Request::display() const {
    if (non_resource) {
        return fmt::format("{} {}", verb, path);
    }
    std::string text = fmt::format("{} {}", verb, resource);
    if (!api_group.empty()) {
        text += "." + api_group;
    }
    if (!subresource.empty()) {
        text += "/" + subresource;
    }
    if (!name.empty()) {
        text += " " + name;
    }
    text += ns.empty() ? " (cluster scope)" : fmt::format(" -n {}", ns);
    return text;
}

Request normalize_request(Request request) {
    // requestinfo.go: /api/v1/namespaces/foo has namespace "foo", so RoleBindings in foo apply to it.
    if (!request.non_resource && request.resource == "namespaces" && request.api_group.empty() &&
        !request.name.empty() && request.ns.empty()) {
        request.ns = request.name;
    }
    return request;
}

CompiledRequest compile_request(const SymbolTable& symbols, const Request& request) {
    CompiledRequest out;
    out.non_resource = request.non_resource;
    out.verb = symbols.find(request.verb);
    out.path = request.path;
    if (request.non_resource) {
        return out;
    }
    out.api_group = symbols.find(request.api_group);
    out.has_subresource = !request.subresource.empty();
    if (out.has_subresource) {
        out.combined = symbols.find(request.resource + "/" + request.subresource);
        out.subresource = symbols.find(request.subresource);
    } else {
        out.combined = symbols.find(request.resource);
    }
    out.name = symbols.find(request.name);
    out.ns = symbols.find(request.ns);
    return out;
}

bool rule_allows(const CompiledRule& rule, const CompiledRequest& request) {
    // k8s evaluation_helpers.go VerbMatches: "*" or exact, case-sensitive.
    if (!rule.any_verb && !contains(rule.verbs, request.verb)) {
        return false;
    }
    if (request.non_resource) {
        // NonResourceURLMatches: "*", exact, or a prefix for entries that ended in '*'.
        if (rule.any_url ||
            std::find(rule.url_exact.begin(), rule.url_exact.end(), request.path) != rule.url_exact.end()) {
            return true;
        }
        return std::any_of(rule.url_prefixes.begin(), rule.url_prefixes.end(),
                           [&](const std::string& prefix) { return request.path.starts_with(prefix); });
    }
    if (!rule.any_group && !contains(rule.api_groups, request.api_group)) {
        return false;
    }
    const bool resource_ok =
        rule.any_resource || contains(rule.resources, request.combined) ||
        (request.has_subresource && contains(rule.star_subresources, request.subresource));
    if (!resource_ok) {
        return false;
    }
    // ResourceNameMatches: no names allows any (even none); otherwise the request's name must be listed,
    // and a request without a name (list, create) has "" which only a literal "" entry matches.
    return rule.resource_names.empty() || contains(rule.resource_names, request.name);
}

bool namespace_in_scope(const AccessScope& scope, std::string_view ns) {
    if (scope.cluster_wide) {
        return true;
    }
    if (ns.empty()) {
        return false;
    }
    return std::any_of(scope.namespaces.begin(), scope.namespaces.end(), [&](const std::string& pattern) {
        if (pattern.ends_with('*')) {
            return ns.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
        }
        return pattern == ns;
    });
}

}  // namespace rbacgraph
