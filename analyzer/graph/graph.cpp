#include "rbacgraph/graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "graph/builtin_status.hpp"
#include "load/builtin_policy.hpp"
#include "rbacgraph/arn.hpp"
#include "rbacgraph/grants.hpp"
#include "rbacgraph/identity.hpp"

namespace rbacgraph {
namespace {

bool any_entry_for(const Export& source, const std::string& key) {
    return std::any_of(
        source.access_entries.begin(), source.access_entries.end(),
        [&](const AccessEntry& entry) { return access_entry_key(entry.principal_arn) == key; });
}

// A policy cannot be associated without an entry, so associations imply one; in an API mode with the
// bootstrap flag on, the creator's entry is assumed when the export has no access-entry data at all. What is
// implied goes into the overlay: the export stays as loaded.
void add_implied_entries(const Export& source, const GraphOptions& options, Export& overlay,
                         std::vector<Diagnostic>& diagnostics) {
    std::set<std::string> added;
    for (const AccessPolicyAssociation& association : source.access_policies) {
        const std::string key = access_entry_key(association.principal_arn);
        if (!any_entry_for(source, key) && added.insert(key).second) {
            AccessEntry entry;
            entry.principal_arn = association.principal_arn;
            entry.principal_unknown = association.principal_unknown;
            entry.described = false;
            entry.location = association.location;
            overlay.access_entries.push_back(entry);
            diagnostics.push_back(
                {Severity::kWarning, association.location, "access entry " + entry.principal_arn,
                 association.principal_unknown
                     ? "access policies are associated with a principal known only after apply, and no "
                       "access entry of the input is known to be for the same principal; a STANDARD "
                       "entry with the default username and no groups is assumed"
                     : "access policies are associated with this principal but its access entry was "
                       "not exported (describe-access-entry); a STANDARD entry with the default "
                       "username and no groups is assumed"});
        }
    }
    const bool api_mode = source.cluster && (source.cluster->mode == AuthenticationMode::kApi ||
                                             source.cluster->mode == AuthenticationMode::kApiAndConfigMap);
    if (api_mode && !options.creator_arn.empty() && source.access_entries.empty() &&
        overlay.access_entries.empty() && source.cluster->bootstrap_creator_admin.value_or(true)) {
        AccessEntry entry;
        entry.principal_arn = options.creator_arn;
        entry.described = false;
        entry.location = options.creator_origin;
        overlay.access_entries.push_back(entry);
        AccessPolicyAssociation association;
        association.principal_arn = options.creator_arn;
        association.policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
        association.location = entry.location;
        overlay.access_policies.push_back(association);
        diagnostics.push_back({Severity::kNote, entry.location, "access entry " + entry.principal_arn,
                               "no access entries were exported; the creator's bootstrap entry with "
                               "AmazonEKSClusterAdminPolicy is assumed to still exist"});
    }
}

// The export's objects, then the overlay's, in that order (the graph's indexes follow it).
template <typename Object>
void for_each_of(const Export& source, const Export& overlay, std::vector<Object> Export::*list,
                 const auto& visit) {
    for (const Object& object : source.*list) {
        visit(object);
    }
    for (const Object& object : overlay.*list) {
        visit(object);
    }
}

}  // namespace

Symbol SymbolTable::intern(std::string_view text) {
    if (const auto found = ids_.find(text); found != ids_.end()) {
        return found->second;
    }
    const auto symbol = static_cast<Symbol>(names_.size());
    names_.emplace_back(text);
    ids_.emplace(std::string(text), symbol);
    return symbol;
}

Symbol SymbolTable::find(std::string_view text) const {
    const auto found = ids_.find(text);
    return found == ids_.end() ? kNoSymbol : found->second;
}

RuleSet::RuleSet(const std::vector<PolicyRule>& rule_list, RuleCoverage rule_coverage, SymbolTable& table)
    : rules(&rule_list), coverage(rule_coverage) {
    // Reserved up front so that the block never moves while rules take views of it.
    std::size_t entries = 0;
    for (const PolicyRule& rule : rule_list) {
        entries +=
            rule.verbs.size() + rule.api_groups.size() + rule.resources.size() + rule.resource_names.size();
    }
    symbols.reserve(entries);
    // Appends the distinct symbols of what `add` gives and returns the view of them.
    const auto list = [&](const auto& add) {
        const std::size_t begin = symbols.size();
        add([&](std::string_view text) {
            const Symbol symbol = table.intern(text);
            if (std::find(symbols.begin() + static_cast<std::ptrdiff_t>(begin), symbols.end(), symbol) ==
                symbols.end()) {
                symbols.push_back(symbol);
            }
        });
        return std::span<const Symbol>(symbols.data() + begin, symbols.size() - begin);
    };
    compiled.reserve(rule_list.size());
    for (const PolicyRule& rule : rule_list) {
        CompiledRule& out = compiled.emplace_back();
        out.verbs = list([&](const auto& add) {
            for (const std::string& verb : rule.verbs) {
                verb == "*" ? void(out.any_verb = true) : add(verb);
            }
        });
        out.api_groups = list([&](const auto& add) {
            for (const std::string& group : rule.api_groups) {
                group == "*" ? void(out.any_group = true) : add(group);
            }
        });
        // k8s evaluation_helpers.go ResourceMatches: "*" matches all, "*/x" matches subresource x of
        // anything; any other entry, "pods/*" included, must equal resource[/subresource] exactly.
        out.resources = list([&](const auto& add) {
            for (const std::string& resource : rule.resources) {
                if (resource == "*") {
                    out.any_resource = true;
                } else if (!resource.starts_with("*/")) {
                    add(resource);
                }
            }
        });
        out.star_subresources = list([&](const auto& add) {
            for (const std::string& resource : rule.resources) {
                if (resource.starts_with("*/")) {
                    add(std::string_view(resource).substr(2));
                }
            }
        });
        out.resource_names = list([&](const auto& add) {
            for (const std::string& name : rule.resource_names) {
                add(name);
            }
        });
        lists_names = lists_names || !rule.resource_names.empty();
        CompiledRule::Rare rare;
        rare.api_group_suffixes = rule.api_group_suffixes;
        for (const std::string& url : rule.non_resource_urls) {
            // NonResourceURLMatches: "*" matches all; a trailing '*' is a prefix match after Go's
            // TrimRight("*").
            if (url == "*") {
                out.any_url = true;
            } else if (url.ends_with('*')) {
                // "**" trims to "", which matches everything like "*".
                const std::string prefix = url.substr(0, url.find_last_not_of('*') + 1);
                if (prefix.empty()) {
                    out.any_url = true;
                } else {
                    rare.url_prefixes.push_back(prefix);
                }
            } else {
                rare.url_exact.push_back(url);
            }
        }
        if (!rare.api_group_suffixes.empty() || !rare.url_exact.empty() || !rare.url_prefixes.empty()) {
            out.rare = std::make_unique<const CompiledRule::Rare>(std::move(rare));
        }
        // Every verb on every resource of every group, for any name: what cluster-admin grants.
        if (!everything_rule && out.any_verb && out.any_group && out.any_resource &&
            out.resource_names.empty()) {
            everything_rule = static_cast<std::uint32_t>(compiled.size() - 1);
            grants_everything = true;
        }
    }
}

std::string_view AccessPolicyGrant::name() const {
    return definition != nullptr ? std::string_view(definition->name)
                                 : std::string_view(association->policy_arn);
}

Graph::Graph(Export source, GraphOptions options)
    : source_(std::make_unique<Export>(std::move(source))),
      overlay_(std::make_unique<Export>()),
      options_(std::move(options)) {
    if (options_.builtin_objects) {
        *overlay_ = builtin_overlay(*source_, kubernetes_version());
    }
    add_implied_entries(*source_, options_, *overlay_, diagnostics_);
    symbols_.intern("");
    table_ = std::make_unique<GrantTable>(*this);
    build_roles();
    build_bindings();
    build_mappings();
    build_access_policies();
    table_->finish();
}

const GrantTable& Graph::grants() const {
    return *table_;
}

Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;
Graph::~Graph() = default;

std::optional<KubernetesVersion> Graph::kubernetes_version() const {
    if (options_.kubernetes_version) {
        return options_.kubernetes_version;
    }
    return source_->cluster ? source_->cluster->version : std::nullopt;
}

AnonymousReach Graph::anonymous_reach() const {
    // Only a cluster description (describe-cluster, eksctl, CloudFormation, Terraform) says the cluster is
    // EKS; an aws-auth ConfigMap alone does not (self-managed clusters run aws-iam-authenticator too).
    if (!source_->cluster) {
        return {};
    }
    constexpr KubernetesVersion kRestricted{1, 32};
    const std::optional<KubernetesVersion> version = kubernetes_version();
    if (!version) {
        return {AnonymousReach::Extent::kUnknown,
                "the EKS cluster's version is unknown: from EKS 1.32 anonymous requests other than /healthz, "
                "/livez and /readyz get 401 before authorization, before 1.32 they reach RBAC (give "
                "--kubernetes-version)"};
    }
    if (*version < kRestricted) {
        return {};
    }
    return {AnonymousReach::Extent::kHealthEndpoints,
            fmt::format("EKS {} authenticates anonymous requests only for /healthz, /livez and /readyz (from "
                        "1.32): every other anonymous request gets 401 before authorization",
                        version->display())};
}

namespace {
constexpr std::array<std::string_view, 3> kAnonymousHealthPaths = {"/healthz", "/livez", "/readyz"};
}  // namespace

bool is_anonymous_health_request(const Request& request) {
    return request.non_resource && std::find(kAnonymousHealthPaths.begin(), kAnonymousHealthPaths.end(),
                                             request.path) != kAnonymousHealthPaths.end();
}

bool covers_anonymous_health_path(std::string_view pattern) {
    // rbac.go NonResourceURLMatches: exact, or a prefix after Go's TrimRight(pattern, "*") for a pattern
    // ending in '*' ("*" and "**" cover everything).
    const bool prefix = pattern.ends_with('*');
    const std::string_view stem = prefix ? pattern.substr(0, pattern.find_last_not_of('*') + 1) : pattern;
    return std::any_of(kAnonymousHealthPaths.begin(), kAnonymousHealthPaths.end(),
                       [&](std::string_view path) { return prefix ? path.starts_with(stem) : path == stem; });
}

bool is_anonymous_name(HolderKind kind, std::string_view name) {
    return (kind == HolderKind::kUser && name == "system:anonymous") ||
           (kind == HolderKind::kGroup && name == "system:unauthenticated");
}

bool is_anonymous_subject(const Subject& subject) {
    return (subject.kind == "User" && is_anonymous_name(HolderKind::kUser, subject.name)) ||
           (subject.kind == "Group" && is_anonymous_name(HolderKind::kGroup, subject.name));
}

std::vector<const PodIdentityAssociation*> Graph::pod_identities_of(std::string_view ns,
                                                                    std::string_view name) const {
    std::vector<const PodIdentityAssociation*> out;
    for (const PodIdentityAssociation& association : source_->pod_identity_associations) {
        if (association.ns == ns && association.service_account == name) {
            out.push_back(&association);
        }
    }
    return out;
}

namespace {

// The role index's hash: the scope, and the namespace of a namespaced role, then the name. Equal keys hash
// equal; a match is then checked against the role's own fields, so the hash only decides where to look.
std::uint64_t role_hash(bool cluster_scoped, std::string_view ns, std::string_view name) {
    std::uint64_t hash = std::hash<std::string_view>{}(name);
    if (!cluster_scoped) {
        hash ^= (std::hash<std::string_view>{}(ns) + 0x9E3779B97F4A7C15ULL) * 0xBF58476D1CE4E5B9ULL;
    }
    hash ^= hash >> 31;  // splitmix64's finalizer: low bits pick the slot, high bits are the tag
    hash *= 0x94D049BB133111EBULL;
    return hash ^ (hash >> 29) ^ (cluster_scoped ? 0x5851F42D4C957F2DULL : 0);
}

bool same_role_key(const Role& role, bool cluster_scoped, std::string_view ns, std::string_view name) {
    return role.cluster_scoped == cluster_scoped && role.name == name && (cluster_scoped || role.ns == ns);
}

}  // namespace

const Graph::RoleSlot& Graph::first_candidate(std::uint64_t hash) const {
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    const std::size_t mask = role_slots_.size() - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const RoleSlot& entry = role_slots_[slot];
        if (entry.role == UINT32_MAX || entry.tag == tag) {
            return entry;
        }
    }
}

