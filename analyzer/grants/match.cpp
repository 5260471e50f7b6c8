#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "rbacgraph/grants.hpp"

namespace rbacgraph {
namespace {

bool contains(std::span<const Symbol> list, Symbol symbol) {
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

namespace {

// requestinfo.go: /api/v1/namespaces/foo has namespace "foo", so RoleBindings in foo apply to it.
bool namespace_is_its_name(const Request& request) {
    return !request.non_resource && request.resource == "namespaces" && request.api_group.empty() &&
           !request.name.empty() && request.ns.empty();
}

}  // namespace

Request normalize_request(Request request) {
    if (namespace_is_its_name(request)) {
        request.ns = request.name;
    }
    return request;
}

const Request& normalized_view(const Request& raw, std::optional<Request>& storage) {
    if (!namespace_is_its_name(raw)) {
        return raw;
    }
    return storage.emplace(normalize_request(raw));
}

CompiledRequest compile_request(const SymbolTable& symbols, const Request& request, Ask ask) {
    CompiledRequest out;
    out.non_resource = request.non_resource;
    out.namespaces = ask.namespaces;
    out.names = ask.names;
    out.groups = ask.groups;
    out.any_resource = ask.any_resource;
    out.verb = symbols.find(request.verb);
    out.path = request.path;
    if (request.non_resource) {
        return out;
    }
    out.api_group = symbols.find(request.api_group);
    out.api_group_text = request.api_group;
    if (ask.groups == GroupQuery::kSuffix) {
        // The groups the graph names that end in ".<group>": a rule naming one of them matches. Appended in
        // steps: GCC 12 at -O3 reports a false -Wrestrict on "." + a string.
        out.group_suffix.push_back('.');
        out.group_suffix += request.api_group;
        for (Symbol symbol = 0; symbol < symbols.size(); ++symbol) {
            if (symbols.name(symbol).ends_with(out.group_suffix)) {
                out.suffix_groups.push_back(symbol);
            }
        }
    }
    out.has_subresource = !request.subresource.empty();
    if (out.has_subresource) {
        thread_local std::string combined;  // reused: a string per compiled request was a malloc each
        combined.assign(request.resource).append("/").append(request.subresource);
        out.combined = symbols.find(combined);
        out.subresource = symbols.find(request.subresource);
    } else {
        out.combined = symbols.find(request.resource);
    }
    out.name = symbols.find(request.name);
    out.ns = symbols.find(request.ns);
    out.has_namespace = !request.ns.empty();
    out.ns_text = request.ns;
    return out;
}

namespace {

// APIGroupMatches, for one group or (GroupQuery::kSuffix) for some group ending in ".<group>".
bool group_matches(const CompiledRule& rule, const CompiledRequest& request) {
    if (rule.any_group) {
        return true;
    }
    if (request.groups == GroupQuery::kSuffix) {
        // A rule naming such a group, or naming groups by a suffix at least as narrow (AmazonEKSACKPolicy's
        // ".services.k8s.aws"): either way some group of the family matches.
        return std::any_of(request.suffix_groups.begin(), request.suffix_groups.end(),
                           [&](Symbol group) { return contains(rule.api_groups, group); }) ||
               (rule.rare != nullptr &&
                std::any_of(rule.rare->api_group_suffixes.begin(), rule.rare->api_group_suffixes.end(),
                            [&](const std::string& named) { return named.ends_with(request.group_suffix); }));
    }
    return contains(rule.api_groups, request.api_group) ||
           (rule.rare != nullptr &&
            std::any_of(rule.rare->api_group_suffixes.begin(), rule.rare->api_group_suffixes.end(),
                        [&](const std::string& suffix) { return request.api_group_text.ends_with(suffix); }));
}

// evaluation_helpers.go RuleAllows without the resourceNames test.
bool rule_allows_any_name(const CompiledRule& rule, const CompiledRequest& request) {
    if (!rule.any_verb && !contains(rule.verbs, request.verb)) {
        return false;
    }
    if (!group_matches(rule, request)) {
        return false;
    }
    if (request.any_resource) {
        return rule.any_resource || !rule.resources.empty() || !rule.star_subresources.empty();
    }
    return rule.any_resource || contains(rule.resources, request.combined) ||
           (request.has_subresource && contains(rule.star_subresources, request.subresource));
}

}  // namespace

bool rule_allows(const CompiledRule& rule, const CompiledRequest& request) {
    // k8s evaluation_helpers.go VerbMatches: "*" or exact, case-sensitive.
    if (!rule.any_verb && !contains(rule.verbs, request.verb)) {
        return false;
    }
    if (request.non_resource) {
        // NonResourceURLMatches: "*", exact, or a prefix for entries that ended in '*'.
        if (rule.any_url) {
            return true;
        }
        if (rule.rare == nullptr) {
            return false;
        }
        const auto& exact = rule.rare->url_exact;
        if (std::find(exact.begin(), exact.end(), request.path) != exact.end()) {
            return true;
        }
        return std::any_of(rule.rare->url_prefixes.begin(), rule.rare->url_prefixes.end(),
                           [&](const std::string& prefix) { return request.path.starts_with(prefix); });
    }
    // APIGroupMatches, ResourceMatches ("*", exact resource[/subresource], or "*/subresource").
    if (!rule_allows_any_name(rule, request)) {
        return false;
    }
    // ResourceNameMatches: no names allows any (even none); otherwise the request's name must be listed,
    // and a request without a name (list, create) has "" which only a literal "" entry matches.
    return rule.resource_names.empty() || contains(rule.resource_names, request.name);
}

bool rules_allow(const std::vector<PolicyRule>& rules, const Request& request) {
    SymbolTable symbols;
    const RuleSet set(rules, RuleCoverage::kExact, symbols);
    const CompiledRequest compiled = compile_request(symbols, request);
    return std::any_of(set.compiled.begin(), set.compiled.end(),
                       [&](const CompiledRule& rule) { return rule_allows(rule, compiled); });
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

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::kAllowed:
            return "allowed";
        case Verdict::kUndetermined:
            return "undetermined";
        case Verdict::kDenied:
            break;
    }
    return "denied";
}

bool GrantTable::in_scope(const Row& row, const CompiledRequest& request) const {
    // EKS user guide, grant-k8s-access: access policies belong to access entries, which exist only in the API
    // modes (the row's in_force, decided when the table was built).
    if (!row.in_force) {
        return false;
    }
    // k8s rule.go VisitRulesFor, EKS access scopes: RBAC and access policies never deny, so outside its
    // scope a grant has no opinion.
    switch (row.scope) {
        case GrantScope::kCluster:
            return true;
        case GrantScope::kNamespace:
            // A RoleBinding applies only to namespaced requests in its namespace: never to cluster-scoped
            // resources, all-namespace lists or non-resource URLs.
            if (request.non_resource) {
                return false;
            }
            return request.namespaces == NamespaceQuery::kAny ||
                   (request.has_namespace && row.ns == request.ns);
        case GrantScope::kNamespacePatterns: {
            // EKS access scope "namespace": like a RoleBinding in each namespace that matches.
            if (request.non_resource) {
                return false;
            }
            if (request.namespaces == NamespaceQuery::kAny) {
                return true;
            }
            const AccessScope& scope = graph_->access_policy_grants()[row.source_index].association->scope;
            return request.has_namespace && namespace_in_scope(scope, request.ns_text);
        }
    }
    return false;
}

GrantAnswer GrantTable::rule_set_answer(std::uint32_t rule_set, const CompiledRequest& request) const {
    const RuleSet& set = graph_->rule_sets()[rule_set];
    GrantAnswer answer;
    for (std::size_t i = 0; i < set.compiled.size(); ++i) {
        if (rule_allows(set.compiled[i], request)) {
            answer.verdict = Verdict::kAllowed;
            answer.rule = i;
            return answer;
        }
    }
    // A rule with resourceNames allows those names only (evaluation_helpers.go ResourceNameMatches): asked
    // about some name, it counts for the names it lists.
    if (request.names == NameQuery::kListedNames && !request.non_resource &&
        (request.name == kNoSymbol || graph_->symbols().name(request.name).empty())) {
        for (std::size_t i = 0; i < set.compiled.size(); ++i) {
            const CompiledRule& rule = set.compiled[i];
            if (!rule.resource_names.empty() && rule_allows_any_name(rule, request)) {
                answer.verdict = Verdict::kAllowed;
                answer.rule = i;
                answer.names.assign(rule.resource_names.begin(), rule.resource_names.end());
                return answer;
            }
        }
    }
    // What a rule set known only in part does not state is not a "no" (eks-iam.md 9.1-9.2).
    if (set.coverage != RuleCoverage::kExact) {
        answer.verdict = Verdict::kUndetermined;
    }
    return answer;
}

GrantAnswer GrantTable::match(GrantId id, const CompiledRequest& request) const {
    const Row& row = rows_[id];
    if (!in_scope(row, request)) {
        return {};
    }
    return rule_set_answer(row.rule_set, request);
}

std::vector<AllowingGrant> GrantTable::allowing(const CompiledRequest& request) const {
    // Every grant of a rule set hands out the same rules: each rule set is asked once.
    std::vector<std::int32_t> slots(graph_->rule_sets().size(), -1);
    std::vector<GrantAnswer> answers;
    std::vector<AllowingGrant> out;
    for (GrantId id = 0; id < rows_.size(); ++id) {
        const Row& row = rows_[id];
        if (!in_scope(row, request)) {
            continue;
        }
        std::int32_t& slot = slots[row.rule_set];
        if (slot < 0) {
            slot = static_cast<std::int32_t>(answers.size());
            answers.push_back(rule_set_answer(row.rule_set, request));
        }
        const GrantAnswer& answer = answers[static_cast<std::size_t>(slot)];
        if (answer.verdict != Verdict::kDenied) {
            out.push_back({id, answer});
        }
    }
    return out;
}

ProbeMatcher::ProbeMatcher(const GrantTable& table, std::vector<CompiledRequest> requests)
    : table_(&table), requests_(std::move(requests)), words_((requests_.size() + 63) / 64) {
    const std::size_t sets = table.graph_->rule_sets().size();
    allowed_.assign(sets * words_, 0);
    for (std::size_t s = 0; s < sets; ++s) {
        for (std::size_t r = 0; r < requests_.size(); ++r) {
            if (table.rule_set_answer(static_cast<std::uint32_t>(s), requests_[r]).verdict ==
                Verdict::kAllowed) {
                allowed_[s * words_ + r / 64] |= std::uint64_t{1} << (r % 64);
            }
        }
    }
}

std::optional<ProbeMatcher::Allowed> ProbeMatcher::first_allowed(GrantId id) const {
    const GrantTable::Row& row = table_->rows_[id];
    for (std::size_t word = 0; word < words_; ++word) {
        std::uint64_t bits = allowed_[row.rule_set * words_ + word];
        while (bits != 0) {
            const std::size_t request = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
            bits &= bits - 1;
            // The rules allow it; the grant's scope decides whether it reaches the request (as match does).
            if (table_->in_scope(row, requests_[request])) {
                return Allowed{request, table_->rule_set_answer(row.rule_set, requests_[request])};
            }
        }
    }
    return std::nullopt;
}

}  // namespace rbacgraph
