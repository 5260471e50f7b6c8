#include <fmt/format.h>

#include <algorithm>
#include <numeric>
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

// Finds the rows whose holder an identity's username, groups and access entry match.
class RowCollector {
  public:
    explicit RowCollector(const Graph& graph) : graph_(graph) {}

    /// Rows collected from now on apply only if the identity is this entry's principal (known after apply).
    void set_may_be(const AccessEntry* entry) { may_be_ = entry; }

    void add(const RowList& rows, const ValueMatch& match) {
        if (match.outcome == ValueMatch::Outcome::kNo) {
            return;
        }
        for (const std::uint32_t row : rows) {
            const bool undetermined = match.outcome == ValueMatch::Outcome::kUnknown || may_be_ != nullptr;
            matched_.push_back({row, match.witness, undetermined, may_be_});
        }
    }

    void add_identity(const Identity& identity) {
        add_value(identity.username, graph_.user_rows());
        add_service_accounts(identity.username);
        for (const IdentityValue& group : identity.groups) {
            add_value(group, graph_.group_rows());
        }
        // EKS user guide, grant-k8s-access: access-policy grants belong to the entry that authenticated the
        // principal, not to its username.
        if (identity.access_entry != nullptr) {
            add_access_entry(*identity.access_entry);
        }
    }

    void add_value(const IdentityValue& value, const std::map<std::string, RowList>& index) {
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
        const auto& index = graph_.service_account_rows();
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
        for (const auto& [key, rows] : index) {
            std::string candidate = std::string(kServiceAccountPrefix) + key;
            candidate[kServiceAccountPrefix.size() + key.find('/')] = ':';
            add(rows, username.match(candidate));
        }
    }

    void add_access_entry(const AccessEntry& entry) {
        const auto& index = graph_.principal_rows();
        if (const auto found = index.find(access_entry_key(entry.principal_arn)); found != index.end()) {
            add(found->second, {ValueMatch::Outcome::kYes, {}});
        }
    }

    // One row per source (a binding is matched once, through its first determined subject); table order.
    std::vector<MatchedRow> take() {
        const auto& rows = graph_.rows();
        const auto key = [&](const MatchedRow& match) {
            const GrantRow& row = rows[match.row];
            return std::tuple(row.source, row.source_index, match.undetermined, match.row);
        };
        std::sort(matched_.begin(), matched_.end(),
                  [&](const MatchedRow& a, const MatchedRow& b) { return key(a) < key(b); });
        std::vector<MatchedRow> out;
        for (MatchedRow& match : matched_) {
            const GrantRow& row = rows[match.row];
            if (!out.empty()) {
                const GrantRow& last = rows[out.back().row];
                if (last.source == row.source && last.source_index == row.source_index) {
                    continue;
                }
            }
            out.push_back(std::move(match));
        }
        return out;
    }

  private:
    const Graph& graph_;
    std::vector<MatchedRow> matched_;
    const AccessEntry* may_be_ = nullptr;
};

std::string rule_set_reason(const Graph& graph, const GrantRow& row) {
    if (row.source == GrantSource::kAccessPolicy) {
        const AccessPolicyGrant& grant = graph.access_policy_grants()[row.source_index];
        if (grant.definition == nullptr) {
            return "not an access policy rbacgraph knows, so what it grants is not known";
        }
        if (grant.definition->coverage == RuleCoverage::kLowerBound) {
            return "AWS describes this policy only in prose, and this request is beyond what the prose "
                   "states";
        }
        return "AWS publishes only this policy's name, not what it grants";
    }
    const BindingNode& node = graph.bindings()[row.source_index];
    return fmt::format("{} is one EKS creates; its rules are not published",
                       graph.roles()[*node.role].role->display());
}

}  // namespace

GrantKind grant_kind(const Graph& graph, const Grant& grant) {
    if (!grant.row) {
        return GrantKind::kMasters;
    }
    const GrantRow& row = graph.rows()[*grant.row];
    if (row.source == GrantSource::kAccessPolicy) {
        return GrantKind::kAccessPolicy;
    }
    return row.scope == GrantScope::kCluster ? GrantKind::kClusterRoleBinding : GrantKind::kRoleBinding;
}

