#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

// kubectl auth can-i --list style: resource.group, with the subresource after the group.
std::string display_resource(const std::string& resource, const std::string& group) {
    const std::size_t slash = resource.find('/');
    const std::string base = resource.substr(0, slash);
    const std::string sub = slash == std::string::npos ? "" : resource.substr(slash);
    return base + (group.empty() ? "" : "." + group) + sub;
}

using RowKey =
    std::tuple<PermissionRow::Scope, std::string, std::string, std::vector<std::string>, std::string, bool>;

struct RowValue {
    std::set<std::string> verbs;
    SourceLocation location;
};

class RowBuilder {
  public:
    void add_rule(const PolicyRule& rule, PermissionRow::Scope scope, const std::string& ns,
                  const std::string& via, const SourceLocation& location, bool undetermined) {
        if (scope == PermissionRow::Scope::kCluster || scope == PermissionRow::Scope::kNonResource) {
            for (const std::string& url : rule.non_resource_urls) {
                add({PermissionRow::Scope::kNonResource, "", url, {}, via, undetermined}, rule.verbs,
                    location);
            }
            if (scope == PermissionRow::Scope::kNonResource) {
                return;
            }
        }
        for (const std::string& group : rule.api_groups) {
            for (const std::string& resource : rule.resources) {
                add({scope, ns, display_resource(resource, group), rule.resource_names, via, undetermined},
                    rule.verbs, location);
            }
        }
    }

    std::vector<PermissionRow> take() {
        std::vector<PermissionRow> rows;
        rows.reserve(rows_.size());
        for (auto& [key, value] : rows_) {
            PermissionRow row;
            std::tie(row.scope, row.ns, row.resource, row.resource_names, row.via, row.undetermined) = key;
            row.verbs = value.verbs.count("*") > 0
                            ? std::vector<std::string>{"*"}
                            : std::vector<std::string>(value.verbs.begin(), value.verbs.end());
            row.via_location = value.location;
            rows.push_back(std::move(row));
        }
        return rows;
    }

  private:
    void add(RowKey key, const std::vector<std::string>& verbs, const SourceLocation& location) {
        RowValue& value = rows_[std::move(key)];
        value.verbs.insert(verbs.begin(), verbs.end());
        if (value.location.file.empty()) {
            value.location = location;
        }
    }

    std::map<RowKey, RowValue> rows_;
};

bool grants_everything(const PolicyRule& rule) {
    auto has_star = [](const std::vector<std::string>& list) {
        return std::find(list.begin(), list.end(), "*") != list.end();
    };
    return has_star(rule.verbs) && has_star(rule.api_groups) && has_star(rule.resources) &&
           rule.resource_names.empty();
}

std::string via_binding(const Graph& graph, const MatchedBinding& match) {
    Grant grant{GrantKind::kClusterRoleBinding, nullptr, match, 0};
    return describe_grant(graph, grant);
}

}  // namespace

WhatCan what_can(const Graph& graph, const Authorizer& authorizer) {
    WhatCan result;
    result.identity = authorizer.identity();
    if (!result.identity.authenticated) {
        return result;
    }
    result.masters = result.identity.is_masters();
    RowBuilder rows;
    for (const AccessPolicyGrant* policy : result.identity.access_policies) {
        if (policy->definition == nullptr) {
            continue;
        }
        const Grant grant{GrantKind::kAccessPolicy, policy, {}, 0};
        const std::string via = describe_grant(graph, grant);
        const AccessScope& scope = policy->association->scope;
        for (const PolicyRule& rule : policy->definition->rules) {
            if (scope.cluster_wide) {
                rows.add_rule(rule, PermissionRow::Scope::kCluster, "", via, policy->association->location,
                              false);
                if (grants_everything(rule)) {
                    result.cluster_admin_via.push_back(via);
                }
                continue;
            }
            for (const std::string& ns : scope.namespaces) {
                rows.add_rule(rule, PermissionRow::Scope::kNamespace, ns, via, policy->association->location,
                              false);
            }
        }
    }
    auto add_binding = [&](const MatchedBinding& match) {
        const BindingNode& node = graph.bindings()[match.binding];
        if (node.role < 0) {
            return;
        }
        const std::string via = via_binding(graph, match);
        const bool cluster = node.binding->cluster_scoped;
        for (const PolicyRule& rule : graph.roles()[static_cast<std::size_t>(node.role)].rules) {
            rows.add_rule(rule, cluster ? PermissionRow::Scope::kCluster : PermissionRow::Scope::kNamespace,
                          cluster ? "" : node.binding->ns, via, node.binding->location, match.undetermined);
            if (cluster && !match.undetermined && grants_everything(rule)) {
                result.cluster_admin_via.push_back(via);
            }
        }
    };
    for (const MatchedBinding& match : authorizer.cluster_bindings()) {
        add_binding(match);
    }
    for (const auto& [ns, matches] : authorizer.namespace_bindings()) {
        for (const MatchedBinding& match : matches) {
            add_binding(match);
        }
    }
    for (const MatchedBinding& match : authorizer.undetermined_bindings()) {
        add_binding(match);
    }
    result.rows = rows.take();
    std::sort(result.cluster_admin_via.begin(), result.cluster_admin_via.end());
    result.cluster_admin_via.erase(
        std::unique(result.cluster_admin_via.begin(), result.cluster_admin_via.end()),
        result.cluster_admin_via.end());
    return result;
}

}  // namespace rbacgraph
