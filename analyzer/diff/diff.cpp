// rbacgraph diff: effective access before and after a change (docs/diff.md).
#include "rbacgraph/diff.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace rbacgraph {
namespace {

// One permission, compared across the two sides: what it allows, never which grant allows it.
using Atom = std::tuple<PermissionRow::Scope, std::string, std::string, std::vector<std::string>, std::string,
                        bool>;  // scope, namespace, resource, names, verb, undetermined

PermissionRow masters_row() {
    PermissionRow row;
    row.resource = "*.*";
    row.verbs = {"*"};
    row.via = "group system:masters (bypasses authorization)";
    return row;
}

// A grant whose rules are not published (an access policy AWS describes in prose, or not at all): what it
// allows beyond its stated rows is unknown, so it is one undetermined permission of its own, which appears
// and disappears with the grant.
PermissionRow unpublished_row(const UnexpandedGrant& grant, const std::string& ns) {
    PermissionRow row;
    row.scope = ns.empty() ? PermissionRow::Scope::kCluster : PermissionRow::Scope::kNamespace;
    row.ns = ns;
    row.resource = "(rules not published)";
    row.verbs = {"(unknown)"};
    row.via = grant.via;
    row.via_location = grant.location;
    row.undetermined = true;
    return row;
}

// "deployments.apps/scale" as what-can writes a resource: name, group ("" for the core group), subresource.
struct ResourceParts {
    std::string_view name, group, sub;
};
ResourceParts parts_of(std::string_view resource) {
    ResourceParts out;
    const std::size_t slash = resource.find('/');
    out.sub = slash == std::string_view::npos ? std::string_view{} : resource.substr(slash + 1);
    const std::string_view head = resource.substr(0, slash);
    const std::size_t dot = head.find('.');
    out.name = head.substr(0, dot);
    out.group = dot == std::string_view::npos ? std::string_view{} : head.substr(dot + 1);
    return out;
}

// Whether `wide` allows everything `narrow` does, read as the RBAC authorizer matches a rule
// (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go, VerbMatches, APIGroupMatches, ResourceMatches:
// '*' matches every verb, group and resource, subresources included; "*/scale" every resource's scale). Only
// what '*' makes wider is recognized: two different concrete rows never cover each other.
bool covers(const Atom& wide, const Atom& narrow) {
    const auto& [wide_scope, wide_ns, wide_resource, wide_names, wide_verb, wide_undetermined] = wide;
    const auto& [scope, ns, resource, names, verb, undetermined] = narrow;
    if (wide_undetermined && !undetermined) {
        return false;  // a grant that may not be allowed covers nothing for certain
    }
    if (wide_verb != "*" && wide_verb != verb) {
        return false;
    }
    if ((wide_scope == PermissionRow::Scope::kNonResource) != (scope == PermissionRow::Scope::kNonResource)) {
        return false;
    }
    if (scope == PermissionRow::Scope::kNonResource) {
        // nonResourceURLs: '*' alone, or a trailing '*' as a prefix (rbac.go NonResourceURLMatches).
        return wide_resource == resource ||
               (!wide_resource.empty() && wide_resource.back() == '*' &&
                resource.starts_with(std::string_view(wide_resource).substr(0, wide_resource.size() - 1)));
    }
    // A cluster-wide row allows the same in every namespace; a namespace row only its own.
    if (wide_scope == PermissionRow::Scope::kNamespace && (scope != wide_scope || ns != wide_ns)) {
        return false;
    }
    if (!wide_names.empty() &&
        (names.empty() || !std::includes(wide_names.begin(), wide_names.end(), names.begin(), names.end()))) {
        return false;
    }
    const ResourceParts w = parts_of(wide_resource);
    const ResourceParts n = parts_of(resource);
    if (w.group != "*" && w.group != n.group) {
        return false;
    }
    if (w.name == "*" && w.sub.empty()) {
        return true;
    }
    return (w.name == "*" || w.name == n.name) && w.sub == n.sub;
}

// One principal's permissions on one side: atoms pointing at the rows (kept here) that give them.
struct Side {
    std::string identity;
    std::string username;             ///< an IAM principal's Kubernetes username on this side ("" for none)
    std::vector<std::string> groups;  ///< an IAM principal's Kubernetes groups on this side
    std::deque<PermissionRow> rows;
    std::map<Atom, const PermissionRow*> atoms;
    bool masters = false;  ///< system:masters: every request is allowed before any authorizer is asked
    std::vector<Atom>
        wide;  ///< the atoms with a '*' (verb, resource, group, URL): the only ones covering others