std::size_t Graph::role_slot(std::uint64_t hash, bool cluster_scoped, std::string_view ns,
                             std::string_view name) const {
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    const std::size_t mask = role_slots_.size() - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const RoleSlot& entry = role_slots_[slot];
        if (entry.role == UINT32_MAX ||
            (entry.tag == tag && same_role_key(*entry.definition, cluster_scoped, ns, name))) {
            return slot;
        }
    }
}

std::optional<std::uint32_t> Graph::find_role(bool cluster_scoped, std::string_view ns,
                                              std::string_view name) const {
    if (role_slots_.empty()) {
        return std::nullopt;
    }
    const RoleSlot& entry =
        role_slots_[role_slot(role_hash(cluster_scoped, ns, name), cluster_scoped, ns, name)];
    return entry.role == UINT32_MAX ? std::nullopt : std::optional<std::uint32_t>(entry.role);
}

// Files roles_[role] in the index; a role of the same key filed before is replaced (the later wins, as it
// always did here; the loader keeps one role per key).
void Graph::index_role(std::uint32_t role) {
    const Role& filed = *roles_[role].role;
    const std::uint64_t hash = role_hash(filed.cluster_scoped, filed.ns, filed.name);
    role_slots_[role_slot(hash, filed.cluster_scoped, filed.ns, filed.name)] = {
        static_cast<std::uint32_t>(hash >> 32), role, &filed};
}

