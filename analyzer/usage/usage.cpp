// Granted against used: the log's requests, each asked of the grant table for its caller as the export maps
// it (usage-evidence.md 4). Every command asks the same table, so "used" here means what can-i would answer.
#include "rbacgraph/usage.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

constexpr std::int64_t kMicrosPerHour = 3'600'000'000;
constexpr std::size_t kFindingsPerCallerAndKind = 10;

void caller_key(const AuditUser& user, std::string& key) {
    key.clear();
    key += user.username;
    key += '\x1f';
    for (const std::string& group : user.groups) {
        key += group;
        key += '\x1e';
    }
    key += '\x1f';
    key += user.canonical_arn;
}

void entry_key(const Request& request, bool shared_name, bool allowed, bool impersonation, std::string& key) {
    key.clear();
    for (const std::string* part : {&request.verb, &request.api_group, &request.resource,
                                    &request.subresource, &request.ns, &request.path}) {
        key += *part;
        key += '\x1f';
    }
    // A name no rule lists shares the entry of every such name (a name is never "\x01").
    key += shared_name ? std::string_view("\x01") : std::string_view(request.name);
    key += '\x1f';
    key += request.non_resource ? 'n' : 'r';
    key += allowed ? 'a' : 'f';
    key += impersonation ? 'i' : '-';
}

