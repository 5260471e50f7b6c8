#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/grants.hpp"

namespace rbacgraph {

GrantTable::GrantTable(const Graph& graph) : graph_(&graph) {}

void GrantTable::add_binding(const Binding& binding, std::optional<std::uint32_t> rule_set, Symbol ns,
                             bool builtin) {
    const auto b = static_cast<std::uint32_t>(binding_starts_.size());
    binding_starts_.push_back(static_cast<GrantId>(rows_.size()));
    if (!rule_set) {
        return;  // a binding to a missing role grants nothing
    }
    for (std::size_t s = 0; s < binding.subjects.size(); ++s) {
        const Subject& subject = binding.subjects[s];
        Row row;
        row.source = GrantSource::kBinding;
        row.source_index = b;
        row.subject = static_cast<std::uint32_t>(s);
        row.rule_set = *rule_set;
        row.scope = binding.cluster_scoped ? GrantScope::kCluster : GrantScope::kNamespace;
        row.ns = binding.cluster_scoped ? kNoSymbol : ns;
        row.builtin = builtin;
        const auto id = static_cast<GrantId>(rows_.size());
        // rule.go appliesToUser: kinds are case-sensitive and anything else matches nobody.
        if (subject.kind == "User") {
            row.holder = HolderKind::kUser;
            users_.add(subject.name, id);
        } else if (subject.kind == "Group") {
            row.holder = HolderKind::kGroup;
            groups_.add(subject.name, id);
        } else if (subject.kind == "ServiceAccount") {
            // An SA subject without namespace takes the request's namespace, which for a RoleBinding is its
            // own; in a ClusterRoleBinding it matches nobody.
            const std::string& account_ns = subject.ns.empty() ? binding.ns : subject.ns;
            if (account_ns.empty()) {
                continue;
            }
            row.holder = HolderKind::kServiceAccount;
            service_accounts_.add(account_ns + "/" + subject.name, id);
        } else {
            continue;
        }
        rows_.push_back(row);
    }
}

void GrantTable::add_policy(const AccessPolicyAssociation& association, std::uint32_t rule_set,
                            bool in_force) {
    if (policy_starts_.empty()) {
        binding_starts_.push_back(static_cast<GrantId>(rows_.size()));  // closes the last binding
    }
    const auto index = static_cast<std::uint32_t>(policy_starts_.size());
    policy_starts_.push_back(static_cast<GrantId>(rows_.size()));
    Row row;
    row.source = GrantSource::kAccessPolicy;
    row.holder = HolderKind::kPrincipal;
    row.source_index = index;
    row.rule_set = rule_set;
    row.in_force = in_force;
    row.scope = association.scope.cluster_wide ? GrantScope::kCluster : GrantScope::kNamespacePatterns;
    principals_.add(access_entry_key(association.principal_arn), static_cast<GrantId>(rows_.size()));
    rows_.push_back(row);
}

void GrantTable::finish() {
    if (policy_starts_.empty()) {
        binding_starts_.push_back(static_cast<GrantId>(rows_.size()));
    }
    policy_starts_.push_back(static_cast<GrantId>(rows_.size()));
    for (HolderIndex* index : {&users_, &groups_, &service_accounts_, &principals_}) {
        index->finish();
    }
}

namespace {

// A holder name as sort keys: its first sixteen bytes as two big-endian integers, zero-padded, and its
// length. The integers compare as the strings' first sixteen bytes do (unsigned, as std::string compares);
// two names no longer than sixteen bytes with equal integers differ only in trailing zero bytes, so the
// shorter sorts first. Only two longer names with an equal prefix are read to be compared.
struct HolderKey {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    std::uint32_t size = 0;
    GrantId grant = 0;
    std::uint32_t pending = 0;  ///< the name's index in the pending pairs
};

constexpr std::size_t kInlineName = 16;

HolderKey holder_key(std::string_view name, GrantId grant, std::size_t pending) {
    HolderKey key;
    for (std::size_t i = 0; i < kInlineName; ++i) {
        const std::uint64_t byte = i < name.size() ? static_cast<unsigned char>(name[i]) : 0U;
        std::uint64_t& half = i < 8 ? key.high : key.low;
        half = (half << 8) | byte;
    }
    key.size = static_cast<std::uint32_t>(std::min<std::size_t>(name.size(), UINT32_MAX));
    key.grant = grant;
    key.pending = static_cast<std::uint32_t>(pending);
    return key;
}

}  // namespace

void HolderIndex::finish() {
    // Sorted by name, then by grant (the order they were added, table order), so each holder's grants stay in
    // table order. The keys are sorted, not the (name, grant) pairs: at a million subjects, moving strings
    // and comparing them through memcmp was most of the graph build's sort, and reading the pairs in sorted
    // order missed the cache on every one. A name is read once per holder, when its entry is made.
    std::vector<HolderKey> keys(pending_.size());
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        keys[i] = holder_key(pending_[i].first, pending_[i].second, i);
    }
    // <0, 0, >0 as the two names compare.
    const auto compare_names = [this](const HolderKey& a, const HolderKey& b) {
        if (a.high != b.high) {
            return a.high < b.high ? -1 : 1;
        }
        if (a.low != b.low) {
            return a.low < b.low ? -1 : 1;
        }
        if (a.size <= kInlineName && b.size <= kInlineName) {
            return a.size == b.size ? 0 : (a.size < b.size ? -1 : 1);
        }
        return pending_[a.pending].first.compare(pending_[b.pending].first);
    };
    std::sort(keys.begin(), keys.end(), [&](const HolderKey& a, const HolderKey& b) {
        const int names = compare_names(a, b);
        return names != 0 ? names < 0 : a.grant < b.grant;
    });
    grants_.reserve(keys.size());
    std::vector<std::size_t> starts;
    std::vector<std::uint32_t> named_by;  // each entry's name: the pending pair of its first key
    for (std::size_t k = 0; k < keys.size(); ++k) {
        if (k == 0 || compare_names(keys[k - 1], keys[k]) != 0) {
            starts.push_back(grants_.size());
            named_by.push_back(keys[k].pending);
        }
        grants_.push_back(keys[k].grant);
    }
    starts.push_back(grants_.size());
    // Names move only now: compare_names above may still read any pending name.
    entries_.reserve(named_by.size());
    for (std::size_t e = 0; e < named_by.size(); ++e) {
        entries_.push_back({std::move(pending_[named_by[e]].first),
                            std::span<const GrantId>(grants_).subspan(starts[e], starts[e + 1] - starts[e])});
    }
    pending_ = {};
}

