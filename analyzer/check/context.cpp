#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

constexpr std::string_view kBootstrapLabel = "kubernetes.io/bootstrapping";
constexpr std::string_view kEksComponentLabel = "eks.amazonaws.com/component";
constexpr std::size_t kSubjectsShown = 3;

bool is_system_name(std::string_view name) {
    return name.starts_with("system:") || name.starts_with("eks:");
}

bool is_system_subject(const Subject& subject) {
    if (subject.kind == "ServiceAccount") {
        return subject.ns == "kube-system";
    }
    return is_system_name(subject.name);
}

bool has_builtin_label(const std::map<std::string, std::string>& labels) {
    const auto bootstrap = labels.find(std::string(kBootstrapLabel));
    return (bootstrap != labels.end() && bootstrap->second == "rbac-defaults") ||
           labels.contains(std::string(kEksComponentLabel));
}

// The first rule allowing the request for every name, else the first allowing it for some listed names.
std::optional<Capability> first_allowing_rule(const std::vector<CompiledRule>& compiled,
                                              const SymbolTable& symbols, const CompiledRequest& request,
                                              const Request& plain) {
    for (std::size_t i = 0; i < compiled.size(); ++i) {
        if (rule_allows(compiled[i], request)) {
            Capability capability;
            capability.rule = i;
            return capability;
        }
    }
    // A rule with resourceNames grants those names only (rbac.go ResourceNameMatches): ask per name, unless
    // the probe is about one named object already.
    if (!plain.name.empty()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < compiled.size(); ++i) {
        Capability limited;
        limited.rule = i;
        for (const Symbol name : compiled[i].resource_names) {
            Request named = plain;
            named.name = std::string(symbols.name(name));
            if (rule_allows(compiled[i], compile_request(symbols, named))) {
                limited.names.push_back(named.name);
            }
        }
        if (!limited.names.empty()) {
            return limited;
        }
    }
    return std::nullopt;
}

// A verb, group and resource no rule names: only '*' in all three matches it.
Request unnamed_request() {
    Request request;
    request.verb = "rbacgraph:any-verb";
    request.api_group = "rbacgraph.any-group";
    request.resource = "rbacgraph:any-resource";
    return request;
}

std::string join_subjects(const std::vector<std::string>& subjects) {
    if (subjects.empty()) {
        return "nobody";
    }
    std::string text;
    for (std::size_t i = 0; i < subjects.size() && i < kSubjectsShown; ++i) {
        text += (i == 0 ? "" : ", ") + subjects[i];
    }
    if (subjects.size() > kSubjectsShown) {
        text += fmt::format(" and {} more", subjects.size() - kSubjectsShown);
    }
    return text;
}

}  // namespace

struct CheckContext::Cache {
    std::optional<std::vector<Identity>> mapped;
    std::optional<std::vector<Authorizer>> authorizers;
    /// Per binding, the mapped() identities it applies to (indexes, ordered by ARN).
    std::optional<std::vector<std::vector<std::uint32_t>>> binding_arns;
    std::vector<signed char> full_admin_roles;  ///< -1 unknown, 0 no, 1 yes
};

Probe probe(std::string_view verb, std::string_view resource, bool cluster_scoped) {
    auto made = make_request(std::string(verb), std::string(resource), "", "", "", "");
    if (const auto* problem = std::get_if<std::string>(&made)) {
        throw std::logic_error("bad probe '" + std::string(resource) + "': " + *problem);
    }
    return {std::get<Request>(std::move(made)), cluster_scoped, fmt::format("{} {}", verb, resource)};
}

std::vector<Probe> probes(std::initializer_list<std::string_view> verbs,
                          std::initializer_list<std::string_view> resources, bool cluster_scoped,
                          std::string_view ns) {
    std::vector<Probe> out;
    for (const std::string_view resource : resources) {
        for (const std::string_view verb : verbs) {
            out.push_back(ns.empty() ? probe(verb, resource, cluster_scoped)
                                     : probe(verb, resource, cluster_scoped).in(ns));
        }
    }
    return out;
}

