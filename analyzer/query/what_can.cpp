#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "rbacgraph/parallel.hpp"
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

// Rows are merged by (scope, namespace, resource, names, via, undetermined): verbs from several rules add up.
// They are gathered in a hash table keyed by those fields joined, then sorted once in that field order.
class RowBuilder {
  public:
    void add_rule(const PolicyRule& rule, PermissionRow::Scope scope, const std::string& ns,
                  const std::string& via, const SourceLocation& location, bool undetermined, bool everyone) {
        everyone_ = everyone;
        if (scope == PermissionRow::Scope::kCluster || scope == PermissionRow::Scope::kNonResource) {
            for (const std::string& url : rule.non_resource_urls) {
                add(PermissionRow::Scope::kNonResource, "", url, {}, via, undetermined, rule.verbs, location);
            }
            if (scope == PermissionRow::Scope::kNonResource) {
                return;
            }
        }
        std::vector<std::string> groups = rule.api_groups;
        for (const std::string& suffix : rule.api_group_suffixes) {
            groups.push_back("*" + suffix);  // every group ending so (an access policy AWS describes so)
        }
        for (const std::string& group : groups) {
            for (const std::string& resource : rule.resources) {
                add(scope, ns, display_resource(resource, group), rule.resource_names, via, undetermined,
                    rule.verbs, location);
            }
        }
    }

    std::vector<PermissionRow> take() {
        const auto key_of = [](const PermissionRow& row) {
            return std::tie(row.scope, row.ns, row.resource, row.resource_names, row.via, row.undetermined);
        };
        std::sort(rows_.begin(), rows_.end(),
                  [&](const PermissionRow& a, const PermissionRow& b) { return key_of(a) < key_of(b); });
        for (PermissionRow& row : rows_) {
            std::sort(row.verbs.begin(), row.verbs.end());
            row.verbs.erase(std::unique(row.verbs.begin(), row.verbs.end()), row.verbs.end());
            if (std::binary_search(row.verbs.begin(), row.verbs.end(), "*")) {
                row.verbs = {"*"};
            }
        }
        index_.clear();
        return std::move(rows_);
    }

  private:
    void add(PermissionRow::Scope scope, const std::string& ns, const std::string& resource,
             const std::vector<std::string>& names, const std::string& via, bool undetermined,
             const std::vector<std::string>& verbs, const SourceLocation& location) {
        key_.assign(1, static_cast<char>('0' + static_cast<int>(scope)));
        for (const std::string* part : {&ns, &resource, &via}) {
            key_.push_back('\0');
            key_.append(*part);
        }
        for (const std::string& name : names) {
            key_.push_back('\1');
            key_.append(name);
        }
        key_.push_back(undetermined ? 'u' : 'd');
        auto [found, inserted] = index_.try_emplace(key_, rows_.size());
        if (inserted) {
            PermissionRow row;
            row.scope = scope;
            row.ns = ns;
            row.resource = resource;
            row.resource_names = names;
            row.via = via;
            row.via_location = location;
            row.undetermined = undetermined;
            row.everyone = everyone_;
            rows_.push_back(std::move(row));
        }
        PermissionRow& row = rows_[found->second];
        row.verbs.insert(row.verbs.end(), verbs.begin(), verbs.end());
        if (row.via_location.file.empty()) {
            row.via_location = location;
        }
    }

    std::string key_;
    bool everyone_ = false;
    std::unordered_map<std::string, std::size_t> index_;
    std::vector<PermissionRow> rows_;
};

// A built-in binding (equal to its definition, and its role too) to every authenticated or anonymous user:
// the bootstrap discovery, basic-user and public-info-viewer grants. One that only carries such a name, or
// whose role was modified, is listed rule by rule like any other.
bool is_builtin_to_everyone(const Grant& grant) {
    return grant.source == GrantSource::kBinding && grant.holder_kind == HolderKind::kGroup &&
           grant.builtin &&
           (grant.holder == "system:authenticated" || grant.holder == "system:unauthenticated");
}

// An anonymous identity on EKS: only the health endpoints reach authorization from 1.32, so the rest of what
// its grants allow is left out (1.32+) or undetermined (version unknown), with the reason.
void limit_to_anonymous_reach(const Graph& graph, WhatCan& result) {
    if (!is_anonymous_identity(result.identity)) {
        return;
    }
    const AnonymousReach reach = graph.anonymous_reach();
    if (reach.extent == AnonymousReach::Extent::kEveryRequest) {
        return;
    }
    result.reach = reach.reason;
    const auto reached = [](const PermissionRow& row) {
        return row.scope == PermissionRow::Scope::kNonResource && covers_anonymous_health_path(row.resource);
    };
    if (reach.extent == AnonymousReach::Extent::kHealthEndpoints) {
        std::erase_if(result.rows, [&](const PermissionRow& row) { return !reached(row); });
        result.unexpanded.clear();
        result.cluster_admin_via.clear();
        result.masters = false;
        return;
    }
    for (PermissionRow& row : result.rows) {
        row.undetermined = row.undetermined || !reached(row);
    }
    result.cluster_admin_via.clear();
}

}  // namespace

WhatCan what_can(const Graph& graph, const Authorizer& authorizer) {
    return what_can_held(graph, authorizer.identity(), authorizer.held());
}