namespace {

// What a binding's roleRef names in the role index, or nothing. rbac/validation/rule.go
// GetRoleReferenceRules: only kind and name count; a ClusterRoleBinding's Role reference resolves to nothing.
struct RoleRefKey {
    bool resolvable = false;
    bool cluster_scoped = false;
    std::string_view ns;
    std::string_view name;
};

RoleRefKey role_ref_key(const Binding& binding) {
    if (binding.role_ref.kind == "ClusterRole") {
        return {true, true, {}, binding.role_ref.name};
    }
    if (binding.role_ref.kind == "Role" && !binding.cluster_scoped) {
        return {true, false, binding.ns, binding.role_ref.name};
    }
    return {};
}

}  // namespace

std::vector<std::uint32_t> Graph::resolve_role_refs(const std::vector<const Binding*>& bindings) const {
    // A million lookups into an index of half a million roles miss the cache twice each (the slot, then the
    // role whose name is compared). Looking up one binding while prefetching the slot of the binding kAhead
    // further on and the candidate role of the binding kAhead / 2 further on lets those misses overlap.
    constexpr std::size_t kAhead = 16;
    std::vector<std::uint32_t> roles(bindings.size(), UINT32_MAX);
    if (role_slots_.empty()) {
        return roles;
    }
    std::vector<std::uint64_t> hashes(bindings.size());
    const std::size_t mask = role_slots_.size() - 1;
    for (std::size_t i = 0; i < bindings.size() + kAhead; ++i) {
        if (i < bindings.size()) {
            const RoleRefKey key = role_ref_key(*bindings[i]);
            if (key.resolvable) {
                hashes[i] = role_hash(key.cluster_scoped, key.ns, key.name);
                __builtin_prefetch(&role_slots_[hashes[i] & mask]);
            }
        }
        if (i >= kAhead / 2 && i - kAhead / 2 < bindings.size()) {
            const std::size_t middle = i - kAhead / 2;
            if (role_ref_key(*bindings[middle]).resolvable) {
                if (const RoleSlot& candidate = first_candidate(hashes[middle]);
                    candidate.definition != nullptr) {
                    __builtin_prefetch(&candidate.definition->cluster_scoped);
                    __builtin_prefetch(&candidate.definition->name);
                    __builtin_prefetch(&candidate.definition->ns);
                }
            }
        }
        if (i >= kAhead) {
            const std::size_t done = i - kAhead;
            if (const RoleRefKey key = role_ref_key(*bindings[done]); key.resolvable) {
                roles[done] = role_slots_[role_slot(hashes[done], key.cluster_scoped, key.ns, key.name)].role;
            }
        }
    }
    return roles;
}