std::vector<Probe> concat(std::vector<Probe> first, const std::vector<Probe>& second) {
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

Probe Probe::in(std::string_view ns) const {
    Probe out = *this;
    out.request.ns = std::string(ns);
    return out;
}

Probe Probe::named(std::string_view name) const {
    Probe out = *this;
    out.request.name = std::string(name);
    out.label += " " + std::string(name);
    return out;
}

void report_capabilities(const CheckContext& context, const RuleInfo& rule, std::span<const Probe> probes,
                         std::vector<Finding>& out, bool lower_when_namespaced) {
    for (const Capability& capability : context.capabilities(probes)) {
        Finding finding = context.finding_for(capability, capability.probe->label);
        if (lower_when_namespaced && !capability.cluster_wide) {
            finding.severity = lower(rule.severity);
        }
        out.push_back(std::move(finding));
    }
}

CheckContext::CheckContext(const Graph& graph, const CheckOptions& options, CheckScope scope)
    : graph_(&graph), options_(&options), scope_(scope), cache_(std::make_unique<Cache>()) {
    cache_->full_admin_roles.assign(graph.roles().size(), -1);
}

std::string_view CheckContext::cluster_name() const {
    return scope_.estate == nullptr ? std::string_view() : scope_.estate->clusters()[scope_.cluster].name;
}

CheckContext::~CheckContext() = default;

void CheckContext::warm_up() const {
    for (std::size_t role = 0; role < graph_->roles().size(); ++role) {
        role_is_full_admin(static_cast<int>(role));
    }
    mapped_authorizers();
    if (!graph_->bindings().empty()) {
        arns_of_binding(0);
    }
}

bool CheckContext::rule_enabled(std::string_view slug) const {
    return options_->enabled.empty() || options_->enabled.contains(std::string(slug));
}

bool CheckContext::role_is_full_admin(int role) const {
    if (role < 0) {
        return false;
    }
    signed char& known = cache_->full_admin_roles[static_cast<std::size_t>(role)];
    if (known < 0) {
        const CompiledRequest request = compile_request(graph_->symbols(), unnamed_request());
        const auto& compiled = graph_->roles()[static_cast<std::size_t>(role)].compiled;
        known = std::any_of(compiled.begin(), compiled.end(),
                            [&](const CompiledRule& rule) { return rule_allows(rule, request); })
                    ? 1
                    : 0;
    }
    return known == 1;
}

bool CheckContext::policy_is_full_admin(const AccessPolicyGrant& grant) const {
    const CompiledRequest request = compile_request(graph_->symbols(), unnamed_request());
    return std::any_of(grant.compiled.begin(), grant.compiled.end(),
                       [&](const CompiledRule& rule) { return rule_allows(rule, request); });
}

std::vector<Capability> CheckContext::capabilities(std::span<const Probe> probes) const {
    const bool admin_reported_elsewhere = rule_enabled("cluster-admin-binding");
    const SymbolTable& symbols = graph_->symbols();
    std::vector<CompiledRequest> compiled;
    compiled.reserve(probes.size());
    for (const Probe& probe : probes) {
        compiled.push_back(compile_request(symbols, probe.request));
    }
    // Roles are shared by many bindings: answer each (role, probe) once. The table holds, per pair, "not
    // asked", "no", or where the answer is kept: small enough for a million roles.
    constexpr std::int32_t kNotAsked = -2;
    constexpr std::int32_t kNo = -1;
    std::vector<std::int32_t> by_role(graph_->roles().size() * probes.size(), kNotAsked);
    std::vector<Capability> answers;
    auto role_answer = [&](int role, std::size_t p) -> const Capability* {
        std::int32_t& slot = by_role[static_cast<std::size_t>(role) * probes.size() + p];
        if (slot == kNotAsked) {
            auto hit = first_allowing_rule(graph_->roles()[static_cast<std::size_t>(role)].compiled, symbols,
                                           compiled[p], probes[p].request);
            slot = hit ? static_cast<std::int32_t>(answers.size()) : kNo;
            if (hit) {
                answers.push_back(std::move(*hit));
            }
        }
        return slot == kNo ? nullptr : &answers[static_cast<std::size_t>(slot)];
    };
    std::vector<Capability> out;
    const auto& bindings = graph_->bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const BindingNode& node = bindings[b];
        if (node.role < 0 || (admin_reported_elsewhere && role_is_full_admin(node.role))) {
            continue;
        }
        const bool cluster_binding = node.binding->cluster_scoped;
        for (std::size_t p = 0; p < probes.size(); ++p) {
            // rule.go VisitRulesFor: a RoleBinding applies only to requests in its namespace, which a
            // cluster-scoped resource never is.
            const std::string& wanted_ns = probes[p].request.ns;
            if (!cluster_binding &&
                (probes[p].cluster_scoped || (!wanted_ns.empty() && wanted_ns != node.binding->ns))) {
                continue;
            }
            if (const Capability* hit = role_answer(node.role, p)) {
                Capability capability = *hit;
                capability.source = Capability::Source::kBinding;
                capability.index = b;
                capability.probe = &probes[p];
                capability.cluster_wide = cluster_binding;
                out.push_back(std::move(capability));
                break;
            }
        }
    }
    // Access entries exist only in the API modes (identity.cpp resolves them the same way).
    const AuthenticationMode mode = graph_->mode();
    if (mode != AuthenticationMode::kApi && mode != AuthenticationMode::kApiAndConfigMap) {
        return out;
    }
    const auto& grants = graph_->access_policy_grants();
    for (std::size_t g = 0; g < grants.size(); ++g) {
        const AccessPolicyGrant& grant = grants[g];
        const bool cluster_scope = grant.association->scope.cluster_wide;
        if (admin_reported_elsewhere && cluster_scope && policy_is_full_admin(grant)) {
            continue;
        }
        for (std::size_t p = 0; p < probes.size(); ++p) {
            const std::string& wanted_ns = probes[p].request.ns;
            if (!cluster_scope &&
                (probes[p].cluster_scoped ||
                 (!wanted_ns.empty() && !namespace_in_scope(grant.association->scope, wanted_ns)))) {
                continue;
            }
            if (auto hit = first_allowing_rule(grant.compiled, symbols, compiled[p], probes[p].request)) {
                hit->source = Capability::Source::kAccessPolicy;
                hit->index = g;
                hit->probe = &probes[p];
                hit->cluster_wide = cluster_scope;
                out.push_back(std::move(*hit));
                break;
            }
        }
    }
    return out;
}