    // What one hop can do. `route` names the assume-role route when the hop is a role the principal reaches
    // (its grants then start with it); a conditional route makes every permission undetermined.
    void add(WhatCan what, const std::string& route = {}, bool conditional = false) {
        std::vector<PermissionRow> found;
        if (what.masters) {
            masters = masters || !conditional;
            found.push_back(masters_row());
        } else {
            found = std::move(what.rows);
            for (const UnexpandedGrant& grant : what.unexpanded) {
                if (grant.namespaces.empty()) {
                    found.push_back(unpublished_row(grant, ""));
                }
                for (const std::string& ns : grant.namespaces) {
                    found.push_back(unpublished_row(grant, ns));
                }
            }
        }
        for (PermissionRow& row : found) {
            if (row.everyone) {
                continue;  // what every authenticated user has: the identity line says it changed
            }
            if (!route.empty()) {
                row.via = fmt::format("{}: {}", route, row.via);
            }
            row.undetermined = row.undetermined || conditional;
            const PermissionRow& kept = rows.emplace_back(std::move(row));
            for (const std::string& verb : kept.verbs) {
                Atom atom{kept.scope, kept.ns, kept.resource, kept.resource_names, verb, kept.undetermined};
                if (verb == "*" || kept.resource.find('*') != std::string::npos) {
                    wide.push_back(atom);
                }
                atoms.emplace(std::move(atom), &kept);
            }
        }
    }
};

// Whether the side allows the atom through a wider one it holds (system:masters, a '*').
bool subsumed_by(const Side& side, const Atom& atom) {
    if (side.masters) {
        return true;
    }
    return std::any_of(side.wide.begin(), side.wide.end(),
                       [&](const Atom& wide) { return wide != atom && covers(wide, atom); });
}

// Rows of the atoms one side has and the other lacks, compacted again by (scope, namespace, resource, names,
// grant, certainty) as what-can shows them. `subsumed` (when given) receives those the other side still
// allows through a wider grant, which are then not in the result: the permission is kept, not lost.
std::vector<PermissionRow> only_in(const Side& side, const Side& other,
                                   std::vector<PermissionRow>* subsumed = nullptr) {
    using Key = std::tuple<PermissionRow::Scope, std::string, std::string, std::vector<std::string>,
                           std::string, bool>;
    std::map<Key, PermissionRow> rows;
    std::map<Key, PermissionRow> covered;
    for (const auto& [atom, row] : side.atoms) {
        if (other.atoms.contains(atom)) {
            continue;
        }
        if (subsumed != nullptr && subsumed_by(other, atom)) {
            const auto& [scope, ns, resource, names, verb, undetermined] = atom;
            auto [found, added] =
                covered.try_emplace({scope, ns, resource, names, row->via, undetermined}, *row);
            if (added) {
                found->second.verbs.clear();
            }
            found->second.verbs.push_back(verb);
            continue;
        }
        const auto& [scope, ns, resource, names, verb, undetermined] = atom;
        auto [found, added] = rows.try_emplace({scope, ns, resource, names, row->via, undetermined}, *row);
        if (added) {
            found->second.verbs.clear();
        }
        found->second.verbs.push_back(verb);
    }
    std::vector<PermissionRow> out;
    out.reserve(rows.size());
    for (auto& [key, row] : rows) {
        out.push_back(std::move(row));
    }
    if (subsumed != nullptr) {
        for (auto& [key, row] : covered) {
            subsumed->push_back(std::move(row));
        }
    }
    return out;
}

// What a grant allows, as a number that is the same in both graphs for the same access: whether it is in
// force, its scope, its namespace(s) and its rules' content (indexes differ between graphs). Equal signatures
// over a principal's grants mean equal permissions, so only principals whose signature differs are expanded.
class GrantSignatures {
  public:
    // Each rule set's content is hashed once, up front: a principal's signature is then a few integer mixes
    // per grant, with no Grant value built and nothing allocated (diff compares every principal of both
    // sides).
    explicit GrantSignatures(const Graph& graph) : graph_(graph) {
        rule_sets_.reserve(graph.rule_sets().size());
        for (const RuleSet& set : graph.rule_sets()) {
            std::uint64_t hash = mix(kSeed, static_cast<std::uint64_t>(set.coverage));
            for (const PolicyRule& rule : *set.rules) {
                for (const auto* list : {&rule.verbs, &rule.api_groups, &rule.resources, &rule.resource_names,
                                         &rule.non_resource_urls, &rule.api_group_suffixes}) {
                    hash = mix(hash, 0x5eed);
                    for (const std::string& item : *list) {
                        hash = mix(hash, text(item));
                    }
                }
            }
            rule_sets_.push_back(hash);
        }
    }

