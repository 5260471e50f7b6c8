#include <algorithm>
#include <set>
#include <tuple>

#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

bool role_allows(const Graph& graph, int role, const CompiledRequest& request) {
    if (role < 0) {
        return false;
    }
    const auto& rules = graph.roles()[static_cast<std::size_t>(role)].compiled;
    return std::any_of(rules.begin(), rules.end(),
                       [&](const CompiledRule& rule) { return rule_allows(rule, request); });
}

}  // namespace

WhoCan who_can(const Graph& graph, const Request& raw_request) {
    WhoCan result;
    result.request = normalize_request(raw_request);
    for (Identity& identity : mapped_identities(graph)) {
        Authorizer authorizer(graph, std::move(identity));
        Decision decision = authorizer.authorize(result.request);
        if (decision.allowed) {
            result.principals.push_back({authorizer.identity(), decision.grants.front(), false});
        } else if (!decision.undetermined.empty()) {
            result.principals.push_back({authorizer.identity(), decision.undetermined.front(), true});
        }
    }
    // subject_locator.go AllowedSubjects: system:masters first, then subjects of ClusterRoleBindings, then
    // (for a namespaced request) subjects of that namespace's RoleBindings, whose roles allow the request.
    result.subjects.push_back({{"Group", "rbac.authorization.k8s.io", "system:masters", ""},
                               "privileged group (bypasses authorization)",
                               {}});
    const CompiledRequest compiled = compile_request(graph.symbols(), result.request);
    std::set<std::tuple<std::string, std::string, std::string>> seen{{"Group", "", "system:masters"}};
    for (const BindingNode& node : graph.bindings()) {
        const Binding& binding = *node.binding;
        const bool applies = binding.cluster_scoped || (!result.request.ns.empty() &&
                                                        compiled.ns != kNoSymbol && node.ns == compiled.ns);
        if (!applies || !role_allows(graph, node.role, compiled)) {
            continue;
        }
        for (Subject subject : binding.subjects) {
            if (subject.kind == "ServiceAccount" && subject.ns.empty()) {
                if (binding.cluster_scoped) {
                    continue;  // matches nobody
                }
                subject.ns = binding.ns;
            }
            if (seen.insert({subject.kind, subject.ns, subject.name}).second) {
                const std::string via = binding.display() + " -> " +
                                        graph.roles()[static_cast<std::size_t>(node.role)].role->display();
                result.subjects.push_back({std::move(subject), via, binding.location});
            }
        }
    }
    return result;
}

}  // namespace rbacgraph