std::vector<std::string> CheckContext::holders(const Capability& capability) const {
    if (capability.source == Capability::Source::kAccessPolicy) {
        return {graph_->access_policy_grants()[capability.index].association->principal_arn};
    }
    std::vector<std::string> out;
    const Binding& binding = *graph_->bindings()[capability.index].binding;
    for (const Subject& subject : binding.subjects) {
        // appliesToUser: a RoleBinding's ServiceAccount subject without a namespace is in the binding's.
        Subject resolved = subject;
        if (resolved.kind == "ServiceAccount" && resolved.ns.empty()) {
            resolved.ns = binding.ns;
        }
        out.push_back(resolved.display());
    }
    return out;
}

std::vector<std::pair<Capability, Capability>> CheckContext::combined(
    std::span<const Probe> primary, std::span<const Probe> secondary) const {
    std::map<std::string, Capability> second_by_holder;
    for (Capability& capability : capabilities(secondary)) {
        for (std::string& holder : holders(capability)) {
            second_by_holder.try_emplace(std::move(holder), capability);
        }
    }
    std::vector<std::pair<Capability, Capability>> out;
    for (Capability& capability : capabilities(primary)) {
        for (const std::string& holder : holders(capability)) {
            if (const auto found = second_by_holder.find(holder); found != second_by_holder.end()) {
                out.emplace_back(std::move(capability), found->second);
                break;
            }
        }
    }
    return out;
}

std::optional<std::size_t> CheckContext::first_rule_beyond_discovery(int role) const {
    if (role < 0) {
        return std::nullopt;
    }
    // bootstrap policy.go: system:discovery and system:public-info-viewer grant exactly these paths.
    static constexpr std::array<std::string_view, 12> kDiscovery = {
        "/api",     "/api/*", "/apis",   "/apis/*",  "/version",   "/version/",
        "/healthz", "/livez", "/readyz", "/openapi", "/openapi/*", "/.well-known/openid-configuration"};
    const auto& rules = graph_->roles()[static_cast<std::size_t>(role)].rules();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const PolicyRule& rule = rules[i];
        const bool urls_beyond = std::any_of(
            rule.non_resource_urls.begin(), rule.non_resource_urls.end(), [](const std::string& url) {
                return std::find(kDiscovery.begin(), kDiscovery.end(), url) == kDiscovery.end();
            });
        if ((!rule.resources.empty() && !rule.verbs.empty()) || (urls_beyond && !rule.verbs.empty())) {
            return i;
        }
    }
    return std::nullopt;
}