    std::uint64_t of(std::span<const HeldGrant> held, bool masters) const {
        std::vector<std::uint64_t> hashes;
        hashes.reserve(held.size());
        for (const HeldGrant& match : held) {
            const GrantTable::Placement where = graph_.grants().placement(match.grant);
            std::uint64_t hash = mix(rule_sets_[where.rules], static_cast<std::uint64_t>(where.scope));
            hash = mix(hash, match.undetermined ? 1 : 0);
            hash = mix(hash, where.in_force ? 1 : 0);
            if (where.scope == GrantScope::kNamespace) {
                hash = mix(hash, text(graph_.symbols().name(where.ns)));
            } else if (where.scope == GrantScope::kNamespacePatterns) {
                for (const std::string& ns : graph_.grants().grant(match.grant).access_scope->namespaces) {
                    hash = mix(hash, text(ns));
                }
            }
            hashes.push_back(hash);
        }
        std::sort(hashes.begin(), hashes.end());
        hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
        std::uint64_t out = mix(kSeed, masters ? 1 : 0);
        for (const std::uint64_t hash : hashes) {
            out = mix(out, hash);
        }
        return out;
    }

  private:
    static constexpr std::uint64_t kSeed = 0xcbf29ce484222325ULL;
    static std::uint64_t mix(std::uint64_t hash, std::uint64_t value) {
        hash ^= value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2);
        return hash * 0x100000001b3ULL;
    }
    static std::uint64_t text(std::string_view value) { return std::hash<std::string_view>{}(value); }

    const Graph& graph_;
    std::vector<std::uint64_t> rule_sets_;
};

std::string describe(const Identity& identity) {
    if (!identity.authenticated) {
        return "does not authenticate";
    }
    std::vector<std::string> groups;
    for (const IdentityValue& group : identity.groups) {
        groups.push_back(group.display());
    }
    return fmt::format(
        "username {}, groups {} ({})", identity.username.display(), fmt::join(groups, ", "),
        identity.source_detail.empty() ? std::string(to_string(identity.source)) : identity.source_detail);
}

std::map<std::string, Identity> mapped_by_arn(const Graph& graph) {
    std::map<std::string, Identity> out;
    for (Identity& identity : mapped_identities(graph)) {
        const std::string arn = identity.arn;
        out.emplace(arn, std::move(identity));
    }
    return out;
}

/// One side of one cluster: its graph, the ARNs it maps, the signatures of its rows, and the estate (null
/// for a bare graph) whose IAM dumps give routes.
struct ClusterSide {
    const Graph* graph = nullptr;
    const Estate* estate = nullptr;
    std::map<std::string, Identity> mapped;
    GrantSignatures signatures;

    ClusterSide(const Graph& of, const Estate* in)
        : graph(&of), estate(in), mapped(mapped_by_arn(of)), signatures(of) {}

    Identity identity_of(const std::string& arn) const {
        const auto found = mapped.find(arn);
        Identity identity = found != mapped.end() ? found->second : resolve_arn(*graph, arn);
        identity.may_be.clear();  // those entries are principals of their own in the diff
        return identity;
    }
};