WhatCan what_can_held(const Graph& graph, const Identity& identity, std::span<const HeldGrant> held) {
    WhatCan result;
    result.identity = identity;
    // An ARN that does not authenticate may still be the principal of an access entry known only after apply.
    if (!result.identity.authenticated && result.identity.may_be.empty()) {
        return result;
    }
    result.masters = result.identity.is_masters();
    RowBuilder rows;
    for (const HeldGrant& match : held) {
        const Grant grant = graph.grants().grant(match.grant);
        if (!grant.in_force) {
            continue;
        }
        const std::string via = describe_grant(graph, GrantMatch{match.grant, match.witness, 0, {}});
        const SourceLocation& location = grant.location();
        const std::vector<std::string> namespaces = grant.namespaces();
        const bool everyone = is_builtin_to_everyone(grant);
        if (grant.coverage != RuleCoverage::kExact) {
            result.unexpanded.push_back(
                {via, namespaces, location, grant.coverage == RuleCoverage::kLowerBound});
        }
        for (const PolicyRule& rule : *grant.rules) {
            if (namespaces.empty() && grant.scope == GrantScope::kCluster) {
                rows.add_rule(rule, PermissionRow::Scope::kCluster, "", via, location, match.undetermined,
                              everyone);
                continue;
            }
            for (const std::string& ns : namespaces) {
                rows.add_rule(rule, PermissionRow::Scope::kNamespace, ns, via, location, match.undetermined,
                              everyone);
            }
        }
        if (grant.cluster_admin() && !match.undetermined) {
            result.cluster_admin_via.push_back(via);
        }
    }
    result.rows = rows.take();
    limit_to_anonymous_reach(graph, result);
    std::sort(result.cluster_admin_via.begin(), result.cluster_admin_via.end());
    result.cluster_admin_via.erase(
        std::unique(result.cluster_admin_via.begin(), result.cluster_admin_via.end()),
        result.cluster_admin_via.end());
    return result;
}

namespace {

// An EKS access scope's namespace may end in '*' (eks-iam.md section 5); an RBAC namespace is exact.
bool namespace_covers(std::string_view pattern, std::string_view ns) {
    if (pattern.ends_with('*')) {
        pattern.remove_suffix(1);
        return ns.starts_with(pattern);
    }
    return pattern == ns;
}

// system:masters is allowed before any rule is read: what cluster-admin's rules say, whether or not the
// export holds the binding of system:masters to it.
std::vector<PermissionRow> masters_rows(bool masters) {
    std::vector<PermissionRow> rows;
    if (!masters) {
        return rows;
    }
    for (const auto scope : {PermissionRow::Scope::kCluster, PermissionRow::Scope::kNonResource}) {
        PermissionRow& row = rows.emplace_back();
        row.scope = scope;
        row.resource = scope == PermissionRow::Scope::kCluster ? "*.*" : "*";
        row.verbs = {"*"};
        row.via = "group system:masters";
    }
    return rows;
}

bool in_force_in(const std::vector<std::string>& namespaces, std::string_view ns) {
    return std::any_of(namespaces.begin(), namespaces.end(),
                       [&](const std::string& pattern) { return namespace_covers(pattern, ns); });
}

}  // namespace

RulesInNamespace rules_in_namespace(const WhatCan& result, std::string_view ns) {
    RulesInNamespace listed;
    listed.ns = std::string(ns);
    listed.masters = result.masters;
    // Keyed by what kubectl prints on one line; verbs and sources add up.
    std::map<std::tuple<bool, std::string, std::vector<std::string>, bool>, ListedRule> merged;
    const std::vector<PermissionRow> masters = masters_rows(result.masters);
    for (const std::vector<PermissionRow>* rows : std::array{&masters, &result.rows}) {
        for (const PermissionRow& row : *rows) {
            if (row.scope == PermissionRow::Scope::kNamespace &&
                (ns.empty() || !namespace_covers(row.ns, ns))) {
                continue;
            }
            const bool url = row.scope == PermissionRow::Scope::kNonResource;
            ListedRule& rule = merged[{url, row.resource, row.resource_names, row.undetermined}];
            if (rule.verbs.empty() && rule.via.empty()) {
                (url ? rule.non_resource_url : rule.resource) = row.resource;
                rule.resource_names = row.resource_names;
                rule.undetermined = row.undetermined;
            }
            rule.verbs.insert(rule.verbs.end(), row.verbs.begin(), row.verbs.end());
            rule.via.push_back(row.via);
        }
    }
    for (auto& [key, rule] : merged) {
        for (std::vector<std::string>* words : {&rule.verbs, &rule.via}) {
            std::sort(words->begin(), words->end());
            words->erase(std::unique(words->begin(), words->end()), words->end());
        }
        if (std::binary_search(rule.verbs.begin(), rule.verbs.end(), "*")) {
            rule.verbs = {"*"};
        }
        listed.rules.push_back(std::move(rule));
    }
    for (const UnexpandedGrant& grant : result.unexpanded) {
        if (grant.namespaces.empty() || (!ns.empty() && in_force_in(grant.namespaces, ns))) {
            listed.unexpanded.push_back(grant);
        }
    }
    return listed;
}

std::vector<WhatCan> what_can_each(const Graph& graph, const std::vector<Identity>& identities) {
    std::vector<WhatCan> results(identities.size());
    for_each_index(identities.size(), core_count(),
                   [&](std::size_t i) { results[i] = what_can(graph, Authorizer(graph, identities[i])); });
    return results;
}

}  // namespace rbacgraph