const std::vector<Identity>& CheckContext::mapped() const {
    if (!cache_->mapped) {
        cache_->mapped = mapped_identities(*graph_);
    }
    return *cache_->mapped;
}

const std::vector<Authorizer>& CheckContext::mapped_authorizers() const {
    if (!cache_->authorizers) {
        std::vector<Authorizer> authorizers;
        authorizers.reserve(mapped().size());
        for (const Identity& identity : mapped()) {
            authorizers.emplace_back(*graph_, identity);
        }
        cache_->authorizers = std::move(authorizers);
    }
    return *cache_->authorizers;
}

std::vector<std::string> CheckContext::arns_of_binding(std::size_t binding) const {
    if (!cache_->binding_arns) {
        std::vector<std::vector<std::uint32_t>> holders(graph_->bindings().size());
        const std::vector<Authorizer>& authorizers = mapped_authorizers();
        for (std::uint32_t i = 0; i < authorizers.size(); ++i) {
            auto add = [&](const std::vector<MatchedBinding>& matches) {
                for (const MatchedBinding& match : matches) {
                    holders[match.binding].push_back(i);
                }
            };
            add(authorizers[i].cluster_bindings());
            add(authorizers[i].undetermined_bindings());
            for (const auto& [ns, matches] : authorizers[i].namespace_bindings()) {
                add(matches);
            }
        }
        const auto by_arn = [&](std::uint32_t a, std::uint32_t b) {
            return authorizers[a].identity().arn < authorizers[b].identity().arn;
        };
        const auto same_arn = [&](std::uint32_t a, std::uint32_t b) {
            return authorizers[a].identity().arn == authorizers[b].identity().arn;
        };
        for (auto& list : holders) {
            std::sort(list.begin(), list.end(), by_arn);
            list.erase(std::unique(list.begin(), list.end(), same_arn), list.end());
            list.shrink_to_fit();
        }
        cache_->binding_arns = std::move(holders);
    }
    std::vector<std::string> arns;
    for (const std::uint32_t holder : (*cache_->binding_arns)[binding]) {
        arns.push_back(mapped_authorizers()[holder].identity().arn);
    }
    return arns;
}