auto request_order(const Request& request) {
    return std::tie(request.non_resource, request.ns, request.api_group, request.resource,
                    request.subresource, request.verb, request.name, request.path);
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// The rights an impersonated request needed of its caller (k8s.io/apiserver endpoints/filters
// impersonation.go: users, or serviceaccounts for a ServiceAccount's username; groups one by one; the groups
// the filter adds by itself, system:authenticated and a ServiceAccount's two, need nothing).
std::vector<Request> impersonation_requests(const AuditUser& target) {
    std::vector<Request> out;
    const auto service_account = split_service_account_username(target.username);
    Request user;
    user.verb = "impersonate";
    if (service_account) {
        user.resource = "serviceaccounts";
        user.ns = service_account->first;
        user.name = service_account->second;
    } else {
        user.resource = "users";
        user.name = target.username;
    }
    out.push_back(user);
    for (const std::string& group : target.groups) {
        if (group == "system:authenticated" ||
            (service_account && (group == "system:serviceaccounts" ||
                                 group == "system:serviceaccounts:" + service_account->first))) {
            continue;
        }
        Request request;
        request.verb = "impersonate";
        request.resource = "groups";
        request.name = group;
        out.push_back(request);
    }
    return out;
}

// The binding an RBAC reason names (rbac.go RuleAllows's describer, validation/rule.go): `allowed by
// ClusterRoleBinding "NAME" of ...` or `allowed by RoleBinding "NAME/NAMESPACE" of ...`.
struct NamedBinding {
    bool cluster = false;
    std::string name;
    std::string ns;
};

std::optional<std::string> quoted_after(std::string_view text, std::string_view marker) {
    const std::size_t at = text.find(marker);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const std::size_t start = at + marker.size();
    const std::size_t end = text.find('"', start);
    if (end == std::string_view::npos) {
        return std::nullopt;
    }
    return std::string(text.substr(start, end - start));
}

std::optional<NamedBinding> rbac_reason_binding(std::string_view reason) {
    if (reason.rfind("RBAC: allowed by ", 0) != 0) {
        return std::nullopt;
    }
    if (auto name = quoted_after(reason, "allowed by ClusterRoleBinding \"")) {
        return NamedBinding{true, std::move(*name), ""};
    }
    if (auto both = quoted_after(reason, "allowed by RoleBinding \"")) {
        // Binding names cannot hold '/', so the last one separates the namespace.
        const std::size_t slash = both->rfind('/');
        if (slash == std::string::npos) {
            return std::nullopt;
        }
        return NamedBinding{false, both->substr(0, slash), both->substr(slash + 1)};
    }
    return std::nullopt;
}

// EKS's access-policy authorizer names the association as a ClusterRoleBinding "PRINCIPAL+POLICY" (seen in
// real EKS events for cluster scope; usage-evidence.md 1). Namespace-scope reasons are unverified: not read.
std::optional<std::pair<std::string, std::string>> access_policy_reason(std::string_view reason) {
    if (reason.rfind("EKS Access Policy: allowed by ClusterRoleBinding \"", 0) != 0) {
        return std::nullopt;
    }
    const auto both = quoted_after(reason, "ClusterRoleBinding \"");
    if (!both) {
        return std::nullopt;
    }
    const std::size_t plus = both->find("+arn:aws:eks::aws:cluster-access-policy/");
    if (plus == std::string::npos) {
        return std::nullopt;
    }
    return std::make_pair(both->substr(0, plus), both->substr(plus + 1));
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// The key a principal is known by in a log: its ARN without path (the authenticator's canonicalArn), in lower
// case (aws-auth matches ARNs case-insensitively).
std::string principal_key(std::string_view arn) {
    const auto parsed = parse_principal_arn(arn);
    if (const auto* principal = std::get_if<Principal>(&parsed)) {
        return lower(principal->kind == PrincipalKind::kRole || principal->kind == PrincipalKind::kAssumedRole
                         ? principal->session_role_arn()
                         : principal->canonical_arn());
    }
    return lower(std::string(arn));
}

std::string caller_display(const CallerUsage& caller) {
    return caller.arn.empty() ? caller.username : fmt::format("{} ({})", caller.username, caller.arn);
}

std::string kind_of(const AuditUser& user) {
    if (split_service_account_username(user.username)) {
        return "ServiceAccount";
    }
    if (contains(user.groups, "system:nodes") && user.username.rfind("system:node:", 0) == 0) {
        return "node";
    }
    if (user.canonical_arn.find(":role/") != std::string::npos) {
        return "IAM role";
    }
    if (user.canonical_arn.find(":user/") != std::string::npos) {
        return "IAM user";
    }
    return "Kubernetes user";
}

// The mapped identity's names against the log's: the export maps the principal to what the authenticator
// produced, or the export is not the cluster the log came from.
std::optional<std::string> identity_difference(const Identity& mapped, const AuditUser& user) {
    if (mapped.username.match(user.username).outcome == ValueMatch::Outcome::kNo) {
        return fmt::format("the export maps {} to username {}, the log shows {}", mapped.arn,
                           mapped.username.display(), user.username);
    }
    std::set<std::string> expected;
    for (const IdentityValue& group : mapped.groups) {
        if (!group.is_literal()) {
            return std::nullopt;  // a templated group: nothing to compare exactly
        }
        expected.insert(group.literal_text());
    }
    const std::set<std::string> seen(user.groups.begin(), user.groups.end());
    if (expected != seen) {
        return fmt::format("the export maps {} to groups [{}], the log shows [{}]", mapped.arn,
                           fmt::join(expected, ", "), fmt::join(seen, ", "));
    }
    return std::nullopt;
}

// The caller as a graph sees it: the log's username and groups, with the access entry of its IAM principal.
Identity caller_identity(const Graph& graph, const AuditUser& user, Identity* mapped_out = nullptr) {
    Identity identity = kubernetes_identity(user.username, user.groups);
    identity.source_detail = "the identity the audit log shows";
    const std::string arn = !user.arn.empty() ? user.arn : user.canonical_arn;
    if (arn.empty()) {
        return identity;
    }
    Identity mapped = resolve_arn(graph, arn);
    if (mapped.authenticated) {
        // Access policies apply by principal, whatever the names (EKS user guide, access-policies).
        identity.arn = mapped.arn;
        identity.canonical_arn = mapped.canonical_arn;
        identity.source = mapped.source;
        identity.source_detail = mapped.source_detail;
        identity.source_location = mapped.source_location;
        identity.access_entry = mapped.access_entry;
    }
    if (mapped_out != nullptr) {
        *mapped_out = std::move(mapped);
    }
    return identity;
}

void sort_requests(std::vector<UsedRequest>& requests) {
    std::sort(requests.begin(), requests.end(), [](const UsedRequest& a, const UsedRequest& b) {
        return std::make_tuple(a.impersonation, request_order(a.request)) <
               std::make_tuple(b.impersonation, request_order(b.request));
    });
}

class Evaluation {
  public:
    Evaluation(const Graph& graph, UsageReport& report) : graph_(graph), report_(report) {}

    void caller(const UsageLog::Caller& logged, const std::vector<RoleAssumption>& assumptions);
    void idle();

  private:
    Identity identity_of(const UsageLog::Caller& logged, CallerUsage& usage);
    void check_reason(const CallerUsage& usage, const UsageLog::Entry& entry, const Decision& decision);
    // A stale export can disagree with every request of a log: the first findings of each kind per caller
    // are kept, the rest counted.
    void finding(std::string kind, const CallerUsage& usage, std::string message, const SourceLocation& at) {
        std::size_t& count = finding_counts_[{caller_display(usage), kind}];
        if (++count > kFindingsPerCallerAndKind) {
            ++report_.findings_omitted;
            return;
        }
        report_.findings.push_back({std::move(kind), caller_display(usage), std::move(message), at});
    }

    const Graph& graph_;
    UsageReport& report_;
    std::set<GrantId> used_;
    std::set<std::string> seen_principals_;  ///< lower-cased canonical ARNs of callers
    std::map<std::pair<std::string, std::string>, std::size_t> finding_counts_;
};

Identity Evaluation::identity_of(const UsageLog::Caller& logged, CallerUsage& usage) {
    const AuditUser& user = logged.user;
    Identity mapped;
    Identity identity = caller_identity(graph_, user, &mapped);
    const std::string arn = !user.arn.empty() ? user.arn : user.canonical_arn;
    if (arn.empty()) {
        return identity;
    }
    seen_principals_.insert(principal_key(user.canonical_arn.empty() ? arn : user.canonical_arn));
    // The caller's earliest record (the entries are a hash map: their order says nothing).
    SourceLocation at;
    std::optional<std::int64_t> earliest;
    for (const auto& [key, entry] : logged.entries) {
        if (!earliest || std::tie(entry.first, entry.location.file, entry.location.line) <
                             std::tie(*earliest, at.file, at.line)) {
            earliest = entry.first;
            at = entry.location;
        }
    }
    if (!mapped.authenticated) {
        finding("unmapped-principal", usage,
                fmt::format("the log shows {} authenticated as {}, but the export does not map it ({}): the "
                            "export is older than the log, or incomplete",
                            arn, user.username, mapped.denial),
                at);
        usage.notes.push_back("the export does not map this principal: " + mapped.denial);
        return identity;
    }
    usage.mapping = mapped.source_detail;
    if (mapped.source_location.line > 0 || !mapped.source_location.file.empty()) {
        usage.mapping += " (" + format_location(mapped.source_location) + ")";
    }
    if (const auto difference = identity_difference(mapped, user)) {
        finding("identity-mismatch", usage, *difference + ": the export is not the cluster's current mapping",
                at);
    }
    return identity;
}

void Evaluation::check_reason(const CallerUsage& usage, const UsageLog::Entry& entry,
                              const Decision& decision) {
    if (!entry.reason || entry.reason->empty()) {
        return;
    }
    const GrantTable& table = graph_.grants();
    if (const auto named = rbac_reason_binding(*entry.reason)) {
        std::optional<std::size_t> found;
        for (std::size_t b = 0; b < table.binding_count(); ++b) {
            const Binding& binding = *table.binding_source(b).binding;
            if (binding.cluster_scoped == named->cluster && binding.name == named->name &&
                (named->cluster || binding.ns == named->ns)) {
                found = b;  // the overlay's come last: an export's own binding of that name wins
                break;
            }
        }
        const std::string what = named->cluster ? fmt::format("ClusterRoleBinding {}", named->name)
                                                : fmt::format("RoleBinding {}/{}", named->ns, named->name);
        if (!found) {
            finding(
                "missing-binding", usage,
                fmt::format("the cluster allowed {} through {}, which the export lacks: the export is older "
                            "than the log, or incomplete",
                            entry.request.display(), what),
                entry.location);
            return;
        }
        const GrantRange range = table.of_binding(*found);
        const bool allows = std::any_of(
            decision.grants.begin(), decision.grants.end(),
            [&](const GrantMatch& g) { return g.grant && *g.grant >= range.first && *g.grant < range.last; });
        if (!allows) {
            finding(
                "reason-mismatch", usage,
                fmt::format("the cluster allowed {} through {}, which in the export does not allow it (its "
                            "role or subjects differ): the export is not the cluster's current state",
                            entry.request.display(), what),
                entry.location);
        }
        return;
    }
    if (const auto policy = access_policy_reason(*entry.reason)) {
        bool found = false;
        for (std::size_t a = 0; a < table.policy_count(); ++a) {
            const AccessPolicyAssociation& association = *table.policy_source(a).policy->association;
            found = found ||
                    (association.principal_arn == policy->first && association.policy_arn == policy->second);
        }
        if (!found) {
            finding("missing-binding", usage,
                    fmt::format("the cluster allowed {} through access policy {} of {}, an association the "
                                "export lacks: the export is older than the log, or incomplete",
                                entry.request.display(), policy->second, policy->first),
                    entry.location);
        }
    }
}

void Evaluation::caller(const UsageLog::Caller& logged, const std::vector<RoleAssumption>& assumptions) {
    CallerUsage usage;
    const AuditUser& user = logged.user;
    usage.kind = kind_of(user);
    usage.username = user.username;
    usage.groups = user.groups;
    usage.arn = user.canonical_arn;
    usage.sessions = logged.sessions;
    usage.node = usage.kind == "node";
    usage.identity = identity_of(logged, usage);
    for (const std::string& impersonator : logged.impersonators) {
        usage.notes.push_back(
            fmt::format("requests as this caller were made by {}, impersonating it", impersonator));
    }
    const Authorizer authorizer(graph_, usage.identity);
    usage.admin = authorizer.cluster_admin();
    const GrantTable& table = graph_.grants();
    std::map<GrantId, std::size_t> held;
    for (const HeldGrant& grant : authorizer.held()) {
        if (held.count(grant.grant) != 0) {
            continue;
        }
        const Grant value = table.grant(grant.grant);
        GrantUse use;
        use.grant = grant.grant;
        use.via = describe_grant(graph_, GrantMatch{grant.grant, grant.witness, 0, ""});
        use.location = value.location();
        use.rules_used.assign(value.rules != nullptr ? value.rules->size() : 0, false);
        use.cluster_admin = value.cluster_admin();
        use.rules = value.rules;
        use.builtin = value.builtin;
        held.emplace(grant.grant, usage.grants.size());
        usage.grants.push_back(std::move(use));
    }
    std::vector<const UsageLog::Entry*> entries;
    entries.reserve(logged.entries.size());
    for (const auto& [key, entry] : logged.entries) {
        entries.push_back(&entry);
    }
    std::sort(entries.begin(), entries.end(), [](const UsageLog::Entry* a, const UsageLog::Entry* b) {
        return std::make_tuple(request_order(a->request), a->allowed, a->impersonation) <
               std::make_tuple(request_order(b->request), b->allowed, b->impersonation);
    });
    for (const UsageLog::Entry* entry : entries) {
        const Decision decision = authorizer.authorize(entry->request, true);
        UsedRequest used;
        used.request = entry->request;
        used.names = entry->names;
        used.more_names = entry->more_names;
        used.count = entry->count;
        used.dry_run = entry->dry_run;
        used.first = entry->first;
        used.last = entry->last;
        used.impersonation = entry->impersonation;
        used.verdict = decision.verdict;
        for (const GrantMatch& grant : decision.grants) {
            used.via.push_back(describe_grant(graph_, grant));
        }
        if (decision.allowed()) {
            const bool masters = std::any_of(decision.grants.begin(), decision.grants.end(),
                                             [](const GrantMatch& g) { return !g.grant; });
            const bool policy =
                std::any_of(decision.grants.begin(), decision.grants.end(), [&](const GrantMatch& g) {
                    return g.grant && grant_kind(graph_, g) == GrantKind::kAccessPolicy;
                });
            used.decided_by = masters ? "system:masters" : policy ? "EKS access policy" : "RBAC";
        } else if (usage.node && entry->allowed && !entry->impersonation &&
                   (!entry->reason || entry->reason->empty())) {
            // The Node authorizer runs before RBAC on every cluster (EKS too) and writes an empty reason:
            // what it allows is a node's own, not a grant of the export (usage-evidence.md 1). A reason that
            // names something else was not the Node authorizer's.
            used.decided_by = "Node authorizer";
        }
        if (entry->allowed) {
            if (decision.allowed()) {
                for (const GrantMatch& grant : decision.grants) {
                    if (!grant.grant) {
                        continue;
                    }
                    used_.insert(*grant.grant);
                    const auto at = held.find(*grant.grant);
                    if (at == held.end()) {
                        continue;
                    }
                    GrantUse& use = usage.grants[at->second];
                    use.requests += entry->count;
                    use.last = std::max(use.last.value_or(entry->last), entry->last);
                    if (grant.rule < use.rules_used.size()) {
                        use.rules_used[grant.rule] = true;
                    }
                }
                if (!entry->impersonation) {
                    check_reason(usage, *entry, decision);
                }
            } else if (decision.verdict == Verdict::kUndetermined) {
                usage.notes.push_back(fmt::format("{}: the export cannot decide whether it allows this ({})",
                                                  entry->request.display(),
                                                  fmt::join(undetermined_reasons(graph_, decision), "; ")));
            } else if (used.decided_by.empty()) {
                check_reason(usage, *entry, decision);
                finding(
                    "unexplained-allow", usage,
                    fmt::format("the cluster allowed {}{}, which the export does not: the export is older "
                                "than the log, or incomplete, or another authorizer allowed it",
                                entry->request.display(),
                                entry->impersonation ? " (the right to impersonate it)" : ""),
                    entry->location);
            }
            usage.allowed.push_back(std::move(used));
        } else {
            if (decision.allowed()) {
                finding(
                    "unexpected-forbid", usage,
                    fmt::format("the cluster refused {}, which the export allows: the export is newer than "
                                "the log, or not the cluster it came from",
                                entry->request.display()),
                    entry->location);
            }
            usage.forbidden.push_back(std::move(used));
        }
    }
    sort_requests(usage.allowed);
    sort_requests(usage.forbidden);
    // CloudTrail: the STS call that minted a session carries the access key the authenticator reports
    // (aws-iam-authenticator token.go); Pod Identity's AssumeRole names the ServiceAccount in its tags.
    const auto service_account = split_service_account_username(user.username);
    for (const RoleAssumption& assumption : assumptions) {
        if (!assumption.error_code.empty()) {
            continue;
        }
        const bool same_key =
            !assumption.access_key_id.empty() && contains(logged.access_keys, assumption.access_key_id);
        const bool pod_identity = service_account && assumption.pod_namespace == service_account->first &&
                                  assumption.pod_service_account == service_account->second;
        if (same_key) {
            usage.assumed_via.push_back(
                fmt::format("{} {} by {} at {}", assumption.event, assumption.role_arn,
                            assumption.caller_arn.empty() ? assumption.invoked_by : assumption.caller_arn,
                            format_rfc3339(assumption.time)));
        } else if (pod_identity) {
            usage.assumed_via.push_back(
                fmt::format("EKS Pod Identity: {} assumed for this ServiceAccount at {} "
                            "(an AWS role of the pod, not a Kubernetes identity)",
                            assumption.role_arn, format_rfc3339(assumption.time)));
        }
    }
    report_.callers.push_back(std::move(usage));
}

void Evaluation::idle() {
    const GrantTable& table = graph_.grants();
    const auto used = [&](GrantRange range) {
        for (const GrantId id : range) {
            if (used_.count(id) != 0) {
                return true;
            }
        }
        return false;
    };
    for (std::size_t b = 0; b < table.binding_count(); ++b) {
        const GrantTable::BindingSource source = table.binding_source(b);
        if (source.grants.empty() || used(source.grants)) {
            continue;
        }
        if (source.builtin) {
            ++report_.idle_builtin;
            continue;
        }
        report_.idle_sources.push_back({describe_grant(graph_, GrantMatch{source.grants.first, "", 0, ""}),
                                        source.binding->location, table.cluster_admin(source.grants.first)});
    }
    for (std::size_t a = 0; a < table.policy_count(); ++a) {
        const GrantTable::PolicySource source = table.policy_source(a);
        if (source.grants.empty() || used(source.grants)) {
            continue;
        }
        report_.idle_sources.push_back(
            {fmt::format("{} of {}", describe_grant(graph_, GrantMatch{source.grants.first, "", 0, ""}),
                         source.policy->association->principal_arn),
             source.policy->association->location, table.cluster_admin(source.grants.first)});
    }
    for (const Identity& identity : mapped_identities(graph_)) {
        if (!identity.authenticated || identity.canonical_arn.empty() ||
            identity.source == IdentitySource::kMapAccounts) {
            continue;
        }
        if (seen_principals_.count(principal_key(identity.canonical_arn)) != 0) {
            continue;
        }
        const Authorizer authorizer(graph_, identity);
        report_.idle_principals.push_back({identity.canonical_arn, identity.source_detail,
                                           identity.source_location, authorizer.cluster_admin()});
    }
    std::sort(report_.idle_principals.begin(), report_.idle_principals.end(),
              [](const IdlePrincipal& a, const IdlePrincipal& b) {
                  return std::tie(b.admin, a.arn) < std::tie(a.admin, b.arn);
              });
}

}  // namespace

void UsageLog::add_entry(Caller& caller, const Request& request, bool allowed, bool impersonation,
                         const AuditRequest& from) {
    const bool shared_name = !every_name_matters_ && !request.name.empty() &&
                             listed_names_.find(request.name) == listed_names_.end();
    entry_key(request, shared_name, allowed, impersonation, key_);
    auto at = caller.entries.find(key_);
    const bool inserted = at == caller.entries.end();
    if (inserted) {
        at = caller.entries.emplace(key_, Entry{}).first;
    }
    Entry& entry = at->second;
    if (!request.name.empty() && !entry.more_names && entry.names.count(request.name) == 0) {
        if (entry.names.size() == kMaxNames) {
            entry.more_names = true;
        } else {
            entry.names.insert(request.name);
        }
    }
    if (inserted) {
        entry.request = request;
        entry.allowed = allowed;
        entry.impersonation = impersonation;
        entry.first = from.time;
        entry.last = from.time;
        entry.location = from.location;
    }
    ++entry.count;
    entry.dry_run += from.dry_run ? 1 : 0;
    if (from.time < entry.first) {
        entry.first = from.time;
        entry.location = from.location;
    }
    entry.last = std::max(entry.last, from.time);
    if (!entry.reason && from.reason && !from.reason->empty()) {
        entry.reason = from.reason;
    }
}

UsageLog::Caller& UsageLog::caller_of(const AuditUser& user) {
    caller_key(user, key_);
    auto at = callers_.find(key_);
    const bool inserted = at == callers_.end();
    if (inserted) {
        at = callers_.emplace(key_, Caller{}).first;
    }
    Caller& caller = at->second;
    if (inserted) {
        caller.user = user;
    }
    if (!user.session_name.empty() && caller.sessions.size() < kMaxSessions &&
        !contains(caller.sessions, user.session_name)) {
        caller.sessions.push_back(user.session_name);
    }
    if (!user.access_key_id.empty() && caller.access_keys.size() < kMaxSessions &&
        !contains(caller.access_keys, user.access_key_id)) {
        caller.access_keys.push_back(user.access_key_id);
    }
    return caller;
}

UsageLog::UsageLog(const Graph& graph) {
    list_names_of(graph);
}

void UsageLog::list_names_of(const Graph& graph) {
    every_name_matters_ = false;
    // Where a rule lists resourceNames, those names decide; every other name is allowed alike by every rule
    // (rbac.go ResourceMatches: a rule without names matches any name, one with names only those).
    for (const RoleNode& role : graph.roles()) {
        for (const PolicyRule& rule : role.rules()) {
            listed_names_.insert(rule.resource_names.begin(), rule.resource_names.end());
        }
    }
    for (const AccessPolicyGrant& policy : graph.access_policy_grants()) {
        if (policy.definition != nullptr) {
            for (const PolicyRule& rule : policy.definition->rules) {
                listed_names_.insert(rule.resource_names.begin(), rule.resource_names.end());
            }
        }
    }
}

void UsageLog::add(AuditRequest&& request) {
    Caller& caller = caller_of(request.user);
    add_entry(caller, request.request, request.allowed, false, request);
    if (request.impersonator) {
        if (caller.impersonators.size() < kMaxSessions &&
            !contains(caller.impersonators, request.impersonator->username)) {
            caller.impersonators.push_back(request.impersonator->username);
        }
        Caller& impersonator = caller_of(*request.impersonator);
        for (const Request& right : impersonation_requests(request.user)) {
            add_entry(impersonator, right, true, true, request);
        }
    }
}

std::vector<const UsageLog::Caller*> UsageLog::callers() const {
    std::vector<const Caller*> out;
    out.reserve(callers_.size());
    for (const auto& [key, caller] : callers_) {
        out.push_back(&caller);
    }
    std::sort(out.begin(), out.end(), [](const Caller* a, const Caller* b) {
        return std::tie(a->user.username, a->user.groups, a->user.canonical_arn) <
               std::tie(b->user.username, b->user.groups, b->user.canonical_arn);
    });
    return out;
}

void add_evidence(std::vector<Finding>& findings, const UsageReport& usage) {
    const AuditReadStats& stats = usage.stats;
    if (!stats.first) {
        for (Finding& finding : findings) {
            finding.evidence.push_back("the audit log holds no request: no evidence either way");
        }
        return;
    }
    const double days = static_cast<double>(*stats.last - *stats.first) / (86400.0 * 1e6);
    const std::string window =
        fmt::format("{} to {}, {:.1f} days{}", format_rfc3339(*stats.first), format_rfc3339(*stats.last),
                    days, usage.gaps.empty() ? "" : fmt::format(", {} gaps", usage.gaps.size()));
    using Place = std::tuple<std::string, int, int>;
    const auto place = [](const SourceLocation& at) { return Place{at.file.str(), at.line, at.column}; };
    struct SourceUse {
        std::size_t requests = 0;
        std::int64_t last = 0;
        std::set<const PolicyRule*> rules_used;
        std::set<std::string> callers;
        std::string principal;  ///< a mapping's: the principal key it maps
    };
    std::map<Place, SourceUse> sources;
    std::map<Place, SourceUse> mappings;
    std::map<std::string, SourceUse> principals;
    for (const CallerUsage& caller : usage.callers) {
        std::size_t requests = 0;
        std::int64_t last = 0;
        for (const UsedRequest& used : caller.allowed) {
            requests += used.count;
            last = std::max(last, used.last);
        }
        for (const GrantUse& grant : caller.grants) {
            SourceUse& use = sources[place(grant.location)];
            use.requests += grant.requests;
            if (grant.last) {
                use.last = std::max(use.last, *grant.last);
                use.callers.insert(caller.username);
            }
            for (std::size_t r = 0; grant.rules != nullptr && r < grant.rules_used.size(); ++r) {
                if (grant.rules_used[r]) {
                    use.rules_used.insert(&(*grant.rules)[r]);
                }
            }
        }
        if (!caller.arn.empty()) {
            SourceUse& principal = principals[principal_key(caller.arn)];
            principal.requests += requests;
            principal.last = std::max(principal.last, last);
            if (caller.identity.source_location.line > 0) {
                SourceUse& mapping = mappings[place(caller.identity.source_location)];
                mapping.requests += requests;
                mapping.last = std::max(mapping.last, last);
                mapping.callers.insert(caller.username);
                mapping.principal = principal_key(caller.arn);
            }
        }
    }
    std::set<Place> idle_sources;
    for (const IdleSource& idle : usage.idle_sources) {
        idle_sources.insert(place(idle.location));
    }
    std::map<Place, std::string> idle_mappings;
    std::set<std::string> idle_principals;
    for (const IdlePrincipal& idle : usage.idle_principals) {
        idle_mappings.emplace(place(idle.location), idle.arn);
        idle_principals.insert(principal_key(idle.arn));
    }
    for (Finding& finding : findings) {
        const Place at = place(finding.location);
        if (idle_sources.count(at) != 0) {
            finding.evidence.push_back(fmt::format("it served no request in the audit window ({})", window));
        } else if (const auto found = sources.find(at);
                   found != sources.end() && found->second.requests != 0) {
            const SourceUse& use = found->second;
            finding.evidence.push_back(
                fmt::format("it served {} requests in the audit window, last {} (by {})", use.requests,
                            format_rfc3339(use.last), fmt::join(use.callers, ", ")));
            if (finding.rule_cited != nullptr) {
                finding.evidence.push_back(
                    use.rules_used.count(finding.rule_cited) != 0
                        ? std::string("the rule it cites was used")
                        : fmt::format("the rule it cites served no request in the audit "
                                      "window ({})",
                                      window));
            }
        }
        std::set<std::string> told;  // principals the lines above already spoke of
        if (const auto idle = idle_mappings.find(at); idle != idle_mappings.end()) {
            told.insert(principal_key(idle->second));
            finding.evidence.push_back(fmt::format(
                "{}, which it maps, made no request in the audit window ({})", idle->second, window));
        } else if (const auto mapped = mappings.find(at); mapped != mappings.end()) {
            told.insert(mapped->second.principal);
            finding.evidence.push_back(
                fmt::format("the principal it maps made {} requests in the audit window, "
                            "last {}",
                            mapped->second.requests, format_rfc3339(mapped->second.last)));
        }
        std::size_t named = 0;
        for (const std::string& arn : finding.arns) {
            if (named == 3) {
                break;
            }
            const std::string key = principal_key(arn);
            if (!told.insert(key).second) {
                continue;
            }
            if (const auto used = principals.find(key); used != principals.end()) {
                finding.evidence.push_back(fmt::format("{} made {} requests in the audit window, last {}",
                                                       arn, used->second.requests,
                                                       format_rfc3339(used->second.last)));
                ++named;
            } else if (idle_principals.count(key) != 0) {
                finding.evidence.push_back(
                    fmt::format("{} made no request in the audit window ({})", arn, window));
                ++named;
            }
        }
    }
}

std::vector<RemovedInUse> removed_in_use(const Graph& base, const Graph& head, const UsageLog& log) {
    std::vector<RemovedInUse> out;
    for (const UsageLog::Caller* caller : log.callers()) {
        const Authorizer before(base, caller_identity(base, caller->user));
        const Authorizer after(head, caller_identity(head, caller->user));
        const std::string name =
            caller->user.canonical_arn.empty()
                ? caller->user.username
                : fmt::format("{} ({})", caller->user.username, caller->user.canonical_arn);
        for (const auto& [key, entry] : caller->entries) {
            if (!entry.allowed) {
                continue;
            }
            const Decision was = before.authorize(entry.request, true);
            if (!was.allowed()) {
                continue;  // not the export's to take away (the Node authorizer, a stale export)
            }
            const Decision now = after.authorize(entry.request);
            if (now.allowed()) {
                continue;
            }
            RemovedInUse removed;
            removed.caller = name;
            removed.request = entry.request;
            removed.count = entry.count;
            removed.last = entry.last;
            removed.undetermined = now.verdict == Verdict::kUndetermined;
            removed.location = entry.location;
            for (const GrantMatch& grant : was.grants) {
                removed.via.push_back(describe_grant(base, grant));
            }
            out.push_back(std::move(removed));
        }
    }
    std::sort(out.begin(), out.end(), [](const RemovedInUse& a, const RemovedInUse& b) {
        // The record's place last: entries come from a hash map, and two may show the same request.
        return std::make_tuple(a.undetermined, a.caller, request_order(a.request), a.location.file.str(),
                               a.location.line) < std::make_tuple(b.undetermined, b.caller,
                                                                  request_order(b.request),
                                                                  b.location.file.str(), b.location.line);
    });
    return out;
}

UsageReport evaluate_usage(const Graph& graph, const UsageLog& log, const AuditReadStats& stats,
                           const std::vector<RoleAssumption>& assumptions, std::size_t cloudtrail_records) {
    UsageReport report;
    report.stats = stats;
    report.cloudtrail_records = cloudtrail_records;
    report.role_assumptions = assumptions.size();
    Evaluation evaluation(graph, report);
    for (const UsageLog::Caller* caller : log.callers()) {
        evaluation.caller(*caller, assumptions);
    }
    evaluation.idle();
    // Hours between the first and the last request that hold none: the log may have a hole there.
    if (!stats.hours.empty()) {
        std::int64_t previous = *stats.hours.begin();
        for (const std::int64_t hour : stats.hours) {
            if (hour > previous + 1) {
                report.gaps.emplace_back((previous + 1) * kMicrosPerHour, hour * kMicrosPerHour);
            }
            previous = hour;
        }
    }
    for (const RoleAssumption& assumption : assumptions) {
        if (!assumption.error_code.empty()) {
            report.refused_assumptions.push_back(
                fmt::format("{} {} by {} at {}: {}", assumption.event, assumption.role_arn,
                            assumption.caller_arn, format_rfc3339(assumption.time), assumption.error_code));
        }
    }
    // usage-evidence.md 4, "What absence does not prove".
    report.caveats = {
        "absence of use covers only the window and what the audit policy logs: EKS's policy logs nothing for "
        "core events, /healthz, /version, kube-proxy's watches of endpoints and services, and nodes reading "
        "their own Node",
        "a duty that is rare (break-glass, yearly jobs) is unused in any window shorter than its period",
        "a grant that is unused because another grant also allowed the same requests is credited here too, "
        "since every grant that allows a request counts as used",
    };
    if (stats.unauthenticated + stats.no_decision != 0) {
        report.caveats.push_back(
            fmt::format("{} {} no identity (401) or no authorization decision (refused before "
                        "authorization): not counted",
                        stats.unauthenticated + stats.no_decision,
                        stats.unauthenticated + stats.no_decision == 1 ? "record had" : "records had"));
    }
    return report;
}

}  // namespace rbacgraph