std::uint32_t Graph::add_rule_set(const std::vector<PolicyRule>& rules, RuleCoverage coverage) {
    rule_sets_.emplace_back(rules, coverage, symbols_);
    return static_cast<std::uint32_t>(rule_sets_.size() - 1);
}

void Graph::build_roles() {
    std::vector<const Role*> cluster_roles;
    std::vector<std::size_t> cluster_role_slots;
    std::vector<std::vector<PolicyRule>> cluster_rules;
    roles_.reserve(source_->roles.size() + overlay_->roles.size());
    // At most half full, so a probe ends within a few slots.
    role_slots_.assign(std::bit_ceil(2 * roles_.capacity() + 2), RoleSlot{});
    for_each_of(*source_, *overlay_, &Export::roles, [&](const Role& role) {
        roles_.push_back({&role, std::nullopt, 0});
        index_role(static_cast<std::uint32_t>(roles_.size() - 1));
        if (role.cluster_scoped) {
            cluster_roles.push_back(&role);
            cluster_role_slots.push_back(roles_.size() - 1);
            cluster_rules.push_back(role.rules);
        }
    });
    std::vector<std::vector<std::uint32_t>> stored_only;
    resolve_aggregation(cluster_roles, cluster_rules, diagnostics_, &stored_only);
    for (std::size_t i = 0; i < cluster_roles.size(); ++i) {
        if (cluster_roles[i]->aggregation) {
            roles_[cluster_role_slots[i]].aggregated = std::move(cluster_rules[i]);
        }
    }
    cluster_rules = {};
    rule_sets_.reserve(roles_.size() + 8);
    for (RoleNode& node : roles_) {
        node.rule_set = add_rule_set(
            node.rules(), node.role->rules_published ? RuleCoverage::kExact : RuleCoverage::kUnknown);
    }
    compare_roles_with_builtin(stored_only, cluster_role_slots);
}