/// One principal on one side, before its permissions are expanded.
struct Holder {
    std::string identity;                  ///< describe(): compared too
    std::optional<Authorizer> authorizer;  ///< IAM principals
    Identity subject;                      ///< Kubernetes subjects: a bare identity
    std::vector<HeldGrant> subject_grants;
    std::uint64_t signature = 0;

    Side expand(const Graph& graph) const {
        Side side;
        side.identity = identity;
        if (authorizer) {
            if (authorizer->identity().authenticated) {
                side.username = authorizer->identity().username.display();
            }
            for (const IdentityValue& group : authorizer->identity().groups) {
                side.groups.push_back(group.display());
            }
        }
        side.add(authorizer ? what_can(graph, *authorizer) : what_can_held(graph, subject, subject_grants));
        return side;
    }
};

Holder iam_holder(const ClusterSide& side, const std::string& arn) {
    Identity identity = side.identity_of(arn);
    Holder holder;
    holder.identity = describe(identity);
    holder.authorizer.emplace(*side.graph, std::move(identity));
    holder.signature =
        side.signatures.of(holder.authorizer->held(), holder.authorizer->identity().is_masters());
    return holder;
}

HolderKind holder_kind(const std::string& kind) {
    return kind == "User"    ? HolderKind::kUser
           : kind == "Group" ? HolderKind::kGroup
                             : HolderKind::kServiceAccount;
}

// A Kubernetes subject's own grants: those its name holds in the grant table (not its groups'); a subject's
// name is its identity.
Holder subject_holder(const ClusterSide& side, const std::string& kind, const std::string& name) {
    Holder holder;
    for (const GrantId grant : side.graph->grants().held_by(holder_kind(kind), name)) {
        holder.subject_grants.push_back({grant, {}, false, nullptr});
    }
    holder.subject = kubernetes_identity(kind == "User" ? name : "", {});
    holder.subject.groups.clear();
    holder.signature = side.signatures.of(holder.subject_grants, false);
    return holder;
}

// Everything a principal can do in one cluster: as itself, and as every role it reaches (each row's grant
// starts with the route; a conditional route's rows are undetermined).
Side reaching_side(const ClusterSide& side, const std::vector<IamHop>& hops) {
    Side out;
    out.identity = describe(side.identity_of(hops.front().arn));
    for (const IamHop& hop : hops) {
        const Authorizer authorizer(*side.graph, side.identity_of(hop.arn));
        const bool reached = !hop.route.roles.empty();
        out.add(what_can(*side.graph, authorizer),
                reached ? "route " + describe_route(*side.estate, hops.front().arn, hop.route) : "",
                reached && hop.route.conditional);
    }
    return out;
}

// What decides whether a principal's reach changed: the roles it reaches, in ARN order, and whether each
// route hinges on a condition.
using Reach = std::vector<std::pair<std::string, bool>>;

Reach reach_of(const std::vector<IamHop>& hops) {
    Reach out;
    for (std::size_t i = 1; i < hops.size(); ++i) {
        out.emplace_back(hops[i].arn, hops[i].route.conditional);
    }
    return out;
}

// Every principal of an estate's dumps with the roles it reaches, read from the reach index, which already
// searched each principal's routes once (the same search `reached by` reads).
std::map<std::string, Reach> reach_by_principal(const IamIndex& iam, const ReachIndex& index) {
    std::map<std::string, Reach> out;
    for (const IamPrincipal& role : iam.principals()) {
        if (role.kind != IamPrincipal::Kind::kRole) {
            continue;
        }
        for (const Reacher& reacher : index.reachers(role.arn)) {
            out[iam.principals()[reacher.principal].arn].emplace_back(role.arn, reacher.route.conditional);
        }
    }
    for (auto& [arn, reach] : out) {
        std::sort(reach.begin(), reach.end());
    }
    return out;
}

bool names_holder(const Finding& finding, const AccessChange& change) {
    if (!finding.cluster.empty() && finding.cluster != change.cluster) {
        return false;
    }
    const auto& list = change.iam ? finding.arns.list() : finding.subjects.list();
    const auto held = [&](const std::string& name) {
        return std::find(list.begin(), list.end(), name) != list.end();
    };
    return held(change.principal) || std::any_of(change.reaches.begin(), change.reaches.end(), held);
}