HolderIndex::const_iterator HolderIndex::lower_bound(std::string_view name) const {
    return std::lower_bound(entries_.begin(), entries_.end(), name,
                            [](const Entry& entry, std::string_view key) { return entry.name < key; });
}

HolderIndex::const_iterator HolderIndex::find(std::string_view name) const {
    const auto found = lower_bound(name);
    return found != entries_.end() && found->name == name ? found : entries_.end();
}

Grant GrantTable::grant(GrantId id) const {
    const Row& row = rows_[id];
    const RuleSet& set = graph_->rule_sets()[row.rule_set];
    Grant out;
    out.id = id;
    out.source = row.source;
    out.holder_kind = row.holder;
    out.scope = row.scope;
    out.source_index = row.source_index;
    out.rules = set.rules;
    out.coverage = set.coverage;
    out.in_force = row.in_force;
    out.builtin = row.builtin;
    out.everything = set.everything_rule;
    if (row.source == GrantSource::kAccessPolicy) {
        const AccessPolicyGrant& policy = graph_->access_policy_grants()[row.source_index];
        out.policy = &policy;
        out.access_scope = &policy.association->scope;
        out.holder = policy.association->principal_arn;
        return out;
    }
    const BindingNode& node = graph_->bindings()[row.source_index];
    out.binding = node.binding;
    out.role = graph_->roles()[*node.role].role;
    if (row.scope == GrantScope::kNamespace) {
        out.ns = graph_->symbols().name(row.ns);
    }
    const Subject& subject = node.binding->subjects[row.subject];
    out.binding_subject = &subject;
    out.holder = subject.name;
    if (row.holder == HolderKind::kServiceAccount) {
        out.holder_ns = subject.ns.empty() ? node.binding->ns : subject.ns;  // appliesToUser
    }
    return out;
}