void Graph::compare_roles_with_builtin(const std::vector<std::vector<std::uint32_t>>& stored_only,
                                       const std::vector<std::size_t>& stored_only_slots) {
    // Names only say which definition to compare with; what the object grants decides (decisions.md). The
    // comparison is with the most a cluster of this version may hold, so a newer cluster's object is not
    // called modified for what its release added.
    const BuiltinPolicy& policy = builtin_policy_at_most(kubernetes_version());
    const std::size_t exported = source_->roles.size();
    std::unordered_map<std::size_t, const std::vector<std::uint32_t>*> stored_only_of;
    for (std::size_t i = 0; i < stored_only_slots.size(); ++i) {
        if (!stored_only[i].empty()) {
            stored_only_of.emplace(stored_only_slots[i], &stored_only[i]);
        }
    }
    for (std::size_t r = 0; r < roles_.size(); ++r) {
        RoleNode& node = roles_[r];
        const Role& role = *node.role;
        if (r >= exported) {
            node.status = BuiltinStatus::kBuiltin;  // the overlay: the definition itself
            continue;
        }
        const Role* definition = policy.find_role(role.cluster_scoped, role.ns, role.name);
        if (definition == nullptr) {
            continue;
        }
        const std::vector<PolicyRule>& granted = definition_rules(policy, *definition);
        BuiltinDifference difference;
        if (role.aggregation) {
            difference.selectors = selectors_beyond(
                *role.aggregation, definition->aggregation ? &*definition->aggregation : nullptr);
            // Stored rules its selectors do not produce are granted too (the union, decisions.md).
            if (const auto found = stored_only_of.find(r); found != stored_only_of.end()) {
                for (const std::uint32_t index : *found->second) {
                    if (!rule_covered(role.rules[index], granted)) {
                        difference.rules.push_back(index);
                    }
                }
            }
        } else {
            difference.rules = rules_beyond(role.rules, granted);
        }
        if (difference.rules.empty() && difference.selectors.empty()) {
            node.status = BuiltinStatus::kBuiltin;
        } else {
            node.status = BuiltinStatus::kModified;
            difference.grants = grants_beyond(node.rules(), granted);
            role_differences_.emplace(static_cast<std::uint32_t>(r), std::move(difference));
        }
    }
}

