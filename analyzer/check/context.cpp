#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <stdexcept>

#include "check/takeover.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

constexpr std::size_t kSubjectsShown = 3;

// Reading ConfigMaps by name is how a cluster publishes information to everyone: the bootstrap policy's
// kube-public/cluster-info for system:anonymous, tekton's pipelines-info version ConfigMap for
// system:authenticated. ConfigMaps are not for secrets, and a name limit keeps the grant to what was
// published, so such a rule is counted with discovery.
bool only(const std::vector<std::string>& list, std::initializer_list<std::string_view> allowed) {
    return !list.empty() && std::all_of(list.begin(), list.end(), [&](const std::string& item) {
        return std::find(allowed.begin(), allowed.end(), item) != allowed.end();
    });
}

bool reads_published_config_maps(const PolicyRule& rule) {
    return rule.non_resource_urls.empty() && !rule.resource_names.empty() && only(rule.api_groups, {""}) &&
           only(rule.resources, {"configmaps"}) && only(rule.verbs, {"get", "list", "watch"});
}

// bootstrap policy.go system:basic-user: every authenticated user may ask what it itself may do (self access
// and rules reviews) and who it is (self subject reviews). They answer about the caller only, so such a rule
// is counted with discovery (what-can sums it up with discovery too).
bool asks_about_itself(const PolicyRule& rule) {
    return rule.non_resource_urls.empty() && only(rule.verbs, {"create"}) &&
           only(rule.api_groups, {"authorization.k8s.io", "authentication.k8s.io"}) &&
           only(rule.resources,
                {"selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews"});
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

// A request the rule allows (its first verb, group, resource and name, or first URL), with '*' read as
// something no rule names: what a finding citing the rule says can be done.
Request request_allowed_by(const PolicyRule& rule) {
    const auto first = [](const std::vector<std::string>& list, std::string_view any) {
        return list.empty() || list.front() == "*" ? std::string(any) : list.front();
    };
    Request request;
    request.verb = first(rule.verbs, "rbacgraph:any-verb");
    if (rule.resources.empty()) {
        request.non_resource = true;
        std::string path = first(rule.non_resource_urls, "/rbacgraph-any-path");
        if (path.ends_with('*')) {
            path = path.substr(0, path.find_last_not_of('*') + 1) + "rbacgraph-any";
        }
        request.path = path;
        return request;
    }
    request.api_group = first(rule.api_groups, "rbacgraph.any-group");
    std::string resource = first(rule.resources, "rbacgraph:any-resource");
    if (const std::size_t slash = resource.find('/'); slash != std::string::npos) {
        request.subresource = resource.substr(slash + 1);
        resource.resize(slash);
        if (resource == "*") {
            resource = "rbacgraph:any-resource";
        }
    }
    request.resource = resource;
    if (!rule.resource_names.empty()) {
        request.name = rule.resource_names.front();
    }
    return request;
}

// Every source of grants (bindings, then access-policy associations) with its grants, in table order.
template <typename Visit>
void for_each_source(const GrantTable& table, const Visit& visit) {
    for (std::size_t b = 0; b < table.binding_count(); ++b) {
        visit(table.of_binding(b), Capability::Source::kBinding, b);
    }
    for (std::size_t p = 0; p < table.policy_count(); ++p) {
        visit(table.of_policy(p), Capability::Source::kAccessPolicy, p);
    }
}

// One list per binding, made on first use by whichever rule thread asks first and then shared by every
// finding about the binding (a 1M-object check copied 3.9 million ARNs into its findings). Two threads may
// make a list at once: the first stored wins and the other's copy is dropped. Created before the rules run
// (warm_up).
class SharedListSlots {
  public:
    explicit SharedListSlots(std::size_t count) : slots_(std::make_unique<Slot[]>(count)) {}

    template <typename Make>
    SharedStrings get(std::size_t index, const Make& make) const {
        Slot& slot = slots_[index];
        if (std::shared_ptr<const std::vector<std::string>> made = slot.load(std::memory_order_acquire)) {
            return SharedStrings(std::move(made));
        }
        std::vector<std::string> list = make();
        if (list.empty()) {
            return {};
        }
        auto made = std::make_shared<const std::vector<std::string>>(std::move(list));
        std::shared_ptr<const std::vector<std::string>> expected;
        if (!slot.compare_exchange_strong(expected, made, std::memory_order_acq_rel)) {
            return SharedStrings(std::move(expected));
        }
        return SharedStrings(std::move(made));
    }

  private:
    using Slot = std::atomic<std::shared_ptr<const std::vector<std::string>>>;
    std::unique_ptr<Slot[]> slots_;
};

}  // namespace

