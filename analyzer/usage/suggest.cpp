// Least privilege, written out: the Roles that allow exactly what a caller was seen to do, after audit2rbac's
// generator (liggitt/audit2rbac pkg/process.go, usage-evidence.md 4.5) with three differences: only allowed
// requests become rules (a refused one is demand, not use), nothing is widened by default (audit2rbac adds
// get/list/watch around what it saw; here every verb was seen), and each suggestion is checked by the grant
// table before it is printed.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "rbacgraph/query.hpp"
#include "rbacgraph/usage.hpp"

namespace rbacgraph {
namespace {

// The groups a caller keeps whatever its mapping says: the API server adds them (system:authenticated) or
// derives them from the username (serviceaccount/util.go MakeGroupNames).
std::vector<std::string> kept_groups(const CallerUsage& caller) {
    std::vector<std::string> groups = {"system:authenticated"};
    if (const auto service_account = split_service_account_username(caller.username)) {
        groups.insert(groups.begin(),
                      {"system:serviceaccounts", "system:serviceaccounts:" + service_account->first});
    }
    return groups;
}

std::string safe_name(std::string_view text) {
    // Object names are DNS subdomains: lower case, digits, '-' and '.'; others become '-'.
    std::string out;
    for (const char c : text) {
        const char lowered = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out += (std::isalnum(static_cast<unsigned char>(lowered)) != 0 || lowered == '-' || lowered == '.')
                   ? lowered
                   : '-';
    }
    while (!out.empty() && (out.front() == '-' || out.front() == '.')) {
        out.erase(0, 1);
    }
    while (!out.empty() && (out.back() == '-' || out.back() == '.')) {
        out.pop_back();
    }
    if (out.size() > 200) {
        out.resize(200);
    }
    return "least-privilege-" + (out.empty() ? std::string("caller") : out);
}

// What one scope (the cluster, or one namespace) needs: per (group, resource) and verb, the names used, or
// none (any name) when one request named nothing.
struct ScopeUse {
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::optional<std::set<std::string>>>>
        resources;
    std::map<std::string, std::set<std::string>> paths;  ///< URL -> verbs
};

std::vector<PolicyRule> compact(const ScopeUse& use, std::size_t max_names,
                                std::vector<std::string>& widened) {
    // (group, resource, names) -> verbs, then rules with equal (group, names, verbs) share one resource list:
    // every (verb, resource, name) a rule allows was seen, so nothing is granted that was not used.
    std::map<std::tuple<std::string, std::vector<std::string>, std::string>, std::set<std::string>> by_names;
    for (const auto& [key, verbs] : use.resources) {
        for (const auto& [verb, names] : verbs) {
            std::vector<std::string> listed;
            if (names) {
                if (names->size() <= max_names) {
                    listed.assign(names->begin(), names->end());
                } else {
                    widened.push_back(fmt::format("{} {}{}: {} names seen, granted on every name", verb,
                                                  key.second, key.first.empty() ? "" : "." + key.first,
                                                  names->size()));
                }
            }
            by_names[{key.first, listed, key.second}].insert(verb);
        }
    }
    std::map<std::tuple<std::string, std::vector<std::string>, std::vector<std::string>>,
             std::vector<std::string>>
        rules;
    for (const auto& [key, verbs] : by_names) {
        const auto& [group, names, resource] = key;
        rules[{group, names, std::vector<std::string>(verbs.begin(), verbs.end())}].push_back(resource);
    }
    std::vector<PolicyRule> out;
    for (const auto& [key, resources] : rules) {
        const auto& [group, names, verbs] = key;
        PolicyRule rule;
        rule.api_groups = {group};
        rule.resources = resources;
        rule.verbs = verbs;
        rule.resource_names = names;
        out.push_back(std::move(rule));
    }
    std::map<std::vector<std::string>, std::vector<std::string>> urls;
    for (const auto& [path, verbs] : use.paths) {
        urls[std::vector<std::string>(verbs.begin(), verbs.end())].push_back(path);
    }
    for (const auto& [verbs, paths] : urls) {
        PolicyRule rule;
        rule.non_resource_urls = paths;
        rule.verbs = verbs;
        out.push_back(std::move(rule));
    }
    return out;
}

std::string combined_resource(const Request& request) {
    return request.subresource.empty() ? request.resource : request.resource + "/" + request.subresource;
}

// A suggestion's graph holds its roles and what every cluster has (when the export's graph adds it).
GraphOptions options_like(const Graph& graph) {
    GraphOptions options;
    options.builtin_objects = graph.options().builtin_objects;
    options.kubernetes_version = graph.kubernetes_version();
    return options;
}

class SuggestionGraph {
  public:
    SuggestionGraph(const Graph& graph, const RoleSuggestion& suggestion)
        : graph_(make(graph, suggestion)),
          authorizer_(graph_, kubernetes_identity(suggestion.username, suggestion.groups)) {}
    Decision ask(const Request& request) const { return authorizer_.authorize(request); }