bool counts(const Finding& finding) {
    return !finding.suppression && !finding.known;
}

/// Compares the two sides of every cluster pair.
class Differ {
  public:
    Differ(const Estate* base, const Estate* head) : base_(base), head_(head) {}

    // IAM principals whose reach (roles, conditions) differs between the two sides' dumps, with their hops.
    void find_rerouted() {
        if (base_ == nullptr || head_ == nullptr || (!base_->has_iam() && !head_->has_iam())) {
            return;
        }
        std::set<std::string> arns;
        for (const Estate* estate : {base_, head_}) {
            if (estate->has_iam()) {
                for (const IamPrincipal& principal : estate->iam().principals()) {
                    arns.insert(principal.arn);
                }
            }
        }
        const std::map<std::string, Reach> base_reach = reach_in(*base_);
        const std::map<std::string, Reach> head_reach = reach_in(*head_);
        // A principal of one side's dumps only is searched as an unknown caller on the other (a trust policy
        // may still name it).
        const auto reach_of_arn = [](const Estate& estate, const std::map<std::string, Reach>& known,
                                     const std::string& arn) {
            if (estate.has_iam() && estate.iam().find(arn)) {
                const auto found = known.find(arn);
                return found == known.end() ? Reach{} : found->second;
            }
            return reach_of(iam_hops(estate, arn));
        };
        for (const std::string& arn : arns) {
            if (reach_of_arn(*base_, base_reach, arn) != reach_of_arn(*head_, head_reach, arn)) {
                rerouted_.emplace(arn, std::pair{iam_hops(*base_, arn), iam_hops(*head_, arn)});
            }
        }
    }

    void compare(const std::string& cluster, const Graph& base, const Graph& head) {
        const ClusterSide was(base, base_);
        const ClusterSide now(head, head_);
        // IAM principals either side maps, and those whose routes changed.
        std::set<std::string> arns;
        for (const auto* mapped : {&was.mapped, &now.mapped}) {
            for (const auto& [arn, identity] : *mapped) {
                arns.insert(arn);
            }
        }
        for (const auto& [arn, hops] : rerouted_) {
            arns.insert(arn);
        }
        for (const std::string& arn : arns) {
            AccessChange change;
            change.principal = arn;
            change.iam = true;
            change.cluster = cluster;
            if (const auto found = rerouted_.find(arn); found != rerouted_.end()) {
                change.routes_changed = true;
                for (const auto& [role, conditional] : reach_of(found->second.second)) {
                    change.reaches.push_back(role);
                }
                add(std::move(change), reaching_side(was, found->second.first),
                    reaching_side(now, found->second.second));
                continue;
            }
            const Holder before = iam_holder(was, arn);
            const Holder after = iam_holder(now, arn);
            if (before.signature != after.signature || before.identity != after.identity) {
                add(std::move(change), before.expand(base), after.expand(head));
            }
        }
        // Kubernetes subjects either side binds.
        std::set<std::pair<std::string, std::string>> subjects;
        for (const Graph* graph : {&base, &head}) {
            for (const auto& [kind, holder] :
                 {std::pair{"User", HolderKind::kUser}, std::pair{"Group", HolderKind::kGroup},
                  std::pair{"ServiceAccount", HolderKind::kServiceAccount}}) {
                for (const auto& [name, grants] : graph->grants().holders(holder)) {
                    subjects.emplace(kind, name);
                }
            }
        }
        for (const auto& [kind, name] : subjects) {
            AccessChange change;
            change.principal = fmt::format("{} {}", kind, name);
            change.cluster = cluster;
            const Holder before = subject_holder(was, kind, name);
            const Holder after = subject_holder(now, kind, name);
            if (before.signature != after.signature || before.identity != after.identity) {
                add(std::move(change), before.expand(base), after.expand(head));
            }
        }
    }

    std::vector<AccessChange> take() { return std::move(changes_); }