struct CheckContext::Cache {
    std::optional<MappedAccess> access;
    /// Per binding, the mapped identities its rows apply to (indexes into the authorizers, ordered by ARN).
    std::optional<std::vector<std::vector<std::uint32_t>>> binding_arns;
    /// Per binding, the ARNs themselves and the subjects as findings name them, shared by its findings.
    std::optional<SharedListSlots> binding_arn_lists;
    std::optional<SharedListSlots> binding_subject_lists;
    std::optional<std::vector<WorkloadRole>> workload_roles;
};

Probe probe(std::string_view verb, std::string_view resource, bool cluster_scoped) {
    auto made = make_request({.verb = std::string(verb), .resource = std::string(resource)});
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

std::string list_holders(std::span<const std::string> holders, std::size_t shown) {
    const std::size_t count = std::min(holders.size(), shown);
    std::string out = fmt::format(
        "{}", fmt::join(holders.begin(), holders.begin() + static_cast<std::ptrdiff_t>(count), ", "));
    if (holders.size() > count) {
        out += fmt::format(" and {} more", holders.size() - count);
    }
    return out;
}

Probe Probe::in(std::string_view ns) const {
    Probe out = *this;
    out.request.ns = std::string(ns);
    return out;
}

Probe Probe::named(std::string_view name) const {
    Probe out = *this;
    out.request.name = std::string(name);
    // Appended in two steps: GCC 12 at -O3 reports a false -Wrestrict on `" " + std::string(name)` here.
    out.label += ' ';
    out.label += name;
    return out;
}

void report_capabilities(const CheckContext& context, const RuleInfo& rule, std::span<const Probe> probes,
                         std::vector<Finding>& out, bool lower_when_namespaced) {
    const std::vector<Capability> capabilities = context.capabilities(probes);
    // Findings are large and a rule may make 100,000 of them: regrowing the vector moved each one several
    // times into memory touched for the first time (13% of network-write at 1M).
    out.reserve(out.size() + capabilities.size());
    for (const Capability& capability : capabilities) {
        Finding finding = context.finding_for(capability, capability.probe->label);
        if (lower_when_namespaced && !capability.cluster_wide) {
            finding.severity = lower(rule.severity);
        }
        out.push_back(std::move(finding));
    }
}

CheckContext::CheckContext(const Graph& graph, const CheckOptions& options, CheckScope scope)
    : graph_(&graph), options_(&options), scope_(scope), cache_(std::make_unique<Cache>()) {}

std::string_view CheckContext::cluster_name() const {
    return scope_.estate == nullptr ? std::string_view() : scope_.estate->clusters()[scope_.cluster].name;
}

CheckContext::~CheckContext() = default;

const std::vector<WorkloadRole>& CheckContext::workload_roles() const {
    if (!cache_->workload_roles) {
        cache_->workload_roles = rbacgraph::workload_roles(*graph_, iam());
    }
    return *cache_->workload_roles;
}

void CheckContext::warm_up() const {
    access();
    if (rule_enabled("irsa-role") || rule_enabled("irsa-cluster-admin")) {
        workload_roles();
    }
    if (!graph_->bindings().empty()) {
        arns_of_binding(0);
        subjects_of_binding(0);
    }
}

bool CheckContext::rule_enabled(std::string_view slug) const {
    return options_->enabled.empty() || options_->enabled.contains(std::string(slug));
}

const GrantTable& CheckContext::grants() const {
    return graph_->grants();
}

std::vector<Capability> CheckContext::capabilities(std::span<const Probe> probes) const {
    return capabilities_of(probes, rule_enabled("cluster-admin-binding"));
}

std::vector<Capability> CheckContext::capabilities_of(std::span<const Probe> probes,
                                                      bool admin_reported_elsewhere) const {
    // A probe without a namespace asks about any namespace, unless its resource is cluster-scoped; without a
    // name, about any name (a rule limited to resourceNames counts for those names).
    std::vector<CompiledRequest> requests;
    requests.reserve(probes.size());
    for (const Probe& probe : probes) {
        Ask ask;
        ask.namespaces =
            probe.cluster_scoped || !probe.request.ns.empty() ? NamespaceQuery::kExact : NamespaceQuery::kAny;
        ask.names = probe.request.name.empty() ? NameQuery::kListedNames : NameQuery::kExact;
        ask.groups = probe.group_suffix ? GroupQuery::kSuffix : GroupQuery::kExact;
        ask.any_resource = probe.any_resource;
        requests.push_back(compile_request(graph_->symbols(), probe.request, ask));
    }
    const GrantTable& table = graph_->grants();
    const ProbeMatcher matcher(table, std::move(requests));
    std::vector<Capability> out;
    // Every grant of a source shares its scope and rules, so the source's first grant answers for all of its
    // holders.
    const auto ask = [&](GrantRange grants, Capability::Source source, std::size_t index) {
        if (grants.empty()) {
            return;  // a missing role, or no subject that can match anybody: it grants nothing
        }
        if (admin_reported_elsewhere && table.cluster_admin(grants.first)) {
            return;
        }
        std::optional<ProbeMatcher::Allowed> allowed = matcher.first_allowed(grants.first);
        if (!allowed) {
            return;
        }
        Capability capability;
        capability.source = source;
        capability.index = index;
        capability.grant = grants.first;
        capability.probe = &probes[allowed->request];
        capability.rule = allowed->answer.rule;
        for (const Symbol name : allowed->answer.names) {
            capability.names.emplace_back(graph_->symbols().name(name));
        }
        capability.cluster_wide = table.placement(grants.first).scope == GrantScope::kCluster;
        out.push_back(std::move(capability));
    };
    for_each_source(table, ask);
    return out;
}

std::vector<Capability> CheckContext::admin_grants() const {
    const GrantTable& table = graph_->grants();
    std::vector<Capability> out;
    static const Probe kEverything = [] {
        // A request only '*' allows: what can-i '*' '*' asks (Authorizer::cluster_admin).
        Probe probe;
        probe.request.verb = "rbacgraph:any-verb";
        probe.request.api_group = "rbacgraph.any-group";
        probe.request.resource = "rbacgraph:any-resource";
        probe.label = "do anything";
        probe.cluster_scoped = true;  // the scope text comes from the grant
        return probe;
    }();
    const auto ask = [&](GrantRange grants, Capability::Source source, std::size_t index) {
        if (grants.empty()) {
            return;
        }
        const Grant grant = table.grant(grants.first);
        if (!grant.in_force || !grant.everything) {
            return;
        }
        Capability capability;
        capability.source = source;
        capability.index = index;
        capability.grant = grants.first;
        capability.probe = &kEverything;
        capability.rule = *grant.everything;  // the rule that grants everything, as can-i --explain cites it
        capability.cluster_wide = grant.scope == GrantScope::kCluster;
        out.push_back(std::move(capability));
    };
    for_each_source(table, ask);
    return out;
}

Grant CheckContext::grant(const Capability& capability) const {
    return graph_->grants().grant(capability.grant);
}

std::vector<std::string> CheckContext::holders(const Capability& capability) const {
    if (capability.source == Capability::Source::kAccessPolicy) {
        return {std::string(grant(capability).holder)};
    }
    return binding_holders(capability.index);
}

std::vector<std::string> CheckContext::binding_holders(std::size_t binding) const {
    std::vector<std::string> out;
    for (const GrantId id : graph_->grants().of_binding(binding)) {
        out.push_back(graph_->grants().grant(id).holder_display());
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

std::optional<std::size_t> CheckContext::first_rule_beyond_discovery(const std::vector<PolicyRule>& rules) {
    // bootstrap policy.go: system:discovery and system:public-info-viewer grant exactly these paths.
    static constexpr std::array<std::string_view, 12> kDiscovery = {
        "/api",     "/api/*", "/apis",   "/apis/*",  "/version",   "/version/",
        "/healthz", "/livez", "/readyz", "/openapi", "/openapi/*", "/.well-known/openid-configuration"};
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const PolicyRule& rule = rules[i];
        if (reads_published_config_maps(rule) || asks_about_itself(rule)) {
            continue;
        }
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

const MappedAccess& CheckContext::access() const {
    if (!cache_->access) {
        cache_->access.emplace(*graph_);
    }
    return *cache_->access;
}

SharedStrings CheckContext::arns_of_binding(std::size_t binding) const {
    const MappedAccess& mapped = access();
    const std::vector<Authorizer>& authorizers = mapped.authorizers();
    if (!cache_->binding_arns) {
        std::vector<std::vector<std::uint32_t>> holders(graph_->bindings().size());
        for (std::size_t b = 0; b < holders.size(); ++b) {
            for (const GrantId grant : graph_->grants().of_binding(b)) {
                const auto found = mapped.holders(grant);
                holders[b].insert(holders[b].end(), found.begin(), found.end());
            }
            auto& list = holders[b];
            const auto by_arn = [&](std::uint32_t x, std::uint32_t y) {
                return authorizers[x].identity().arn < authorizers[y].identity().arn;
            };
            const auto same_arn = [&](std::uint32_t x, std::uint32_t y) {
                return authorizers[x].identity().arn == authorizers[y].identity().arn;
            };
            std::sort(list.begin(), list.end(), by_arn);
            list.erase(std::unique(list.begin(), list.end(), same_arn), list.end());
            list.shrink_to_fit();
        }
        cache_->binding_arns = std::move(holders);
        cache_->binding_arn_lists.emplace(graph_->bindings().size());
    }
    return cache_->binding_arn_lists->get(binding, [&] {
        const std::vector<std::uint32_t>& holders = (*cache_->binding_arns)[binding];
        std::vector<std::string> arns;
        arns.reserve(holders.size());
        for (const std::uint32_t holder : holders) {
            arns.push_back(authorizers[holder].identity().arn);
        }
        return arns;
    });
}

SharedStrings CheckContext::subjects_of_binding(std::size_t binding) const {
    if (!cache_->binding_subject_lists) {
        cache_->binding_subject_lists.emplace(graph_->bindings().size());
    }
    return cache_->binding_subject_lists->get(binding, [&] { return binding_holders(binding); });
}

std::vector<std::string> CheckContext::arns_with_group(std::string_view group) const {
    std::vector<std::string> out;
    for (const Authorizer& authorizer : access().authorizers()) {
        const Identity& identity = authorizer.identity();
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

std::optional<Finding> CheckContext::beyond_discovery_finding(GrantId held, const std::string& who,
                                                              std::string_view what) const {
    const Grant grant = graph_->grants().grant(held);
    if (!grant.in_force || grant.source != GrantSource::kBinding) {
        return std::nullopt;
    }
    const auto rule = first_rule_beyond_discovery(*grant.rules);
    if (!rule) {
        return std::nullopt;
    }
    Probe shown;
    shown.request = request_allowed_by((*grant.rules)[*rule]);
    shown.label = "use " + describe_rule((*grant.rules)[*rule]) + std::string(what);
    shown.cluster_scoped = true;  // the scope text comes from the binding
    Capability capability;
    capability.index = grant.source_index;
    capability.grant = held;
    capability.probe = &shown;
    capability.rule = *rule;
    capability.cluster_wide = grant.scope == GrantScope::kCluster;
    Finding finding = finding_for(capability, shown.label);
    finding.subjects = {grant.holder_display()};
    finding.message = who + finding.message.substr(finding.message.find(" can "));
    return finding;
}

Finding CheckContext::finding_for(const Binding& binding, std::string message) const {
    Finding finding;
    finding.object = {binding.cluster_scoped ? "ClusterRoleBinding" : "RoleBinding", binding.ns,
                      binding.name};
    finding.location = binding.location;
    finding.subjects = subjects_of_binding(binding_index(binding));
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

Finding CheckContext::finding_for_grant(const AwsAuthEntry& entry, std::string message) const {
    const AwsAuthEntryStatus status = aws_auth_entry_status(*graph_, entry);
    if (status.state == AwsAuthEntryStatus::State::kInForce) {
        return finding_for(entry, std::move(message));
    }
    Finding finding = finding_for(
        entry,
        fmt::format("dormant: {}; but this entry {} ({}){}", message,
                    status.state == AwsAuthEntryStatus::State::kShadowed ? "is not used" : "never matches",
                    status.reason, status.revival.empty() ? "" : ", until " + status.revival));
    finding.severity = RiskSeverity::kLow;
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
    std::vector<std::string> arns = {principal.arn};
    if (reach() != nullptr && principal.kind == IamPrincipal::Kind::kRole) {
        for (const Reacher& reacher : reach()->reachers(principal.arn)) {
            arns.push_back(iam()->principals()[reacher.principal].arn);
        }
        std::sort(arns.begin() + 1, arns.end());
    }
    finding.arns = std::move(arns);
    // AWS creates service-linked roles (path /aws-service-role/) and only its services assume them.
    finding.builtin = principal.path.starts_with("/aws-service-role/");
    finding.message = std::move(message);
    return finding;
}

std::string CheckContext::short_name(const IamPrincipal& principal) {
    return (principal.kind == IamPrincipal::Kind::kUser ? "IAM user " : "IAM role ") + principal.name;
}

bool CheckContext::is_builtin_binding(const Binding& binding) const {
    return graph_->bindings()[binding_index(binding)].builtin;
}

std::size_t CheckContext::binding_index(const Binding& binding) const {
    return graph_->binding_index(binding);
}

std::string CheckContext::grant_namespace(const Capability& capability) const {
    if (capability.cluster_wide) {
        return {};
    }
    if (capability.source == Capability::Source::kBinding) {
        return graph_->bindings()[capability.index].binding->ns;
    }
    const AccessScope& scope = graph_->access_policy_grants()[capability.index].association->scope;
    return scope.namespaces.empty() ? std::string() : scope.namespaces.front();
}

bool CheckContext::allows_in(const Capability& capability, std::string_view ns) const {
    Request request = capability.probe->request;
    request.ns = std::string(ns);
    Ask ask;
    ask.names = request.name.empty() ? NameQuery::kListedNames : NameQuery::kExact;
    return graph_->grants()
               .match(capability.grant, compile_request(graph_->symbols(), request, ask))
               .verdict == Verdict::kAllowed;
}

CheckContext::BuiltinComparison CheckContext::builtin_comparison(const Role& role) const {
    const std::optional<std::uint32_t> node = graph_->find_role(role.cluster_scoped, role.ns, role.name);
    if (!node || graph_->roles()[*node].role != &role) {
        return {};
    }
    return {graph_->roles()[*node].status, graph_->role_difference(*node)};
}

CheckContext::BuiltinComparison CheckContext::builtin_comparison(const Binding& binding) const {
    const std::size_t index = binding_index(binding);
    return {graph_->bindings()[index].status, graph_->binding_difference(index)};
}

bool CheckContext::is_builtin_role(const Role& role) const {
    const std::optional<std::uint32_t> node = graph_->find_role(role.cluster_scoped, role.ns, role.name);
    return node && graph_->roles()[*node].role == &role &&
           graph_->roles()[*node].status == BuiltinStatus::kBuiltin;
}

std::vector<std::string> CheckContext::holders_outside_builtin(std::span<const Probe> probes) const {
    std::vector<std::string> out;
    // Every holder, cluster admins included: a list of who can is never shortened by another rule's report.
    for (const Capability& grant : capabilities_of(probes, false)) {
        if (this->grant(grant).builtin) {
            continue;
        }
        for (std::string& holder : holders(grant)) {
            out.push_back(std::move(holder));
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace {

// The request a capability's grant allows, asked exactly: in the grant's namespace (a RoleBinding's, an
// access scope's first pattern) when the grant is namespaced, for the first name a resourceNames limit lists.
Request exact_request(const Capability& capability, const Grant& grant) {
    Request request = capability.probe->request;
    if (request.ns.empty() && !capability.cluster_wide) {
        const std::vector<std::string> namespaces = grant.namespaces();
        if (!namespaces.empty()) {
            request.ns = namespaces.front();
        }
    }
    if (request.name.empty() && !capability.names.empty()) {
        request.name = capability.names.front();
    }
    return request;
}

}  // namespace

Finding CheckContext::finding_for(const Capability& capability, std::string_view what) const {
    Finding found = describe_capability(capability, what);
    const Grant held = grant(capability);
    found.rule_cited = &(*held.rules)[capability.rule];
    if (options_->record_requests && !capability.probe->request.verb.empty() &&
        !capability.probe->group_suffix && !capability.probe->any_resource) {
        found.request = std::make_shared<const Request>(exact_request(capability, held));
    }
    return found;
}

Finding CheckContext::describe_capability(const Capability& capability, std::string_view what) const {
    std::string limited;
    if (!capability.names.empty()) {
        limited = fmt::format(" (only {})", fmt::join(capability.names, ", "));
    }
    const std::string& probe_ns = capability.probe->request.ns;
    const std::string scope_text = capability.probe->cluster_scoped ? ""
                                   : probe_ns.empty()               ? " in all namespaces"
                                                                    : " in namespace " + probe_ns;
    const Grant held = grant(capability);
    if (capability.source == Capability::Source::kAccessPolicy) {
        const AccessPolicyAssociation& association = *held.policy->association;
        const std::string policy(held.policy->name());
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
                        limited, scope, policy, describe_rule((*held.rules)[capability.rule]));
        return finding;
    }
    const Binding& binding = *held.binding;
    Finding finding = finding_for(binding, "");
    finding.arns = arns_of_binding(capability.index);
    finding.annotations.push_back(&held.role->annotations);
    const std::string scope = binding.cluster_scoped ? scope_text : " in namespace " + binding.ns;
    const PolicyRule& rule = (*held.rules)[capability.rule];
    const std::string where = rule.location.origin == Origin::kBuiltin
                                  ? format_location(rule.location)
                                  : "rule at " + format_location(rule.location);
    finding.message = fmt::format("{} can {}{}{} via {} -> {} ({})", join_subjects(finding.subjects), what,
                                  limited, scope, binding.display(), held.role->display(), where);
    return finding;
}

}  // namespace rbacgraph