Authorizer::Authorizer(const Graph& graph, Identity identity)
    : graph_(&graph), identity_(std::move(identity)) {
    if (!identity_.authenticated && identity_.may_be.empty()) {
        return;
    }
    RowCollector collector(graph);
    if (identity_.authenticated) {
        masters_ = identity_.is_masters();
        collector.add_identity(identity_);
    }
    for (const AccessEntry* entry : identity_.may_be) {
        collector.set_may_be(entry);
        collector.add_identity(unknown_principal_identity(*entry));
    }
    rows_ = collector.take();
    for (std::uint32_t i = 0; i < rows_.size(); ++i) {
        const GrantRow& row = graph.rows()[rows_[i].row];
        if (rows_[i].undetermined) {
            undetermined_.push_back(i);
        } else if (row.source == GrantSource::kAccessPolicy) {
            policies_.push_back(i);
        } else if (row.scope == GrantScope::kCluster) {
            cluster_.push_back(i);
        } else {
            namespaced_[row.ns].push_back(i);
        }
    }
}

bool Authorizer::cluster_admin() const {
    // A request no rule names explicitly is allowed only to system:masters or through '*' everywhere.
    Request anything;
    anything.verb = "rbacgraph:any-verb";
    anything.api_group = "rbacgraph.any-group";
    anything.resource = "rbacgraph:any-resource";
    return authorize(anything).allowed();
}

Decision Authorizer::authorize(const Request& raw_request, bool all_grants) const {
    Decision decision;
    if (!identity_.authenticated && identity_.may_be.empty()) {
        return decision;
    }
    // authorizerfactory privileged group: system:masters is allowed before any other authorizer runs.
    if (masters_) {
        decision.verdict = Verdict::kAllowed;
        decision.grants.push_back({});
        if (!all_grants) {
            return decision;
        }
    }
    const Request request = normalize_request(raw_request);
    const CompiledRequest compiled = compile_request(graph_->symbols(), request);
    // EKS: access-policy grants and RBAC add up; rule.go VisitRulesFor: ClusterRoleBindings always,
    // RoleBindings of the request's namespace only (row_allows decides each row's scope).
    const auto visit = [&](const std::vector<std::uint32_t>& matches) {
        for (const std::uint32_t index : matches) {
            const MatchedRow& match = rows_[index];
            const GrantRow& row = graph_->rows()[match.row];
            const RowAnswer answer = row_allows(*graph_, row, compiled);
            if (answer.verdict == Verdict::kAllowed) {
                decision.verdict = Verdict::kAllowed;
                decision.grants.push_back({match.row, match.witness, answer.rule, {}});
                if (!all_grants) {
                    return true;
                }
            } else if (answer.verdict == Verdict::kUndetermined) {
                decision.undetermined.push_back({match.row, match.witness, 0, rule_set_reason(*graph_, row)});
            }
        }
        return false;
    };
    const auto allowed_now = [&] {
        // Asked for the first grant: what only may allow is beside the point once something does.
        decision.undetermined.clear();
        return decision;
    };
    if (visit(policies_) || visit(cluster_)) {
        return allowed_now();
    }
    if (compiled.has_namespace && compiled.ns != kNoSymbol) {
        if (const auto found = namespaced_.find(compiled.ns);
            found != namespaced_.end() && visit(found->second)) {
            return allowed_now();
        }
    }
    for (const std::uint32_t index : undetermined_) {
        const MatchedRow& match = rows_[index];
        if (row_allows(*graph_, graph_->rows()[match.row], compiled).verdict != Verdict::kDenied) {
            decision.undetermined.push_back(
                {match.row, match.witness, 0,
                 match.may_be != nullptr
                     ? fmt::format("it applies if this is the principal of the access entry at {}, which is "
                                   "known only after apply",
                                   format_location(match.may_be->location))
                     : "it applies only if a value not known offline matches (username " +
                           identity_.username.display() + ")"});
        }
    }
    decision.reasons = identity_.undetermined;
    if (decision.verdict != Verdict::kAllowed &&
        (!decision.undetermined.empty() || !decision.reasons.empty())) {
        decision.verdict = Verdict::kUndetermined;
    }
    return decision;
}

