// rbacgraph diff: effective access before and after a change (docs/diff.md).
#include "rbacgraph/diff.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace rbacgraph {
namespace {

// One permission, compared across the two sides: what it allows, never which grant allows it.
using Atom = std::tuple<PermissionRow::Scope, std::string, std::string, std::vector<std::string>, std::string,
                        bool>;  // scope, namespace, resource, names, verb, undetermined

struct Side {
    std::string identity;
    std::map<Atom, const PermissionRow*> atoms;
    WhatCan what;  ///< owns the rows the atoms point at
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

PermissionRow masters_row() {
    PermissionRow row;
    row.resource = "*.*";
    row.verbs = {"*"};
    row.via = "group system:masters (bypasses authorization)";
    return row;
}

Side side_of(WhatCan what, std::string identity) {
    Side side{std::move(identity), {}, std::move(what)};
    if (side.what.masters) {
        side.what.rows = {masters_row()};
    }
    for (const PermissionRow& row : side.what.rows) {
        if (row.everyone) {
            continue;  // what every authenticated user has: the identity line says it changed
        }
        for (const std::string& verb : row.verbs) {
            side.atoms.emplace(
                Atom{row.scope, row.ns, row.resource, row.resource_names, verb, row.undetermined}, &row);
        }
    }
    return side;
}

// Rows of the atoms one side has and the other lacks, compacted again by (scope, namespace, resource, names,
// grant, certainty) as what-can shows them.
std::vector<PermissionRow> only_in(const Side& side, const Side& other) {
    std::map<std::tuple<PermissionRow::Scope, std::string, std::string, std::vector<std::string>, std::string,
                        bool>,
             PermissionRow>
        rows;
    for (const auto& [atom, row] : side.atoms) {
        if (other.atoms.contains(atom)) {
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
    return out;
}

// What a grant row allows, as a number that is the same in both graphs for the same access: its scope, its
// namespace(s) and its rules' content (rule-set indexes differ between graphs). Equal signatures over a
// principal's rows mean equal permissions, so only principals whose signature differs are expanded.
class RowSignatures {
  public:
    explicit RowSignatures(const Graph& graph) : graph_(graph) {
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

    std::uint64_t of(std::span<const MatchedRow> rows, bool masters) const {
        std::vector<std::uint64_t> hashes;
        hashes.reserve(rows.size());
        for (const MatchedRow& match : rows) {
            const GrantRow& row = graph_.rows()[match.row];
            std::uint64_t hash = mix(rule_sets_[row.rule_set], static_cast<std::uint64_t>(row.scope));
            hash = mix(hash, match.undetermined ? 1 : 0);
            if (row.scope == GrantScope::kNamespace) {
                hash = mix(hash, text(graph_.symbols().name(row.ns)));
            } else if (row.scope == GrantScope::kNamespacePatterns) {
                for (const std::string& ns :
                     graph_.access_policy_grants()[row.source_index].association->scope.namespaces) {
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

/// One principal on one side, before its permissions are expanded.
struct Holder {
    std::string identity;                  ///< describe(): compared too
    std::optional<Authorizer> authorizer;  ///< IAM principals
    Identity subject;                      ///< Kubernetes subjects: a bare identity
    std::vector<MatchedRow> subject_rows;
    std::uint64_t signature = 0;

    Side expand(const Graph& graph) const {
        return side_of(
            authorizer ? what_can(graph, *authorizer) : what_can_rows(graph, subject, subject_rows),
            identity);
    }
};

Holder iam_holder(const Graph& graph, const RowSignatures& signatures,
                  const std::map<std::string, Identity>& mapped, const std::string& arn) {
    const auto found = mapped.find(arn);
    Identity identity = found != mapped.end() ? found->second : resolve_arn(graph, arn);
    identity.may_be.clear();  // those entries are principals of their own in the diff
    Holder holder;
    holder.identity = describe(identity);
    holder.authorizer.emplace(graph, std::move(identity));
    holder.signature = signatures.of(holder.authorizer->rows(), holder.authorizer->identity().is_masters());
    return holder;
}

std::map<std::string, Identity> mapped_by_arn(const Graph& graph) {
    std::map<std::string, Identity> out;
    for (Identity& identity : mapped_identities(graph)) {
        const std::string arn = identity.arn;
        out.emplace(arn, std::move(identity));
    }
    return out;
}

// A Kubernetes subject's own rows: those its name holds in the grant table (not its groups'); a subject's
// name is its identity.
Holder subject_holder(const Graph& graph, const RowSignatures& signatures, const std::string& kind,
                      const std::string& name) {
    const auto& index = kind == "User"    ? graph.user_rows()
                        : kind == "Group" ? graph.group_rows()
                                          : graph.service_account_rows();
    Holder holder;
    if (const auto found = index.find(name); found != index.end()) {
        for (const std::uint32_t row : found->second) {
            holder.subject_rows.push_back({row, {}, false, nullptr});
        }
    }
    holder.subject = kubernetes_identity(kind == "User" ? name : "", {});
    holder.subject.groups.clear();
    holder.signature = signatures.of(holder.subject_rows, false);
    return holder;
}

std::set<std::string> fingerprints(const CheckReport& report) {
    std::set<std::string> out;
    for (const Finding& finding : report.findings) {
        out.insert(finding.fingerprint);
    }
    return out;
}

bool counts(const Finding& finding) {
    return !finding.suppression && !finding.known;
}

}  // namespace

std::size_t AccessDiff::failing(std::optional<RiskSeverity> threshold) const {
    if (!threshold) {
        return 0;
    }
    return static_cast<std::size_t>(std::count_if(
        new_findings.begin(), new_findings.end(),
        [&](const Finding& f) { return f.severity.value_or(RiskSeverity::kInfo) >= *threshold; }));
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
    AccessDiff diff;
    const std::set<std::string> before = fingerprints(base_report);
    const std::set<std::string> after = fingerprints(head_report);
    for (const Finding& finding : head_report.findings) {
        if (counts(finding) && !before.contains(finding.fingerprint)) {
            diff.new_findings.push_back(finding);
        }
    }
    for (const Finding& finding : base_report.findings) {
        if (counts(finding) && !after.contains(finding.fingerprint)) {
            diff.fixed_findings.push_back(finding);
        }
    }
    const auto rate = [&](AccessChange& change, const std::string& display) {
        for (const Finding& finding : diff.new_findings) {
            const auto& names = change.iam ? finding.arns : finding.subjects;
            if (std::find(names.begin(), names.end(), display) != names.end()) {
                const RiskSeverity severity = finding.severity.value_or(RiskSeverity::kInfo);
                change.severity = std::max(change.severity.value_or(severity), severity);
            }
        }
    };
    const auto add = [&](AccessChange change, const Holder& was, const Holder& now,
                         const std::string& display) {
        if (was.signature == now.signature && was.identity == now.identity) {
            return;  // the same rows' content: the same permissions
        }
        const Side old_side = was.expand(base);
        const Side new_side = now.expand(head);
        change.identity_before = old_side.identity;
        change.identity_after = new_side.identity;
        change.gained = only_in(new_side, old_side);
        change.lost = only_in(old_side, new_side);
        if (change.gained.empty() && change.lost.empty() && !change.identity_changed()) {
            return;
        }
        if (!change.gained.empty()) {
            rate(change, display);  // a loss is never rated: it cannot fail a gate
        }
        diff.changes.push_back(std::move(change));
    };

    const RowSignatures base_signatures(base);
    const RowSignatures head_signatures(head);
    // IAM principals either side maps.
    const std::map<std::string, Identity> base_mapped = mapped_by_arn(base);
    const std::map<std::string, Identity> head_mapped = mapped_by_arn(head);
    std::set<std::string> arns;
    for (const auto* mapped : {&base_mapped, &head_mapped}) {
        for (const auto& [arn, identity] : *mapped) {
            arns.insert(arn);
        }
    }
    for (const std::string& arn : arns) {
        AccessChange change;
        change.principal = arn;
        change.iam = true;
        add(std::move(change), iam_holder(base, base_signatures, base_mapped, arn),
            iam_holder(head, head_signatures, head_mapped, arn), arn);
    }
    // Kubernetes subjects either side binds.
    std::set<std::pair<std::string, std::string>> subjects;
    for (const Graph* graph : {&base, &head}) {
        for (const auto& [name, rows] : graph->user_rows()) {
            subjects.emplace("User", name);
        }
        for (const auto& [name, rows] : graph->group_rows()) {
            subjects.emplace("Group", name);
        }
        for (const auto& [name, rows] : graph->service_account_rows()) {
            subjects.emplace("ServiceAccount", name);
        }
    }
    for (const auto& [kind, name] : subjects) {
        const std::string display = fmt::format("{} {}", kind, name);
        AccessChange change;
        change.principal = display;
        add(std::move(change), subject_holder(base, base_signatures, kind, name),
            subject_holder(head, head_signatures, kind, name), display);
    }
    return diff;
}

}  // namespace rbacgraph