  private:
    void add(AccessChange change, const Side& before, const Side& after) {
        change.identity_before = before.identity;
        change.identity_after = after.identity;
        change.username_before = before.username;
        change.username_after = after.username;
        change.groups_before = before.groups;
        change.groups_after = after.groups;
        change.gained = only_in(after, before, &change.already_allowed);
        change.lost = only_in(before, after, &change.subsumed);
        if (change.gained.empty() && change.lost.empty() && !change.identity_changed()) {
            return;
        }
        if (change.iam) {
            change.reached_by = reached_by(
                change.gained.empty() && !change.identity_changed() ? base_ : head_, change.principal);
        }
        changes_.push_back(std::move(change));
    }

    // The estate's reach index, built once (its routes serve both `reached by` and find_rerouted).
    const ReachIndex& reach_index(const Estate& estate) {
        std::unique_ptr<ReachIndex>& reach = &estate == base_ ? base_reach_ : head_reach_;
        if (!reach) {
            reach = std::make_unique<ReachIndex>(estate.iam());
        }
        return *reach;
    }

    std::map<std::string, Reach> reach_in(const Estate& estate) {
        return estate.has_iam() ? reach_by_principal(estate.iam(), reach_index(estate))
                                : std::map<std::string, Reach>{};
    }

    std::vector<std::string> reached_by(const Estate* estate, const std::string& arn) {
        std::vector<std::string> out;
        if (estate == nullptr || !estate->has_iam()) {
            return out;
        }
        for (const Reacher& reacher : reach_index(*estate).reachers(arn)) {
            out.push_back(
                describe_route(*estate, estate->iam().principals()[reacher.principal].arn, reacher.route) +
                (reacher.route.conditional ? " (conditional)" : ""));
        }
        return out;
    }

    const Estate* base_;
    const Estate* head_;
    std::map<std::string, std::pair<std::vector<IamHop>, std::vector<IamHop>>> rerouted_;
    std::unique_ptr<ReachIndex> base_reach_;
    std::unique_ptr<ReachIndex> head_reach_;
    std::vector<AccessChange> changes_;
};

// The holders of `from` that `in` lacks, in `from`'s order. Most findings have a handful of holders; a few (a
// grant to system:authenticated) have thousands, which are looked up in a set rather than scanned.
void missing_from(const std::vector<std::string>& from, const std::vector<std::string>& in,
                  std::vector<std::string>& out) {
    constexpr std::size_t kScanned = 16;
    if (in.size() <= kScanned) {
        for (const std::string& holder : from) {
            if (std::find(in.begin(), in.end(), holder) == in.end()) {
                out.push_back(holder);
            }
        }
        return;
    }
    const std::unordered_set<std::string_view> present(in.begin(), in.end());
    for (const std::string& holder : from) {
        if (!present.contains(holder)) {
            out.push_back(holder);
        }
    }
}

// New, fixed and changed findings; then each gain rated by the new and widened findings that name its holder.
void compare_findings(const CheckReport& base_report, const CheckReport& head_report, AccessDiff& diff) {
    // Keyed by views of the reports' fingerprints, which outlive this function; the first of a repeated
    // fingerprint is the one compared. Only lookups: the order of what is found is the reports' order.
    std::unordered_map<std::string_view, const Finding*> before;
    before.reserve(base_report.findings.size());
    std::unordered_set<std::string_view> after;
    after.reserve(head_report.findings.size());
    for (const Finding& finding : base_report.findings) {
        before.emplace(finding.fingerprint, &finding);
    }
    std::vector<std::string> new_holders;
    std::vector<std::string> former_holders;
    for (const Finding& finding : head_report.findings) {
        after.insert(finding.fingerprint);
        if (!counts(finding)) {
            continue;
        }
        const auto found = before.find(finding.fingerprint);
        if (found == before.end()) {
            diff.new_findings.push_back(finding);
            continue;
        }
        const Finding& was = *found->second;
        new_holders.clear();
        former_holders.clear();
        missing_from(finding.arns, was.arns, new_holders);
        missing_from(finding.subjects, was.subjects, new_holders);
        missing_from(was.arns, finding.arns, former_holders);
        missing_from(was.subjects, finding.subjects, former_holders);
        // Copied only when it changed: most findings of a change are the same on both sides.
        if (!new_holders.empty() || !former_holders.empty() || was.severity != finding.severity) {
            diff.changed_findings.push_back(
                {finding, was.message, was.severity, std::move(new_holders), std::move(former_holders)});
            new_holders = {};
            former_holders = {};
        }
    }
    for (const Finding& finding : base_report.findings) {
        if (counts(finding) && !after.contains(finding.fingerprint)) {
            diff.fixed_findings.push_back(finding);
        }
    }
    // A loss is never rated: it cannot fail a gate.
    const auto rate = [](AccessChange& change, const Finding& finding) {
        if (names_holder(finding, change)) {
            const RiskSeverity severity = finding.severity.value_or(RiskSeverity::kInfo);
            change.severity = std::max(change.severity.value_or(severity), severity);
        }
    };
    for (AccessChange& change : diff.changes) {
        if (change.gained.empty()) {
            continue;
        }
        for (const Finding& finding : diff.new_findings) {
            rate(change, finding);
        }
        for (const ChangedFinding& changed : diff.changed_findings) {
            if (changed.widened()) {
                rate(change, changed.finding);
            }
        }
    }
}

}  // namespace

