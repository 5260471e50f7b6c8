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

// Finds the grants whose holder an identity's username, groups and access entry match.
class HolderCollector {
  public:
    // The rows found are gathered in a buffer each thread keeps: a fresh vector per identity, regrown as rows
    // came, was a sixth of building one (performance.md, fifth pass).
    explicit HolderCollector(const Graph& graph) : table_(graph.grants()), matched_(scratch_rows()) {
        matched_.clear();
    }
    HolderCollector(const HolderCollector&) = delete;
    HolderCollector& operator=(const HolderCollector&) = delete;
    ~HolderCollector() { matched_.clear(); }

    /// Rows collected from now on apply only if the identity is this entry's principal (known after apply).
    void set_may_be(const AccessEntry* entry) { may_be_ = entry; }

    void add(std::span<const GrantId> grants, const ValueMatch& match) {
        if (match.outcome == ValueMatch::Outcome::kNo) {
            return;
        }
        for (const GrantId grant : grants) {
            const bool undetermined = match.outcome == ValueMatch::Outcome::kUnknown || may_be_ != nullptr;
            matched_.push_back({grant, match.witness, undetermined, may_be_});
        }
    }

    void add_identity(const Identity& identity) {
        add_value(identity.username, table_.holders(HolderKind::kUser));
        add_service_accounts(identity.username);
        for (const IdentityValue& group : identity.groups) {
            add_value(group, table_.holders(HolderKind::kGroup));
        }
        // EKS user guide, grant-k8s-access: access-policy grants belong to the entry that authenticated the
        // principal, not to its username.
        if (identity.access_entry != nullptr) {
            add_access_entry(*identity.access_entry);
        }
    }

    void add_value(const IdentityValue& value, const HolderIndex& index) {
        if (value.is_literal()) {
            if (const auto found = index.find(value.literal_text()); found != index.end()) {
                add(found->grants, {ValueMatch::Outcome::kYes, {}});
            }
            return;
        }
        // Only names starting with the value's literal prefix can match: visit just that range of the index.
        const std::string prefix = literal_prefix(value);
        for (auto it = index.lower_bound(prefix); it != index.end() && it->name.starts_with(prefix); ++it) {
            add(it->grants, value.match(it->name));
        }
    }