  private:
    static Graph make(const Graph& graph, const RoleSuggestion& suggestion) {
        Export objects;
        objects.roles = suggestion.roles;
        objects.bindings = suggestion.bindings;
        return Graph(std::move(objects), options_like(graph));
    }

    Graph graph_;
    Authorizer authorizer_;
};

// One principal's callers: every session of an IAM role or user (their usernames may differ, as with
// {{SessionName}} or an access entry's default username), or one Kubernetes identity.
struct PrincipalCallers {
    std::vector<const CallerUsage*> callers;
    std::string arn;
};

std::string role_or_user_name(std::string_view arn) {
    const std::size_t slash = arn.rfind('/');
    return std::string(slash == std::string_view::npos ? arn : arn.substr(slash + 1));
}

std::string requests_text(std::size_t count) {
    return fmt::format("{} {}", count, count == 1 ? "request" : "requests");
}

std::vector<std::string> mapping_change(const CallerUsage& caller, const RoleSuggestion& suggestion) {
    std::vector<std::string> lines;
    const Identity& identity = caller.identity;
    std::vector<std::string> dropped;
    for (const std::string& group : caller.groups) {
        if (std::find(suggestion.groups.begin(), suggestion.groups.end(), group) == suggestion.groups.end()) {
            dropped.push_back(group);
        }
    }
    const std::string target = suggestion.subject.kind == "Group" ? suggestion.subject.name : "";
    switch (identity.source) {
        case IdentitySource::kMapRoles:
        case IdentitySource::kMapUsers:
            lines.push_back(
                fmt::format("{}: groups [{}] -> [{}]", caller.mapping, fmt::join(dropped, ", "), target));
            break;
        case IdentitySource::kAccessEntry:
            lines.push_back(fmt::format("{}: kubernetesGroups [{}] -> [{}]", caller.mapping,
                                        fmt::join(dropped, ", "), target));
            break;
        case IdentitySource::kCreator:
            lines.push_back(
                fmt::format("{}: its admin access is EKS's own (bootstrapClusterCreatorAdminPermissions); "
                            "create an access entry with kubernetesGroups [{}] instead",
                            caller.mapping, target));
            break;
        default:
            if (!dropped.empty()) {
                lines.push_back(
                    fmt::format("its groups [{}] come from its credentials, not from the export: bind "
                                "it as below and take those groups' grants away from it at the "
                                "identity provider",
                                fmt::join(dropped, ", ")));
            }
            break;
    }
    for (const GrantUse& grant : caller.grants) {
        if (!grant.builtin && grant.via.rfind("access policy ", 0) == 0) {
            lines.push_back(fmt::format("disassociate {} ({})", grant.via, format_location(grant.location)));
        }
    }
    if (lines.empty()) {
        lines.push_back(fmt::format(
            "take {} out of the bindings it holds now (\"removes\") and apply the roles", suggestion.caller));
    }
    return lines;
}

}  // namespace

std::vector<Decision> suggestion_decisions(const Graph& graph, const RoleSuggestion& suggestion,
                                           const std::vector<Request>& requests) {
    const SuggestionGraph under(graph, suggestion);
    std::vector<Decision> out;
    out.reserve(requests.size());
    for (const Request& request : requests) {
        out.push_back(under.ask(request));
    }
    return out;
}

std::vector<RoleSuggestion> suggest_roles(const Graph& graph, const UsageReport& report,
                                          const SuggestOptions& options) {
    std::map<std::string, PrincipalCallers> principals;
    for (const CallerUsage& caller : report.callers) {
        // Nodes are the Node authorizer's. A caller that holds nothing but Kubernetes' own grants (a
        // controller, discovery) has nothing of the export's to narrow.
        const bool holds_own =
            caller.identity.is_masters() || std::any_of(caller.grants.begin(), caller.grants.end(),
                                                        [](const GrantUse& grant) { return !grant.builtin; });
        if (caller.node || caller.allowed.empty() || !holds_own) {
            continue;
        }
        PrincipalCallers& principal = principals[caller.arn.empty() ? "\x01" + caller.username : caller.arn];
        principal.arn = caller.arn;
        principal.callers.push_back(&caller);
    }
    const Graph every_cluster(Export{}, options_like(graph));
    std::vector<RoleSuggestion> out;
    for (const auto& [principal_key, principal] : principals) {
        const CallerUsage& first = *principal.callers.front();
        RoleSuggestion suggestion;
        suggestion.username = first.username;
        suggestion.groups = kept_groups(first);
        const auto service_account = split_service_account_username(first.username);
        std::string name;
        if (!principal.arn.empty()) {
            // Every session of the principal, whatever username each gets: a group of its own, which the
            // mapping gives it instead of the groups it has now.
            name = safe_name(role_or_user_name(principal.arn));
            suggestion.subject = {"Group", "rbac.authorization.k8s.io", name, ""};
            suggestion.groups.push_back(name);
            suggestion.caller = principal.arn;
        } else if (service_account) {
            name = safe_name(service_account->first + "-" + service_account->second);
            suggestion.subject = {"ServiceAccount", "", service_account->second, service_account->first};
            suggestion.caller = suggestion.subject.display();
        } else {
            name = safe_name(first.username);
            suggestion.subject = {"User", "rbac.authorization.k8s.io", first.username, ""};
            suggestion.caller = suggestion.subject.display();
        }
        ScopeUse cluster;
        std::map<std::string, ScopeUse> namespaces;
        std::vector<Request> needed;
        std::vector<const UsedRequest*> needed_uses;
        std::set<std::string> already;
        for (const CallerUsage* caller : principal.callers) {
            // What every cluster's own objects allow the caller as the suggestion leaves it stays allowed
            // without a rule (API discovery, self reviews). Asked of those objects alone, never of the
            // export: a binding the export names however it likes must not make a used request look already
            // allowed.
            const Authorizer kept(every_cluster, kubernetes_identity(caller->username, kept_groups(*caller)));
            for (const UsedRequest& used : caller->allowed) {
                if (used.verdict != Verdict::kAllowed) {
                    continue;  // what the export does not explain is not the export's to narrow
                }
                if (kept.authorize(used.request).allowed()) {
                    already.insert(used.request.display());
                    continue;
                }
                needed.push_back(used.request);
                needed_uses.push_back(&used);
                if (used.request.non_resource) {
                    cluster.paths[used.request.path].insert(used.request.verb);
                }
            }
        }
        suggestion.already_allowed.assign(already.begin(), already.end());
        if (needed.empty()) {
            continue;
        }
        std::vector<std::string> widened;
        // A verb keeps names only if every request of it named one (list and create name none).
        std::map<std::tuple<std::string, std::string, std::string, std::string>,
                 std::optional<std::set<std::string>>>
            verbs;  // (ns, group, resource, verb) -> names, nullopt = some request named none
        std::set<std::tuple<std::string, std::string, std::string, std::string>> too_many_names;
        for (const UsedRequest* used : needed_uses) {
            const Request& request = used->request;
            if (request.non_resource) {
                continue;
            }
            const std::tuple<std::string, std::string, std::string, std::string> key = {
                request.ns, request.api_group, combined_resource(request), request.verb};
            auto [at, inserted] = verbs.try_emplace(key, std::set<std::string>{});
            if (request.name.empty()) {
                at->second.reset();
            } else if (at->second) {
                at->second->insert(used->names.begin(), used->names.end());
                if (used->more_names) {
                    too_many_names.insert(key);  // more than the log keeps: more than any --max-names
                }
            }
        }
        for (const auto& key : too_many_names) {
            verbs[key].reset();
            widened.push_back(fmt::format("{} {}{} -n {}: more than {} names seen, granted on every name",
                                          std::get<3>(key), std::get<2>(key),
                                          std::get<1>(key).empty() ? "" : "." + std::get<1>(key),
                                          std::get<0>(key), UsageLog::kMaxNames));
        }
        for (const auto& [key, names] : verbs) {
            const auto& [ns, group, resource, verb] = key;
            ScopeUse& scope = ns.empty() ? cluster : namespaces[ns];
            scope.resources[{group, resource}][verb] = names;
        }
        // One role and its binding per scope: "" is the cluster (a ClusterRole and ClusterRoleBinding).
        const auto add_scope = [&](const std::string& ns, const ScopeUse& use) {
            std::vector<PolicyRule> rules = compact(use, options.max_names, widened);
            if (rules.empty()) {
                return;
            }
            Role role;
            role.cluster_scoped = ns.empty();
            role.ns = ns;
            role.name = name;
            role.rules = std::move(rules);
            suggestion.roles.push_back(std::move(role));
            Binding binding;
            binding.cluster_scoped = ns.empty();
            binding.ns = ns;
            binding.name = name;
            binding.role_ref = {"rbac.authorization.k8s.io", ns.empty() ? "ClusterRole" : "Role", name};
            binding.subjects = {suggestion.subject};
            suggestion.bindings.push_back(std::move(binding));
        };
        add_scope("", cluster);
        for (const auto& [ns, use] : namespaces) {
            add_scope(ns, use);
        }
        suggestion.widened = std::move(widened);
        // Checked by the grant table: every used request must be allowed by the roles alone.
        const std::vector<Decision> decisions = suggestion_decisions(graph, suggestion, needed);
        for (std::size_t i = 0; i < needed.size(); ++i) {
            if (decisions[i].allowed()) {
                ++suggestion.verified;
            } else {
                suggestion.failures.push_back(needed[i].display());
            }
        }
        // What it holds now, over every session: a grant's use summed, its rules used by any.
        std::map<std::string, GrantUse> held;
        std::vector<std::string> order;
        for (const CallerUsage* caller : principal.callers) {
            for (const GrantUse& grant : caller->grants) {
                if (grant.builtin) {
                    continue;  // Kubernetes' own, held by every caller of its kind
                }
                auto [at, inserted] = held.try_emplace(grant.via, grant);
                if (inserted) {
                    order.push_back(grant.via);
                    continue;
                }
                at->second.requests += grant.requests;
                for (std::size_t r = 0; r < grant.rules_used.size() && r < at->second.rules_used.size();
                     ++r) {
                    at->second.rules_used[r] = at->second.rules_used[r] || grant.rules_used[r];
                }
            }
        }
        if (first.identity.is_masters()) {
            suggestion.removes.push_back("group system:masters (bypasses authorization; cannot be narrowed)");
        }
        for (const std::string& via : order) {
            const GrantUse& grant = held.at(via);
            const auto used = std::count(grant.rules_used.begin(), grant.rules_used.end(), true);
            suggestion.removes.push_back(fmt::format(
                "{}{}: {}", grant.via, grant.cluster_admin ? " (everything, cluster-wide)" : "",
                grant.requests == 0 ? std::string("unused in the window")
                                    : fmt::format("{} of its {} rules used, by {}", used,
                                                  grant.rules_used.size(), requests_text(grant.requests))));
        }
        for (const CallerUsage* caller : principal.callers) {
            for (std::string& line : mapping_change(*caller, suggestion)) {
                if (std::find(suggestion.mapping_change.begin(), suggestion.mapping_change.end(), line) ==
                    suggestion.mapping_change.end()) {
                    suggestion.mapping_change.push_back(std::move(line));
                }
            }
        }
        out.push_back(std::move(suggestion));
    }
    return out;
}

}  // namespace rbacgraph