void Graph::build_bindings() {
    std::vector<const Binding*> ordered;
    ordered.reserve(source_->bindings.size() + overlay_->bindings.size());
    for_each_of(*source_, *overlay_, &Export::bindings,
                [&](const Binding& binding) { ordered.push_back(&binding); });
    const std::vector<std::uint32_t> roles = resolve_role_refs(ordered);
    bindings_.reserve(ordered.size());
    const BuiltinPolicy& policy = builtin_policy_at_most(kubernetes_version());
    const std::size_t exported = source_->bindings.size();
    for (std::size_t b = 0; b < ordered.size(); ++b) {
        const Binding& binding = *ordered[b];
        BindingNode node{&binding, std::nullopt, symbols_.intern(binding.ns)};
        if (roles[b] != UINT32_MAX) {
            node.role = roles[b];
        }
        compare_binding_with_builtin(policy, b >= exported, node);
        bindings_.push_back(node);
        table_->add_binding(
            binding, node.role ? std::optional<std::uint32_t>(roles_[*node.role].rule_set) : std::nullopt,
            node.ns, node.builtin);
    }
}

void Graph::compare_binding_with_builtin(const BuiltinPolicy& policy, bool overlay, BindingNode& node) {
    const Binding& binding = *node.binding;
    if (overlay) {
        node.status = BuiltinStatus::kBuiltin;
    } else if (const Binding* definition =
                   policy.find_binding(binding.cluster_scoped, binding.ns, binding.name)) {
        BuiltinDifference difference;
        // GetRoleReferenceRules reads kind and name only.
        difference.role_ref = binding.role_ref.kind != definition->role_ref.kind ||
                              binding.role_ref.name != definition->role_ref.name;
        if (difference.role_ref) {
            difference.definition_role = definition->role_ref.kind + " " + definition->role_ref.name;
        }
        for (const std::uint32_t index : subjects_beyond(binding, *definition)) {
            Subject subject = binding.subjects[index];
            if (subject.kind == "ServiceAccount" && subject.ns.empty()) {
                subject.ns = binding.ns;  // appliesToUser: the RoleBinding's namespace
            }
            difference.subjects.push_back(std::move(subject));
        }
        if (!difference.role_ref && difference.subjects.empty()) {
            node.status = BuiltinStatus::kBuiltin;
        } else {
            node.status = BuiltinStatus::kModified;
            binding_differences_.emplace(static_cast<std::uint32_t>(bindings_.size()), std::move(difference));
        }
    }
    // What a binding hands out is its role's: a definition's binding to a modified role is not built in.
    node.builtin = node.status == BuiltinStatus::kBuiltin &&
                   (!node.role || roles_[*node.role].status == BuiltinStatus::kBuiltin);
}

