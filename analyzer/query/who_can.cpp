#include <algorithm>
#include <set>
#include <tuple>

#include "rbacgraph/query.hpp"

namespace rbacgraph {

WhoCan who_can(const MappedAccess& access, const Request& raw_request) {
    const Graph& graph = access.graph();
    WhoCan result;
    result.request = normalize_request(raw_request);
    const CompiledRequest compiled = compile_request(graph.symbols(), result.request);
    const std::vector<AllowingGrant> allowing = graph.grants().allowing(compiled);

    // Principals: whoever holds a row that allows (or may), system:masters members, and identities that are
    // not fully known; each is then asked forward, so that who-can and can-i give one answer.
    const auto& authorizers = access.authorizers();
    std::vector<char> candidate(authorizers.size(), 0);
    for (const AllowingGrant& grant : allowing) {
        for (const std::uint32_t holder : access.holders(grant.grant)) {
            candidate[holder] = 1;
        }
    }
    for (const std::uint32_t master : access.masters()) {
        candidate[master] = 1;
    }
    for (const std::uint32_t open : access.open()) {
        candidate[open] = 1;
    }
    std::vector<WhoCanPrincipal> maybe;
    for (std::size_t a = 0; a < authorizers.size(); ++a) {
        if (!candidate[a]) {
            continue;
        }
        Decision decision = authorizers[a].authorize(result.request);
        if (decision.allowed()) {
            result.principals.push_back({authorizers[a].identity(), decision.grants.front(), false});
        } else if (decision.verdict == Verdict::kUndetermined) {
            GrantMatch grant;
            if (!decision.undetermined.empty()) {
                grant = decision.undetermined.front();
            } else {
                grant.undetermined = decision.reasons.front();
            }
            maybe.push_back({authorizers[a].identity(), std::move(grant), true});
        }
    }
    std::move(maybe.begin(), maybe.end(), std::back_inserter(result.principals));

    // subject_locator.go AllowedSubjects: system:masters first, then the subjects of the bindings whose roles
    // allow the request (ClusterRoleBindings, and RoleBindings of the request's namespace), as they match.
    result.subjects.push_back({{"Group", "rbac.authorization.k8s.io", "system:masters", ""},
                               "privileged group (bypasses authorization)",
                               {},
                               false});
    std::set<std::tuple<std::string, std::string, std::string>> seen{{"Group", "", "system:masters"}};
    // Those that are allowed first; a subject some binding may allow but another does is allowed.
    for (const Verdict wanted : {Verdict::kAllowed, Verdict::kUndetermined}) {
        for (const AllowingGrant& candidate_grant : allowing) {
            const Grant grant = graph.grants().grant(candidate_grant.grant);
            if (grant.source != GrantSource::kBinding || candidate_grant.answer.verdict != wanted) {
                continue;
            }
            Subject subject = grant.subject();
            if (!seen.insert({subject.kind, subject.ns, subject.name}).second) {
                continue;
            }
            std::string via = describe_binding(graph, grant.source_index);
            result.subjects.push_back({std::move(subject), std::move(via), grant.binding->location,
                                       wanted == Verdict::kUndetermined});
        }
    }
    return result;
}

WhoCan who_can(const Graph& graph, const Request& request) {
    return who_can(MappedAccess(graph), request);
}

}  // namespace rbacgraph