GrantTable::BindingSource GrantTable::binding_source(std::size_t binding) const {
    const BindingNode& node = graph_->bindings()[binding];
    BindingSource out;
    out.index = binding;
    out.binding = node.binding;
    out.role = node.role ? graph_->roles()[*node.role].role : nullptr;
    out.status = node.status;
    out.builtin = node.builtin;
    out.grants = of_binding(binding);
    return out;
}

GrantTable::PolicySource GrantTable::policy_source(std::size_t association) const {
    return {association, &graph_->access_policy_grants()[association], of_policy(association)};
}

GrantRange GrantTable::of_binding(std::size_t binding) const {
    return {binding_starts_[binding], binding_starts_[binding + 1]};
}

GrantRange GrantTable::of_policy(std::size_t association) const {
    return {policy_starts_[association], policy_starts_[association + 1]};
}

const HolderIndex& GrantTable::holders(HolderKind kind) const {
    switch (kind) {
        case HolderKind::kUser:
            return users_;
        case HolderKind::kGroup:
            return groups_;
        case HolderKind::kServiceAccount:
            return service_accounts_;
        case HolderKind::kPrincipal:
            break;
    }
    return principals_;
}

std::span<const GrantId> GrantTable::held_by(HolderKind kind, std::string_view name) const {
    const HolderIndex& index = holders(kind);
    const auto found = index.find(name);
    return found == index.end() ? std::span<const GrantId>() : found->grants;
}

GrantTable::Placement GrantTable::placement(GrantId id) const {
    const Row& row = rows_[id];
    Placement out;
    out.source = row.source;
    out.scope = row.scope;
    out.ns = row.ns;
    out.source_index = row.source_index;
    out.rules = row.rule_set;
    out.in_force = row.in_force;
    return out;
}

bool GrantTable::cluster_admin(GrantId id) const {
    const Row& row = rows_[id];
    return row.in_force && row.scope == GrantScope::kCluster &&
           graph_->rule_sets()[row.rule_set].everything_rule.has_value();
}

std::string GrantTable::coverage_reason(GrantId id) const {
    const Row& row = rows_[id];
    if (graph_->rule_sets()[row.rule_set].coverage == RuleCoverage::kExact) {
        return {};
    }
    if (row.source == GrantSource::kAccessPolicy) {
        const AccessPolicyGrant& policy = graph_->access_policy_grants()[row.source_index];
        if (policy.definition == nullptr) {
            return "not an access policy rbacgraph knows, so what it grants is not known";
        }
        if (policy.definition->coverage == RuleCoverage::kLowerBound) {
            return "AWS describes this policy only in prose, and this request is beyond what the prose "
                   "states";
        }
        return "AWS publishes only this policy's name, not what it grants";
    }
    const BindingNode& node = graph_->bindings()[row.source_index];
    return fmt::format("{} is one EKS creates; its rules are not published",
                       graph_->roles()[*node.role].role->display());
}

Subject Grant::subject() const {
    if (source != GrantSource::kBinding) {
        return {"AccessEntry", "", std::string(holder), ""};
    }
    Subject out = *binding_subject;
    if (holder_kind == HolderKind::kServiceAccount) {
        out.ns = std::string(holder_ns);  // appliesToUser: a RoleBinding's namespace when it names none
    }
    return out;
}

std::string Grant::holder_display() const {
    if (source != GrantSource::kBinding) {
        return std::string(holder);
    }
    return subject().display();
}

std::vector<std::string> Grant::namespaces() const {
    switch (scope) {
        case GrantScope::kCluster:
            return {};
        case GrantScope::kNamespace:
            return {std::string(ns)};
        case GrantScope::kNamespacePatterns:
            break;
    }
    return access_scope->namespaces;
}

const SourceLocation& Grant::location() const {
    return source == GrantSource::kAccessPolicy ? policy->association->location : binding->location;
}

}  // namespace rbacgraph