bool ChangedFinding::widened() const {
    return !new_holders.empty() ||
           finding.severity.value_or(RiskSeverity::kInfo) > severity_before.value_or(RiskSeverity::kInfo);
}

std::size_t AccessDiff::failing(std::optional<RiskSeverity> threshold) const {
    if (!threshold) {
        return 0;
    }
    const auto at_or_above = [&](const Finding& finding) {
        return finding.severity.value_or(RiskSeverity::kInfo) >= *threshold;
    };
    // A change that takes away what a caller is seen using breaks it, whatever the threshold.
    return static_cast<std::size_t>(
        std::count_if(new_findings.begin(), new_findings.end(), at_or_above) +
        std::count_if(changed_findings.begin(), changed_findings.end(),
                      [&](const ChangedFinding& changed) {
                          return changed.widened() && at_or_above(changed.finding);
                      }) +
        std::count_if(removed_in_use.begin(), removed_in_use.end(),
                      [](const RemovedInUse& removed) { return !removed.undetermined; }));
}

std::size_t AccessDiff::undetermined_gains() const {
    std::size_t count = 0;
    for (const AccessChange& change : changes) {
        count += static_cast<std::size_t>(
            std::count_if(change.gained.begin(), change.gained.end(),
                          [](const PermissionRow& row) { return row.undetermined; }));
    }
    return count;
}

AccessDiff diff_access(const Graph& base, const Graph& head, const CheckReport& base_report,
                       const CheckReport& head_report) {
    Differ differ(nullptr, nullptr);
    differ.compare("", base, head);
    AccessDiff diff;
    diff.changes = differ.take();
    compare_findings(base_report, head_report, diff);
    return diff;
}

AccessDiff diff_access(const Estate& base, const Estate& head, const CheckReport& base_report,
                       const CheckReport& head_report) {
    Differ differ(&base, &head);
    differ.find_rerouted();
    // Clusters pair by name: BASE's order, then those only HEAD has; a missing one is an empty cluster with
    // the other side's options (the same built-in objects).
    std::vector<std::string> cluster_names;
    for (const Estate* estate : {&base, &head}) {
        for (const Cluster& cluster : estate->clusters()) {
            if (std::find(cluster_names.begin(), cluster_names.end(), cluster.name) == cluster_names.end()) {
                cluster_names.push_back(cluster.name);
            }
        }
    }
    const auto find = [](const Estate& estate, const std::string& name) -> const Graph* {
        for (const Cluster& cluster : estate.clusters()) {
            if (cluster.name == name) {
                return cluster.graph.get();
            }
        }
        return nullptr;
    };
    for (const std::string& name : cluster_names) {
        const Graph* before = find(base, name);
        const Graph* after = find(head, name);
        std::optional<Graph> empty;
        if (before == nullptr) {
            before = &empty.emplace(Export{}, after->options());
        } else if (after == nullptr) {
            after = &empty.emplace(Export{}, before->options());
        }
        differ.compare(name, *before, *after);
    }
    AccessDiff diff;
    diff.changes = differ.take();
    compare_findings(base_report, head_report, diff);
    return diff;
}

}  // namespace rbacgraph
