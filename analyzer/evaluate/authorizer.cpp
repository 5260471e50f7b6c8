#include <algorithm>
#include <set>
#include <tuple>

#include "rbacgraph/evaluate.hpp"

namespace rbacgraph {
namespace {

constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";

// The text every rendering of the value starts with.
std::string literal_prefix(const IdentityValue& value) {
    std::string prefix;
    for (const ValuePart& part : value.parts) {
        if (part.kind != ValuePart::Kind::kLiteral) {
            break;
        }
        prefix += part.text;
    }
    return prefix;
}

class BindingCollector {
  public:
    explicit BindingCollector(const Graph& graph) : graph_(graph) {}

    void add(const std::vector<SubjectRef>& refs, const ValueMatch& match) {
        if (match.outcome == ValueMatch::Outcome::kNo) {
            return;
        }
        for (const SubjectRef& ref : refs) {
            const bool undetermined = match.outcome == ValueMatch::Outcome::kUnknown;
            matched_.push_back({ref.binding, ref.subject, match.witness, undetermined});
        }
    }

    void add_value(const IdentityValue& value, const std::map<std::string, std::vector<SubjectRef>>& index) {
        if (value.is_literal()) {
            if (const auto found = index.find(value.literal_text()); found != index.end()) {
                add(found->second, {ValueMatch::Outcome::kYes, {}});
            }
            return;
        }
        // Only names starting with the value's literal prefix can match: visit just that range of the index.
        const std::string prefix = literal_prefix(value);
        for (auto it = index.lower_bound(prefix); it != index.end() && it->first.starts_with(prefix); ++it) {
            add(it->second, value.match(it->first));
        }
    }

    void add_service_accounts(const IdentityValue& username) {
        const auto& index = graph_.service_account_subjects();
        if (username.is_literal()) {
            const auto service_account = split_service_account_username(username.literal_text());
            if (!service_account) {
                return;
            }
            const std::string key = service_account->first + "/" + service_account->second;
            if (const auto found = index.find(key); found != index.end()) {
                add(found->second, {ValueMatch::Outcome::kYes, {}});
            }
            return;
        }
        const std::string prefix = literal_prefix(username);
        if (!prefix.starts_with(kServiceAccountPrefix) && !kServiceAccountPrefix.starts_with(prefix)) {
            return;  // cannot be a service-account username
        }
        for (const auto& [key, refs] : index) {
            std::string candidate = std::string(kServiceAccountPrefix) + key;
            candidate[kServiceAccountPrefix.size() + key.find('/')] = ':';
            add(refs, username.match(candidate));
        }
    }

    // One entry per binding, preferring a determined match; binding order is kept.
    std::vector<MatchedBinding> take() {
        std::sort(matched_.begin(), matched_.end(), [](const MatchedBinding& a, const MatchedBinding& b) {
            return std::tie(a.binding, a.undetermined, a.subject) <
                   std::tie(b.binding, b.undetermined, b.subject);
        });
        std::vector<MatchedBinding> out;
        for (MatchedBinding& match : matched_) {
            if (out.empty() || out.back().binding != match.binding) {
                out.push_back(std::move(match));
            }
        }
        return out;
    }

  private:
    const Graph& graph_;
    std::vector<MatchedBinding> matched_;
};

bool role_allows(const Graph& graph, int role, const CompiledRequest& request, std::size_t& rule_index) {
    if (role < 0) {
        return false;
    }
    const auto& compiled = graph.roles()[static_cast<std::size_t>(role)].compiled;
    for (std::size_t i = 0; i < compiled.size(); ++i) {
        if (rule_allows(compiled[i], request)) {
            rule_index = i;
            return true;
        }
    }
    return false;
}

}  // namespace

Authorizer::Authorizer(const Graph& graph, Identity identity)
    : graph_(&graph), identity_(std::move(identity)) {
    if (!identity_.authenticated) {
        return;
    }
    masters_ = identity_.is_masters();
    BindingCollector collector(graph);
    collector.add_value(identity_.username, graph.user_subjects());
    collector.add_service_accounts(identity_.username);
    for (const IdentityValue& group : identity_.groups) {
        collector.add_value(group, graph.group_subjects());
    }
    for (MatchedBinding& match : collector.take()) {
        const BindingNode& node = graph.bindings()[match.binding];
        if (match.undetermined) {
            undetermined_.push_back(std::move(match));
        } else if (node.binding->cluster_scoped) {
            cluster_.push_back(std::move(match));
        } else {
            namespaced_[node.ns].push_back(std::move(match));
        }
    }
}

Decision Authorizer::authorize(const Request& raw_request, bool all_grants) const {
    Decision decision;
    if (!identity_.authenticated) {
        return decision;
    }
    auto grant = [&](Grant found) {
        decision.allowed = true;
        decision.grants.push_back(std::move(found));
        return !all_grants;
    };
    // authorizerfactory privileged group: system:masters is allowed before any other authorizer runs.
    if (masters_ && grant({GrantKind::kMasters, nullptr, {}, 0})) {
        return decision;
    }
    const Request request = normalize_request(raw_request);
    const CompiledRequest compiled = compile_request(graph_->symbols(), request);
    // EKS: access-policy grants and RBAC add up; a namespace scope never grants cluster-scoped requests.
    for (const AccessPolicyGrant* policy : identity_.access_policies) {
        if (!namespace_in_scope(policy->association->scope, request.ns)) {
            continue;
        }
        for (std::size_t i = 0; i < policy->compiled.size(); ++i) {
            if (rule_allows(policy->compiled[i], compiled)) {
                if (grant({GrantKind::kAccessPolicy, policy, {}, i})) {
                    return decision;
                }
                break;
            }
        }
    }
    // rule.go VisitRulesFor: ClusterRoleBindings always, RoleBindings of the request's namespace only.
    std::size_t rule = 0;
    for (const MatchedBinding& match : cluster_) {
        if (role_allows(*graph_, graph_->bindings()[match.binding].role, compiled, rule) &&
            grant({GrantKind::kClusterRoleBinding, nullptr, match, rule})) {
            return decision;
        }
    }
    if (!request.ns.empty() && compiled.ns != kNoSymbol) {
        if (const auto found = namespaced_.find(compiled.ns); found != namespaced_.end()) {
            for (const MatchedBinding& match : found->second) {
                if (role_allows(*graph_, graph_->bindings()[match.binding].role, compiled, rule) &&
                    grant({GrantKind::kRoleBinding, nullptr, match, rule})) {
                    return decision;
                }
            }
        }
    }
    for (const MatchedBinding& match : undetermined_) {
        const BindingNode& node = graph_->bindings()[match.binding];
        const bool in_scope = node.binding->cluster_scoped || (!request.ns.empty() && node.ns == compiled.ns);
        if (in_scope && role_allows(*graph_, node.role, compiled, rule)) {
            decision.undetermined.push_back(
                {node.binding->cluster_scoped ? GrantKind::kClusterRoleBinding : GrantKind::kRoleBinding,
                 nullptr, match, rule});
        }
    }
    return decision;
}

}  // namespace rbacgraph