void Graph::build_access_policies() {
    static const std::vector<PolicyRule> kNoRules;
    grants_.reserve(source_->access_policies.size() + overlay_->access_policies.size());
    std::map<const AccessPolicyDefinition*, std::uint32_t> rule_set_of;
    for_each_of(
        *source_, *overlay_, &Export::access_policies, [&](const AccessPolicyAssociation& association) {
            AccessPolicyGrant grant{&association, find_access_policy(association.policy_arn), 0};
            if (grant.definition == nullptr) {
                diagnostics_.push_back(
                    {Severity::kWarning, association.location,
                     "access policy of " + association.principal_arn,
                     fmt::format("unknown access policy '{}': every answer inside its scope is undetermined",
                                 association.policy_arn)});
            } else if (grant.definition->coverage == RuleCoverage::kUnknown) {
                diagnostics_.push_back(
                    {Severity::kNote, association.location, "access policy of " + association.principal_arn,
                     fmt::format("AWS publishes nothing but the name of {}: every answer inside "
                                 "its scope is undetermined",
                                 grant.definition->name)});
            } else if (grant.definition->coverage == RuleCoverage::kLowerBound) {
                diagnostics_.push_back(
                    {Severity::kNote, association.location, "access policy of " + association.principal_arn,
                     fmt::format("AWS describes {} in prose: what it names is allowed, anything "
                                 "else inside its scope is undetermined",
                                 grant.definition->name)});
            }
            const auto [found, added] = rule_set_of.try_emplace(grant.definition, 0);
            if (added) {
                found->second = grant.definition == nullptr
                                    ? add_rule_set(kNoRules, RuleCoverage::kUnknown)
                                    : add_rule_set(grant.definition->rules, grant.definition->coverage);
            }
            grant.rule_set = found->second;
            grants_.push_back(grant);
            // EKS user guide, grant-k8s-access: access policies belong to access entries, which exist only in
            // the API modes; outside them an association grants nothing.
            table_->add_policy(association, grant.rule_set, access_entries_apply());
        });
}

const BuiltinDifference* Graph::role_difference(std::size_t role) const {
    const auto found = role_differences_.find(static_cast<std::uint32_t>(role));
    return found == role_differences_.end() ? nullptr : &found->second;
}

const BuiltinDifference* Graph::binding_difference(std::size_t binding) const {
    const auto found = binding_differences_.find(static_cast<std::uint32_t>(binding));
    return found == binding_differences_.end() ? nullptr : &found->second;
}

std::size_t Graph::binding_index(const Binding& binding) const {
    const auto index_in = [&](const std::vector<Binding>& list) -> std::optional<std::size_t> {
        if (list.empty() || &binding < list.data() || &binding >= list.data() + list.size()) {
            return std::nullopt;
        }
        return static_cast<std::size_t>(&binding - list.data());
    };
    if (const auto exported = index_in(source_->bindings)) {
        return *exported;
    }
    if (const auto added = index_in(overlay_->bindings)) {
        return source_->bindings.size() + *added;
    }
    throw std::logic_error("a binding of another graph");
}

std::string describe_binding(const Graph& graph, std::size_t binding) {
    const BindingNode& node = graph.bindings()[binding];
    std::string text = node.binding->display();
    if (node.role) {
        const Role& role = *graph.roles()[*node.role].role;
        text += " -> " + role.display();
        // A built-in binding says so through its own location; a binding of the export names its built-in
        // role.
        if (role.location.origin == Origin::kBuiltin && node.binding->location.origin != Origin::kBuiltin) {
            text += " (" + format_location(role.location) + ")";
        }
    }
    return text;
}

}  // namespace rbacgraph
