#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

std::vector<std::string> sorted_names(const SymbolTable& symbols, const std::vector<Symbol>& names) {
    std::vector<std::string> out;
    out.reserve(names.size());
    for (const Symbol name : names) {
        out.emplace_back(symbols.name(name));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// The grants that allow the request for listed names only (NameQuery::kListedNames: a rule limited by
// resourceNames counts for the names it lists), and who holds them, beyond those the request allows.
void add_holders_for_names(const MappedAccess& access, const AnonymousReach& reach, WhoCan& result) {
    const Graph& graph = access.graph();
    const CompiledRequest listed =
        compile_request(graph.symbols(), result.request, {.names = NameQuery::kListedNames});
    std::vector<AllowingGrant> named;
    for (AllowingGrant& grant : graph.grants().allowing(listed)) {
        if (grant.answer.verdict == Verdict::kAllowed && !grant.answer.names.empty()) {
            named.push_back(std::move(grant));
        }
    }
    if (named.empty()) {
        return;
    }
    // Principals: each asked through its authorizer (which knows how it matches), so the names are the ones
    // can-i would allow; the grant shown is the first listed one it holds.
    std::set<std::string> already;
    for (const WhoCanPrincipal& principal : result.principals) {
        already.insert(principal.identity.arn);
    }
    const auto& authorizers = access.authorizers();
    std::vector<std::optional<GrantId>> first(authorizers.size());
    for (const AllowingGrant& grant : named) {
        for (const std::uint32_t holder : access.holders(grant.grant)) {
            if (!first[holder]) {
                first[holder] = grant.grant;
            }
        }
    }
    for (std::size_t a = 0; a < authorizers.size(); ++a) {
        if (!first[a] || already.contains(authorizers[a].identity().arn)) {
            continue;
        }
        const std::optional<std::vector<std::string>> names = authorizers[a].allowed_names(result.request);
        if (!names || names->empty()) {
            continue;  // none, or every name (then it is among the allowed)
        }
        const Grant grant = graph.grants().grant(*first[a]);
        result.for_names.push_back({authorizers[a].identity(), std::nullopt, *names,
                                    describe_grant(graph, GrantMatch{*first[a], {}, 0, {}}),
                                    grant.location()});
    }
    // Subjects of bindings, as the subject locator would list them for a request naming one of the names.
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (const WhoCanSubject& subject : result.subjects) {
        seen.insert({subject.subject.kind, subject.subject.ns, subject.subject.name});
    }
    // Anonymous requests EKS 1.32+ refuses before authorization hold no name (Authorizer::allowed_names).
    const bool refused_anonymous = reach.extent != AnonymousReach::Extent::kEveryRequest;
    std::map<std::tuple<std::string, std::string, std::string>, std::size_t> at;
    for (const AllowingGrant& allowing : named) {
        const Grant grant = graph.grants().grant(allowing.grant);
        if (grant.source != GrantSource::kBinding) {
            continue;
        }
        Subject subject = grant.subject();
        const std::tuple<std::string, std::string, std::string> key{subject.kind, subject.ns, subject.name};
        if (seen.contains(key) || (refused_anonymous && is_anonymous_subject(subject))) {
            continue;
        }
        const std::vector<std::string> names = sorted_names(graph.symbols(), allowing.answer.names);
        if (const auto found = at.find(key); found != at.end()) {
            std::vector<std::string>& held = result.for_names[found->second].names;
            held.insert(held.end(), names.begin(), names.end());
            std::sort(held.begin(), held.end());
            held.erase(std::unique(held.begin(), held.end()), held.end());
            continue;
        }
        at.emplace(key, result.for_names.size());
        result.for_names.push_back({std::nullopt, std::move(subject), names,
                                    describe_binding(graph, grant.source_index), grant.binding->location});
    }
}

}  // namespace

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
    // Anonymous subjects on EKS: refused before authorization from 1.32, undetermined on an unknown version.
    const AnonymousReach reach =
        is_anonymous_health_request(result.request) ? AnonymousReach{} : graph.anonymous_reach();
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
            WhoCanSubject holder{std::move(subject), std::move(via), grant.binding->location,
                                 wanted == Verdict::kUndetermined};
            if (reach.extent != AnonymousReach::Extent::kEveryRequest &&
                is_anonymous_subject(holder.subject)) {
                result.anonymous_reach = reach.reason;
                if (reach.extent == AnonymousReach::Extent::kHealthEndpoints) {
                    result.refused.push_back(std::move(holder));
                    continue;
                }
                holder.undetermined = true;
            }
            result.subjects.push_back(std::move(holder));
        }
    }
    if (result.request.name.empty() && !result.request.non_resource) {
        add_holders_for_names(access, reach, result);
    }
    // Users and groups an OIDC identity provider's tokens can be (eks-iam.md 12 E15).
    for (WhoCanSubject& holder : result.subjects) {
        holder.oidc = oidc_origins(graph.source().oidc_providers, holder.subject.kind, holder.subject.name);
    }
    return result;
}

WhoCan who_can(const Graph& graph, const Request& request) {
    return who_can(MappedAccess(graph), request);
}

}  // namespace rbacgraph
