#include "rbacgraph/graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "rbacgraph/arn.hpp"

namespace rbacgraph {
namespace {

void add_unique(std::vector<Symbol>& list, Symbol symbol) {
    if (std::find(list.begin(), list.end(), symbol) == list.end()) {
        list.push_back(symbol);
    }
}

bool any_entry_for(const Export& source, const std::string& key) {
    return std::any_of(
        source.access_entries.begin(), source.access_entries.end(),
        [&](const AccessEntry& entry) { return access_entry_key(entry.principal_arn) == key; });
}

// A policy cannot be associated without an entry, so associations imply one; in an API mode with the
// bootstrap flag on, the creator's entry is assumed when the export has no access-entry data at all.
void add_implied_entries(Export& source, const GraphOptions& options, std::vector<Diagnostic>& diagnostics) {
    std::set<std::string> added;
    for (const AccessPolicyAssociation& association : source.access_policies) {
        const std::string key = access_entry_key(association.principal_arn);
        if (!any_entry_for(source, key) && added.insert(key).second) {
            AccessEntry entry;
            entry.principal_arn = association.principal_arn;
            entry.described = false;
            entry.location = association.location;
            source.access_entries.push_back(entry);
            diagnostics.push_back(
                {Severity::kWarning, association.location, "access entry " + entry.principal_arn,
                 "access policies are associated with this principal but its access entry was "
                 "not exported (describe-access-entry); a STANDARD entry with the default "
                 "username and no groups is assumed"});
        }
    }
    const bool api_mode = source.cluster && (source.cluster->mode == AuthenticationMode::kApi ||
                                             source.cluster->mode == AuthenticationMode::kApiAndConfigMap);
    if (api_mode && !options.creator_arn.empty() && source.access_entries.empty() &&
        source.cluster->bootstrap_creator_admin.value_or(true)) {
        AccessEntry entry;
        entry.principal_arn = options.creator_arn;
        entry.described = false;
        entry.location = {"--creator", 0, 0};
        source.access_entries.push_back(entry);
        AccessPolicyAssociation association;
        association.principal_arn = options.creator_arn;
        association.policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
        association.location = entry.location;
        source.access_policies.push_back(association);
        diagnostics.push_back({Severity::kNote, entry.location, "access entry " + entry.principal_arn,
                               "no access entries were exported; the creator's bootstrap entry with "
                               "AmazonEKSClusterAdminPolicy is assumed to still exist"});
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

CompiledRule CompiledRule::compile(const PolicyRule& rule, SymbolTable& symbols) {
    CompiledRule out;
    for (const std::string& verb : rule.verbs) {
        verb == "*" ? void(out.any_verb = true) : add_unique(out.verbs, symbols.intern(verb));
    }
    for (const std::string& group : rule.api_groups) {
        group == "*" ? void(out.any_group = true) : add_unique(out.api_groups, symbols.intern(group));
    }
    for (const std::string& resource : rule.resources) {
        // k8s evaluation_helpers.go ResourceMatches: "*" matches all, "*/x" matches subresource x of
        // anything; any other entry, "pods/*" included, must equal resource[/subresource] exactly.
        if (resource == "*") {
            out.any_resource = true;
        } else if (resource.starts_with("*/")) {
            add_unique(out.star_subresources, symbols.intern(std::string_view(resource).substr(2)));
        } else {
            add_unique(out.resources, symbols.intern(resource));
        }
    }
    for (const std::string& name : rule.resource_names) {
        add_unique(out.resource_names, symbols.intern(name));
    }
    for (const std::string& url : rule.non_resource_urls) {
        // NonResourceURLMatches: "*" matches all; a trailing '*' is a prefix match after Go's TrimRight("*").
        if (url == "*") {
            out.any_url = true;
        } else if (url.ends_with('*')) {
            // "**" trims to "", which matches everything like "*".
            const std::string prefix = url.substr(0, url.find_last_not_of('*') + 1);
            if (prefix.empty()) {
                out.any_url = true;
            } else {
                out.url_prefixes.push_back(prefix);
            }
        } else {
            out.url_exact.push_back(url);
        }
    }
    return out;
}

std::string access_entry_key(std::string_view principal_arn) {
    const auto parsed = parse_principal_arn(principal_arn);
    if (const auto* principal = std::get_if<Principal>(&parsed);
        principal != nullptr && principal->kind == PrincipalKind::kRole) {
        // Access entries match by the role's unique ID, so any path in principalArn is irrelevant.
        return ascii_lower(principal->session_role_arn());
    }
    return ascii_lower(principal_arn);
}

Graph::Graph(Export source, GraphOptions options)
    : source_(std::make_unique<Export>(std::move(source))), options_(std::move(options)) {
    add_implied_entries(*source_, options_, diagnostics_);
    symbols_.intern("");
    build_roles();
    build_bindings();
    build_mappings();
    build_access_policies();
}

Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;
Graph::~Graph() = default;

AuthenticationMode Graph::mode() const {
    return source_->cluster ? source_->cluster->mode : AuthenticationMode::kUnknown;
}

int Graph::find_role(bool cluster_scoped, std::string_view ns, std::string_view name) const {
    const auto found =
        role_index_.find({cluster_scoped, std::string(cluster_scoped ? "" : ns), std::string(name)});
    return found == role_index_.end() ? -1 : found->second;
}

void Graph::build_roles() {
    const auto& roles = source_->roles;
    std::vector<const Role*> cluster_roles;
    std::vector<std::size_t> cluster_role_slots;
    std::vector<std::vector<PolicyRule>> cluster_rules;
    roles_.reserve(roles.size());
    for (const Role& role : roles) {
        role_index_[{role.cluster_scoped, role.ns, role.name}] = static_cast<int>(roles_.size());
        roles_.push_back({&role, std::nullopt, {}});
        if (role.cluster_scoped) {
            cluster_roles.push_back(&role);
            cluster_role_slots.push_back(roles_.size() - 1);
            cluster_rules.push_back(role.rules);
        }
    }
    resolve_aggregation(cluster_roles, cluster_rules, diagnostics_);
    for (std::size_t i = 0; i < cluster_roles.size(); ++i) {
        if (cluster_roles[i]->aggregation) {
            roles_[cluster_role_slots[i]].aggregated = std::move(cluster_rules[i]);
        }
    }
    cluster_rules = {};
    for (RoleNode& node : roles_) {
        node.compiled.reserve(node.rules().size());
        for (const PolicyRule& rule : node.rules()) {
            node.compiled.push_back(CompiledRule::compile(rule, symbols_));
        }
    }
}

void Graph::build_bindings() {
    const auto& bindings = source_->bindings;
    bindings_.reserve(bindings.size());
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const Binding& binding = bindings[b];
        BindingNode node{&binding, -1, symbols_.intern(binding.ns)};
        // rbac/validation/rule.go GetRoleReferenceRules: only kind and name count; a ClusterRoleBinding's
        // Role reference and a missing role resolve to nothing.
        if (binding.role_ref.kind == "ClusterRole") {
            node.role = find_role(true, "", binding.role_ref.name);
        } else if (binding.role_ref.kind == "Role" && !binding.cluster_scoped) {
            node.role = find_role(false, binding.ns, binding.role_ref.name);
        }
        bindings_.push_back(node);
        for (std::size_t s = 0; s < binding.subjects.size(); ++s) {
            const Subject& subject = binding.subjects[s];
            const SubjectRef ref{static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(s)};
            if (subject.kind == "User") {
                user_subjects_[subject.name].push_back(ref);
            } else if (subject.kind == "Group") {
                group_subjects_[subject.name].push_back(ref);
            } else if (subject.kind == "ServiceAccount") {
                // appliesToUser: an SA subject without namespace takes the request's namespace, which for a
                // RoleBinding is its own; in a ClusterRoleBinding it matches nobody.
                const std::string& ns = subject.ns.empty() ? binding.ns : subject.ns;
                if (!ns.empty()) {
                    sa_subjects_[ns + "/" + subject.name].push_back(ref);
                }
            }
        }
    }
}

void Graph::build_mappings() {
    if (const auto& aws_auth = source_->aws_auth) {
        // configmap.go saveMap: entries are keyed by lower-cased ARN and the last one wins, whole.
        for (const AwsAuthEntry& entry : aws_auth->map_roles) {
            role_mappings_[ascii_lower(entry.arn)] = &entry;
        }
        for (const AwsAuthEntry& entry : aws_auth->map_users) {
            user_mappings_[ascii_lower(entry.arn)] = &entry;
        }
    }
    for (const AccessEntry& entry : source_->access_entries) {
        access_entries_[access_entry_key(entry.principal_arn)] = &entry;
    }
}

void Graph::build_access_policies() {
    const auto& associations = source_->access_policies;
    grants_.reserve(associations.size());
    for (const AccessPolicyAssociation& association : associations) {
        AccessPolicyGrant grant{&association, find_access_policy(association.policy_arn), {}};
        if (grant.definition == nullptr) {
            diagnostics_.push_back(
                {Severity::kWarning, association.location, "access policy of " + association.principal_arn,
                 fmt::format("unknown access policy '{}': its permissions are not evaluated",
                             association.policy_arn)});
        } else if (grant.definition->opaque) {
            diagnostics_.push_back({Severity::kNote, association.location,
                                    "access policy of " + association.principal_arn,
                                    fmt::format("AWS publishes no rule table for {}; its permissions are not "
                                                "evaluated",
                                                grant.definition->name)});
        } else {
            for (const PolicyRule& rule : grant.definition->rules) {
                grant.compiled.push_back(CompiledRule::compile(rule, symbols_));
            }
        }
        grants_by_principal_[access_entry_key(association.principal_arn)].push_back(grants_.size());
        grants_.push_back(std::move(grant));
    }
}

std::vector<const AccessPolicyGrant*> Graph::grants_for(std::string_view principal_arn) const {
    std::vector<const AccessPolicyGrant*> out;
    const auto found = grants_by_principal_.find(access_entry_key(principal_arn));
    if (found != grants_by_principal_.end()) {
        for (std::size_t index : found->second) {
            out.push_back(&grants_[index]);
        }
    }
    return out;
}

}  // namespace rbacgraph