std::vector<std::string> CheckContext::arns_with_group(std::string_view group) const {
    std::vector<std::string> out;
    for (const Identity& identity : mapped()) {
        const bool member = std::any_of(
            identity.groups.begin(), identity.groups.end(),
            [&](const auto& value) { return value.match(group).outcome != ValueMatch::Outcome::kNo; });
        if (member) {
            out.push_back(identity.arn);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<Finding> CheckContext::beyond_discovery_finding(std::size_t binding, const std::string& who,
                                                              std::string_view what) const {
    const BindingNode& node = graph_->bindings()[binding];
    const auto rule = first_rule_beyond_discovery(node.role);
    if (!rule) {
        return std::nullopt;
    }
    const PolicyRule& granted = graph_->roles()[static_cast<std::size_t>(node.role)].rules()[*rule];
    Probe shown;
    shown.label = "use " + describe_rule(granted) + std::string(what);
    shown.cluster_scoped = true;  // the scope text comes from the binding
    Capability capability;
    capability.index = binding;
    capability.probe = &shown;
    capability.rule = *rule;
    capability.cluster_wide = node.binding->cluster_scoped;
    Finding finding = finding_for(capability, shown.label);
    finding.subjects = {who};
    finding.message = who + finding.message.substr(finding.message.find(" can "));
    return finding;
}

Finding CheckContext::finding_for(const Binding& binding, std::string message) const {
    Finding finding;
    finding.object = {binding.cluster_scoped ? "ClusterRoleBinding" : "RoleBinding", binding.ns,
                      binding.name};
    finding.location = binding.location;
    for (const Subject& subject : binding.subjects) {
        finding.subjects.push_back(subject.display());
    }
    finding.annotations = {&binding.annotations};
    finding.builtin = is_builtin_binding(binding);
    finding.message = std::move(message);
    return finding;
}

Finding CheckContext::finding_for(const AwsAuthEntry& entry, std::string message) const {
    Finding finding;
    finding.object = {"ConfigMap", "kube-system", "aws-auth"};
    finding.location = entry.location;
    finding.arns = {entry.arn};
    finding.key = fmt::format("{}:{}", entry.section == AwsAuthSection::kMapRoles ? "mapRoles" : "mapUsers",
                              ascii_lower(entry.arn));
    if (const auto& aws_auth = source().aws_auth) {
        finding.annotations = {&aws_auth->annotations};
    }
    finding.message = std::move(message);
    return finding;
}

Finding CheckContext::finding_for(const AccessEntry& entry, std::string message) const {
    Finding finding;
    finding.object = {"AccessEntry", "", entry.principal_arn};
    finding.location = entry.location;
    finding.arns = {entry.principal_arn};
    // EKS creates entries for its own service-linked roles.
    finding.builtin = entry.principal_arn.find(":role/aws-service-role/") != std::string::npos;
    finding.message = std::move(message);
    return finding;
}

Finding CheckContext::finding_for(const IamPrincipal& principal, std::string message) const {
    Finding finding;
    finding.object = {principal.kind == IamPrincipal::Kind::kUser ? "IAMUser" : "IAMRole", principal.account,
                      principal.name};
    finding.location = principal.location;
    finding.arns = {principal.arn};
    if (reach() != nullptr && principal.kind == IamPrincipal::Kind::kRole) {
        for (const Reacher& reacher : reach()->reachers(principal.arn)) {
            finding.arns.push_back(iam()->principals()[reacher.principal].arn);
        }
        std::sort(finding.arns.begin() + 1, finding.arns.end());
    }
    // AWS creates service-linked roles (path /aws-service-role/) and only its services assume them.
    finding.builtin = principal.path.starts_with("/aws-service-role/");
    finding.message = std::move(message);
    return finding;
}

std::string CheckContext::short_name(const IamPrincipal& principal) {
    return (principal.kind == IamPrincipal::Kind::kUser ? "IAM user " : "IAM role ") + principal.name;
}

bool CheckContext::is_builtin_binding(const Binding& binding) const {
    if (has_builtin_label(binding.labels)) {
        return true;
    }
    return is_system_name(binding.name) && !binding.subjects.empty() &&
           std::all_of(binding.subjects.begin(), binding.subjects.end(), is_system_subject);
}

bool CheckContext::is_builtin_role(const Role& role) const {
    return has_builtin_label(role.labels);
}

Finding CheckContext::finding_for(const Capability& capability, std::string_view what) const {
    std::string limited;
    if (!capability.names.empty()) {
        limited = fmt::format(" (only {})", fmt::join(capability.names, ", "));
    }
    const std::string& probe_ns = capability.probe->request.ns;
    const std::string scope_text = capability.probe->cluster_scoped ? ""
                                   : probe_ns.empty()               ? " in all namespaces"
                                                                    : " in namespace " + probe_ns;
    if (capability.source == Capability::Source::kAccessPolicy) {
        const AccessPolicyGrant& grant = graph_->access_policy_grants()[capability.index];
        const AccessPolicyAssociation& association = *grant.association;
        const std::string policy = grant.definition->name;
        Finding finding;
        finding.object = {"AccessEntry", "", association.principal_arn};
        finding.location = association.location;
        finding.arns = {association.principal_arn};
        finding.key = policy;
        const std::string scope =
            association.scope.cluster_wide || !probe_ns.empty()
                ? scope_text
                : fmt::format(" in namespaces {}", fmt::join(association.scope.namespaces, ", "));
        finding.message =
            fmt::format("{} can {}{}{} via access policy {} (rule: {})", association.principal_arn, what,
                        limited, scope, policy, describe_rule(grant.definition->rules[capability.rule]));
        return finding;
    }
    const BindingNode& node = graph_->bindings()[capability.index];
    const Binding& binding = *node.binding;
    const RoleNode& role = graph_->roles()[static_cast<std::size_t>(node.role)];
    Finding finding = finding_for(binding, "");
    finding.arns = arns_of_binding(capability.index);
    finding.annotations.push_back(&role.role->annotations);
    const std::string scope = binding.cluster_scoped ? scope_text : " in namespace " + binding.ns;
    const PolicyRule& rule = role.rules()[capability.rule];
    finding.message =
        fmt::format("{} can {}{}{} via {} -> {} (rule at {})", join_subjects(finding.subjects), what, limited,
                    scope, binding.display(), role.role->display(), format_location(rule.location));
    return finding;
}

}  // namespace rbacgraph