std::optional<std::vector<std::string>> Authorizer::allowed_names(const Request& raw_request) const {
    if (!identity_.authenticated) {
        return std::nullopt;
    }
    if (masters_) {
        return std::vector<std::string>{};
    }
    const Request request = normalize_request(raw_request);
    const CompiledRequest compiled =
        compile_request(graph_->symbols(), request, NamespaceQuery::kExact, NameQuery::kListedNames);
    std::optional<std::vector<std::string>> names;
    // ResourceNameMatches: a rule without names allows every name, one with names only those.
    const auto visit = [&](const std::vector<std::uint32_t>& matches) {
        for (const std::uint32_t index : matches) {
            const RowAnswer answer = row_allows(*graph_, graph_->rows()[rows_[index].row], compiled);
            if (answer.verdict != Verdict::kAllowed) {
                continue;
            }
            if (answer.names.empty()) {
                return true;  // every name
            }
            if (!names) {
                names.emplace();
            }
            for (const Symbol name : answer.names) {
                names->emplace_back(graph_->symbols().name(name));
            }
        }
        return false;
    };
    bool every = visit(policies_) || visit(cluster_);
    if (!every && compiled.has_namespace && compiled.ns != kNoSymbol) {
        if (const auto found = namespaced_.find(compiled.ns); found != namespaced_.end()) {
            every = visit(found->second);
        }
    }
    if (every) {
        return std::vector<std::string>{};
    }
    if (names) {
        std::sort(names->begin(), names->end());
        names->erase(std::unique(names->begin(), names->end()), names->end());
    }
    return names;
}

MappedAccess::MappedAccess(const Graph& graph) : graph_(&graph) {
    std::vector<Identity> identities = mapped_identities(graph);
    authorizers_.reserve(identities.size());
    for (Identity& identity : identities) {
        authorizers_.emplace_back(graph, std::move(identity));
    }
    // Holders of each row in ARN order, one per ARN: rank the ARNs once, then sort integers.
    std::vector<std::uint32_t> by_arn(authorizers_.size());
    std::iota(by_arn.begin(), by_arn.end(), 0);
    std::sort(by_arn.begin(), by_arn.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::tie(authorizers_[a].identity().arn, a) < std::tie(authorizers_[b].identity().arn, b);
    });
    std::vector<std::uint32_t> rank(authorizers_.size());
    for (std::size_t i = 0; i < by_arn.size(); ++i) {
        const bool same =
            i > 0 && authorizers_[by_arn[i]].identity().arn == authorizers_[by_arn[i - 1]].identity().arn;
        rank[by_arn[i]] = same ? rank[by_arn[i - 1]] : static_cast<std::uint32_t>(i);
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // (row, rank)
    for (std::uint32_t a = 0; a < authorizers_.size(); ++a) {
        if (authorizers_[a].identity().is_masters()) {
            masters_.push_back(a);
        }
        const bool open = !authorizers_[a].identity().undetermined.empty() ||
                          std::any_of(authorizers_[a].rows().begin(), authorizers_[a].rows().end(),
                                      [](const MatchedRow& match) { return match.undetermined; });
        if (open) {
            open_.push_back(a);
        }
        for (const MatchedRow& match : authorizers_[a].rows()) {
            pairs.emplace_back(match.row, rank[a]);
        }
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    holder_starts_.assign(graph.rows().size() + 1, 0);
    holders_.reserve(pairs.size());
    for (const auto& [row, arn_rank] : pairs) {
        ++holder_starts_[row + 1];
        holders_.push_back(by_arn[arn_rank]);
    }
    std::partial_sum(holder_starts_.begin(), holder_starts_.end(), holder_starts_.begin());
}

std::span<const std::uint32_t> MappedAccess::holders(std::uint32_t row) const {
    return std::span<const std::uint32_t>(holders_).subspan(holder_starts_[row],
                                                            holder_starts_[row + 1] - holder_starts_[row]);
}

}  // namespace rbacgraph