    void add_service_accounts(const IdentityValue& username) {
        const HolderIndex& index = table_.holders(HolderKind::kServiceAccount);
        if (username.is_literal()) {
            const auto service_account = split_service_account_username(username.literal_text());
            if (!service_account) {
                return;
            }
            const std::string key = service_account->first + "/" + service_account->second;
            if (const auto found = index.find(key); found != index.end()) {
                add(found->grants, {ValueMatch::Outcome::kYes, {}});
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
        add(table_.held_by(HolderKind::kPrincipal, access_entry_key(entry.principal_arn)),
            {ValueMatch::Outcome::kYes, {}});
    }

    // One grant per source (a binding is matched once, through its first determined subject); table order.
    // Each row's placement is read once, not at every comparison: at a million grants each read is a cache
    // miss, and they were most of building an identity.
    std::vector<HeldGrant> take() {
        struct Keyed {
            GrantSource source;
            std::size_t source_index;
            bool undetermined;
            GrantId grant;
            std::uint32_t at;  ///< in matched_; the last key, so equal rows keep the order they were found in
            auto key() const { return std::tie(source, source_index, undetermined, grant, at); }
        };
        thread_local std::vector<Keyed> keyed;
        keyed.clear();
        for (std::uint32_t at = 0; at < matched_.size(); ++at) {
            const GrantTable::Placement placement = table_.placement(matched_[at].grant);
            keyed.push_back({placement.source, placement.source_index, matched_[at].undetermined,
                             matched_[at].grant, at});
        }
        std::sort(keyed.begin(), keyed.end(),
                  [](const Keyed& a, const Keyed& b) { return a.key() < b.key(); });
        // The first row of each source stays.
        keyed.erase(std::unique(keyed.begin(), keyed.end(),
                                [](const Keyed& a, const Keyed& b) {
                                    return a.source == b.source && a.source_index == b.source_index;
                                }),
                    keyed.end());
        std::vector<HeldGrant> out;
        out.reserve(keyed.size());  // kept for the authorizer's life: no slack
        for (const Keyed& row : keyed) {
            out.push_back(std::move(matched_[row.at]));
        }
        return out;
    }

  private:
    const GrantTable& table_;
    static std::vector<HeldGrant>& scratch_rows() {
        thread_local std::vector<HeldGrant> rows;
        return rows;
    }

    std::vector<HeldGrant>& matched_;  ///< this thread's scratch_rows()
    const AccessEntry* may_be_ = nullptr;
};

}  // namespace

GrantKind grant_kind(const Graph& graph, const GrantMatch& grant) {
    if (!grant.grant) {
        return GrantKind::kMasters;
    }
    const GrantTable::Placement placement = graph.grants().placement(*grant.grant);
    if (placement.source == GrantSource::kAccessPolicy) {
        return GrantKind::kAccessPolicy;
    }
    return placement.scope == GrantScope::kCluster ? GrantKind::kClusterRoleBinding : GrantKind::kRoleBinding;
}

// An anonymous request carries User system:anonymous and Group system:unauthenticated (k8s-rbac.md 4). Only
// a Kubernetes identity asked about directly can be one: an IAM principal authenticated with a token is not
// anonymous, whatever groups aws-auth or an access entry gives it.
bool is_anonymous_identity(const Identity& identity) {
    if (identity.source != IdentitySource::kKubernetes) {
        return false;
    }
    if (identity.username.is_literal() &&
        is_anonymous_name(HolderKind::kUser, identity.username.literal_text())) {
        return true;
    }
    return std::any_of(identity.groups.begin(), identity.groups.end(), [](const IdentityValue& group) {
        return group.is_literal() && is_anonymous_name(HolderKind::kGroup, group.literal_text());
    });
}

Authorizer::Authorizer(const Graph& graph, Identity identity)
    : graph_(&graph), identity_(std::move(identity)) {
    if (!identity_.authenticated && identity_.may_be.empty()) {
        return;
    }
    if (identity_.authenticated && is_anonymous_identity(identity_)) {
        anonymous_ = graph.anonymous_reach();
    }
    HolderCollector collector(graph);
    if (identity_.authenticated) {
        masters_ = identity_.is_masters();
        collector.add_identity(identity_);
    }
    for (const AccessEntry* entry : identity_.may_be) {
        collector.set_may_be(entry);
        collector.add_identity(unknown_principal_identity(*entry));
    }
    held_ = collector.take();
    thread_local std::vector<std::pair<Symbol, std::uint32_t>> by_namespace;  // (namespace, index into held_)
    by_namespace.clear();
    for (std::uint32_t i = 0; i < held_.size(); ++i) {
        const GrantTable::Placement placement = graph.grants().placement(held_[i].grant);
        lists_names_ = lists_names_ || graph.rule_sets()[placement.rules].lists_names;
        if (held_[i].undetermined) {
            undetermined_.push_back(i);
        } else if (placement.source == GrantSource::kAccessPolicy) {
            policies_.push_back(i);
        } else if (placement.scope == GrantScope::kCluster) {
            cluster_.push_back(i);
        } else {
            by_namespace.emplace_back(placement.ns, i);
        }
    }
    // Sized exactly: an authorizer is kept for every mapped identity (check, who-can).
    any_namespace_.reserve(by_namespace.size());
    for (const auto& [ns, index] : by_namespace) {
        any_namespace_.push_back(index);
    }
    // Grouped by namespace, each group still in table order (indexes ascend within a namespace).
    std::sort(by_namespace.begin(), by_namespace.end());
    std::size_t distinct = 0;
    for (std::size_t i = 0; i < by_namespace.size(); ++i) {
        distinct += i == 0 || by_namespace[i].first != by_namespace[i - 1].first ? 1 : 0;
    }
    namespaces_.reserve(distinct);
    namespaced_.reserve(by_namespace.size());
    for (const auto& [ns, index] : by_namespace) {
        if (namespaces_.empty() || namespaces_.back().ns != ns) {
            const auto at = static_cast<std::uint32_t>(namespaced_.size());
            namespaces_.push_back({ns, at, at});
        }
        namespaced_.push_back(index);
        ++namespaces_.back().end;
    }
}

std::span<const std::uint32_t> Authorizer::namespaced_in(Symbol ns) const {
    const auto found =
        std::lower_bound(namespaces_.begin(), namespaces_.end(), ns,
                         [](const NamespaceGrants& grants, Symbol key) { return grants.ns < key; });
    if (found == namespaces_.end() || found->ns != ns) {
        return {};
    }
    return std::span<const std::uint32_t>(namespaced_).subspan(found->begin, found->end - found->begin);
}

bool Authorizer::cluster_admin() const {
    // A request no rule names explicitly is allowed only to system:masters or through '*' everywhere.
    Request anything;
    anything.verb = "rbacgraph:any-verb";
    anything.api_group = "rbacgraph.any-group";
    anything.resource = "rbacgraph:any-resource";
    return authorize(anything).allowed();
}

PreparedRequest::PreparedRequest(const Graph& graph, Request request, Ask ask)
    : graph_(&graph),
      request_(std::make_unique<Request>(normalize_request(std::move(request)))),
      ask_(ask),
      compiled_(compile_request(graph.symbols(), *request_, ask)) {}

template <typename Reach>
Decision Authorizer::authenticate(const Request& request, const Reach& reach) const {
    // Authentication comes first: on EKS 1.32+ an anonymous request other than the health endpoints gets
    // 401 and no authorizer (not even the system:masters check) sees it.
    if (anonymous_.extent == AnonymousReach::Extent::kEveryRequest || is_anonymous_health_request(request)) {
        return reach();
    }
    if (anonymous_.extent == AnonymousReach::Extent::kHealthEndpoints) {
        Decision refused;
        refused.unauthenticated = anonymous_.reason;
        return refused;
    }
    // EKS of an unknown version: RBAC's answer holds before 1.32 only, so a "yes" is undetermined; a "no"
    // is "no" either way.
    Decision decision = reach();
    if (decision.verdict == Verdict::kDenied) {
        return decision;
    }
    for (GrantMatch& grant : decision.grants) {
        grant.undetermined = anonymous_.reason;
        decision.undetermined.push_back(std::move(grant));
    }
    decision.grants.clear();
    decision.verdict = Verdict::kUndetermined;
    if (decision.undetermined.empty()) {
        decision.reasons.push_back(anonymous_.reason);
    }
    return decision;
}

Decision Authorizer::authorize(const Request& raw_request, bool all_grants, Ask ask) const {
    std::optional<Request> storage;
    const Request& request = normalized_view(raw_request, storage);
    return authenticate(request, [&] {
        return authorize_reached(compile_request(graph_->symbols(), request, ask), all_grants);
    });
}

Decision Authorizer::authorize(const PreparedRequest& request, bool all_grants) const {
    if (request.graph() != graph_) {  // compiled against another graph's symbols: ask it afresh
        return authorize(request.request(), all_grants, request.ask());
    }
    return authenticate(request.request(), [&] { return authorize_reached(request.compiled(), all_grants); });
}

Decision Authorizer::authorize_reached(const CompiledRequest& compiled, bool all_grants) const {
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
    // EKS: access-policy grants and RBAC add up; rule.go VisitRulesFor: ClusterRoleBindings always,
    // RoleBindings of the request's namespace only (the table's match decides each grant's scope).
    const GrantTable& table = graph_->grants();
    const auto visit = [&](std::span<const std::uint32_t> matches) {
        for (const std::uint32_t index : matches) {
            const HeldGrant& match = held_[index];
            const GrantAnswer answer = table.match(match.grant, compiled);
            if (answer.verdict == Verdict::kAllowed) {
                decision.verdict = Verdict::kAllowed;
                decision.grants.push_back({match.grant, match.witness, answer.rule, {}});
                if (!all_grants) {
                    return true;
                }
            } else if (answer.verdict == Verdict::kUndetermined) {
                decision.undetermined.push_back(
                    {match.grant, match.witness, 0, table.coverage_reason(match.grant)});
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
    if (compiled.namespaces == NamespaceQuery::kAny) {
        // Some namespace: every RoleBinding's grants, in table order.
        if (visit(any_namespace_)) {
            return allowed_now();
        }
    } else if (compiled.has_namespace && compiled.ns != kNoSymbol) {
        if (visit(namespaced_in(compiled.ns))) {
            return allowed_now();
        }
    }
    for (const std::uint32_t index : undetermined_) {
        const HeldGrant& match = held_[index];
        if (table.match(match.grant, compiled).verdict != Verdict::kDenied) {
            decision.undetermined.push_back(
                {match.grant, match.witness, 0,
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
    // A resource request anonymous callers may not make on EKS 1.32+ (or, version unknown, may not be sure
    // to make): no name is certainly allowed.
    if (anonymous_.extent != AnonymousReach::Extent::kEveryRequest) {
        return std::nullopt;
    }
    if (masters_) {
        return std::vector<std::string>{};
    }
    std::optional<Request> storage;
    const Request& request = normalized_view(raw_request, storage);
    const CompiledRequest compiled =
        compile_request(graph_->symbols(), request, {.names = NameQuery::kListedNames});
    std::optional<std::vector<std::string>> names;
    // ResourceNameMatches: a rule without names allows every name, one with names only those.
    const auto visit = [&](std::span<const std::uint32_t> matches) {
        for (const std::uint32_t index : matches) {
            const GrantAnswer answer = graph_->grants().match(held_[index].grant, compiled);
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
        every = visit(namespaced_in(compiled.ns));
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
                          std::any_of(authorizers_[a].held().begin(), authorizers_[a].held().end(),
                                      [](const HeldGrant& match) { return match.undetermined; });
        if (open) {
            open_.push_back(a);
        }
        for (const HeldGrant& match : authorizers_[a].held()) {
            pairs.emplace_back(match.grant, rank[a]);
        }
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    holder_starts_.assign(graph.grants().size() + 1, 0);
    holders_.reserve(pairs.size());
    for (const auto& [row, arn_rank] : pairs) {
        ++holder_starts_[row + 1];
        holders_.push_back(by_arn[arn_rank]);
    }
    std::partial_sum(holder_starts_.begin(), holder_starts_.end(), holder_starts_.begin());
}

std::span<const std::uint32_t> MappedAccess::holders(GrantId grant) const {
    return std::span<const std::uint32_t>(holders_).subspan(
        holder_starts_[grant], holder_starts_[grant + 1] - holder_starts_[grant]);
}

}  // namespace rbacgraph
