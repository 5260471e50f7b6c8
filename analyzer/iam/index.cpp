// The IAM side: principals with their policies, and sts:AssumeRole reachability (docs/iam.md).
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "rbacgraph/arn.hpp"
#include "rbacgraph/iam.hpp"

namespace rbacgraph {
namespace {

constexpr std::string_view kAssumeRole = "sts:AssumeRole";

bool is_account_id(std::string_view text) {
    return text.size() == 12 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE" split at its first five colons.
struct ArnParts {
    std::string_view partition, service, account, resource;
};

std::optional<ArnParts> split_arn(std::string_view arn) {
    std::array<std::string_view, 6> parts;
    for (std::size_t i = 0; i < 5; ++i) {
        const std::size_t colon = arn.find(':');
        if (colon == std::string_view::npos) {
            return std::nullopt;
        }
        parts[i] = arn.substr(0, colon);
        arn.remove_prefix(colon + 1);
    }
    parts[5] = arn;
    if (parts[0] != "arn") {
        return std::nullopt;
    }
    return ArnParts{parts[1], parts[2], parts[4], parts[5]};
}

// How a trust policy principal names a caller. kPartial: a NotPrincipal that lists the caller but not every
// level above it, which AWS does not say how to read (eks-iam.md 10.1 row 14).
enum class PrincipalMatch { kNone, kPartial, kAccount, kEveryone, kSession, kDirect };

struct TrustMatch {
    PrincipalMatch how = PrincipalMatch::kNone;
    std::string session;  ///< the session name a kSession match needs
};

// A principal value of a trust policy against a caller (docs/iam.md, "Who a trust policy names").
TrustMatch match_value(std::string_view value, const IamCaller& caller) {
    if (value == "*") {
        return {PrincipalMatch::kEveryone, {}};
    }
    if (is_account_id(value)) {
        return {value == caller.account ? PrincipalMatch::kAccount : PrincipalMatch::kNone, {}};
    }
    const auto parts = split_arn(value);
    if (!parts) {
        return {};  // a unique id (AIDA..., AROA...): the principal was deleted and matches nobody
    }
    if (parts->service == "iam" && parts->resource == "root") {
        return {parts->account == caller.account ? PrincipalMatch::kAccount : PrincipalMatch::kNone, {}};
    }
    if (equal_fold(value, caller.arn)) {
        return {PrincipalMatch::kDirect, {}};
    }
    constexpr std::string_view kSessionPrefix = "assumed-role/";
    if (caller.role && parts->service == "sts" && parts->account == caller.account &&
        parts->resource.starts_with(kSessionPrefix)) {
        const std::string_view rest = parts->resource.substr(kSessionPrefix.size());
        const std::size_t slash = rest.find('/');
        const std::string_view session = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
        // IAM-principal: a session principal names one session; a session cannot rename itself, so a caller
        // that is one session matches only its own name (eks-iam.md 10.1 row 10).
        if (slash != std::string_view::npos && equal_fold(rest.substr(0, slash), caller.role_name) &&
            (!caller.session || *caller.session == session)) {
            return {PrincipalMatch::kSession, std::string(session)};
        }
    }
    return {};
}

// A NotPrincipal lists exceptions. IAM-more notprincipal: to exempt a principal, every level of it must be
// listed (its own ARN and its account; AWS's example lists Bob and his account), and listing the account
// exempts nobody else of it. The caller's own ARN listed without its account: AWS does not say (kPartial).
TrustMatch match_not_principal(const IamStatement& statement, const IamCaller& caller) {
    bool own = false;
    bool account = false;
    for (const std::string& value : statement.principals.aws) {
        const TrustMatch match = match_value(value, caller);
        own = own || match.how == PrincipalMatch::kDirect || match.how == PrincipalMatch::kSession;
        account = account || match.how == PrincipalMatch::kAccount;
    }
    if (own && account) {
        return {};  // exempt: the statement does not apply to the caller
    }
    return {own ? PrincipalMatch::kPartial : PrincipalMatch::kEveryone, {}};
}

TrustMatch match_principals(const IamStatement& statement, const IamCaller& caller) {
    TrustMatch best;
    if (statement.principals.everyone) {
        best.how = PrincipalMatch::kEveryone;
    }
    for (const std::string& value : statement.principals.aws) {
        TrustMatch match = match_value(value, caller);
        if (match.how > best.how) {
            best = std::move(match);
        }
    }
    if (statement.not_principal) {
        return match_not_principal(statement, caller);
    }
    return best;
}

bool assume_action(const IamStatement& statement) {
    return statement_covers_action(statement, kAssumeRole);
}

// sts:TagSession (IAM user guide, id_session-tags: "the role's trust policy must allow sts:TagSession", and
// so must the caller's identity policy where it must allow sts:AssumeRole).
constexpr std::string_view kTagSession = "sts:TagSession";

std::string why_assumable(const IamCaller& caller, std::string_view action, PrincipalMatch how,
                          const std::string& session, bool identity_needed,
                          const std::string& identity_policy, const std::string& condition) {
    std::string why;
    switch (how) {
        case PrincipalMatch::kDirect:
            why = "its trust policy names " + caller.arn;
            break;
        case PrincipalMatch::kSession:
            why = fmt::format("its trust policy names the session '{}' of {}, a name the assumer chooses",
                              session, caller.arn);
            break;
        case PrincipalMatch::kAccount:
            why = "its trust policy delegates to account " + caller.account;
            break;
        case PrincipalMatch::kEveryone:
        case PrincipalMatch::kNone:
        case PrincipalMatch::kPartial:
            why = "its trust policy admits every principal";
            break;
    }
    if (identity_needed) {
        why += caller.principal
                   ? fmt::format(", and {} allows {} on it", identity_policy, action)
                   : fmt::format(", if the caller's own policies (not in the dump) allow {} on it", action);
    }
    if (!condition.empty()) {
        why += " under the condition " + condition;
    }
    return why;
}

std::string lower(std::string_view text) {
    return ascii_lower(text);
}

}  // namespace

std::string IamPrincipal::display() const {
    return fmt::format("IAM {} {}", kind == Kind::kUser ? "user" : "role", arn);
}

IamIndex::IamIndex(const std::vector<IamAccountDetails>& dumps, std::vector<Diagnostic>& diagnostics) {
    std::unordered_map<std::string, const IamManagedPolicy*> managed;
    std::map<std::string, const IamGroup*> groups;  // "account/name"
    for (const IamAccountDetails& dump : dumps) {
        for (const IamManagedPolicy& policy : dump.policies) {
            if (policy.document) {
                managed[lower(policy.arn)] = &policy;
            }
        }
        for (const IamGroup& group : dump.groups) {
            groups[dump.account + "/" + group.name] = &group;
        }
    }
    const auto attach = [&](IamPrincipal& principal, const std::vector<std::string>& arns,
                            std::string_view via) {
        for (const std::string& arn : arns) {
            const auto found = managed.find(lower(arn));
            if (found == managed.end()) {
                principal.unknown.push_back(fmt::format("managed policy {}{}", arn, via));
            } else {
                principal.policies.push_back({found->second->arn, &*found->second->document});
            }
        }
    };
    const auto inline_of = [](IamPrincipal& principal, const std::vector<IamInlinePolicy>& policies,
                              std::string_view owner) {
        for (const IamInlinePolicy& policy : policies) {
            principal.policies.push_back(
                {fmt::format("inline policy {} of {}", policy.name, owner), &policy.document});
        }
    };
    const auto bound = [&](IamPrincipal& principal, const std::string& arn) {
        if (arn.empty()) {
            return;
        }
        const auto found = managed.find(lower(arn));
        if (found == managed.end()) {
            principal.unknown.push_back("permissions boundary " + arn);
        } else {
            principal.boundary = NamedPolicy{"permissions boundary " + arn, &*found->second->document};
        }
    };
    const auto add = [&](IamPrincipal principal) {
        const auto parts = split_arn(principal.arn);
        if (parts) {
            principal.partition = std::string(parts->partition);
            principal.account = std::string(parts->account);
        }
        // IAM User Guide, policy variables: what a request of this principal says of it. A role's requests
        // come from sessions, whose user id (ROLEID:session) and user name are not in the dump.
        principal.variables["aws:principalaccount"] = principal.account;
        principal.variables["aws:principalarn"] = principal.arn;
        if (principal.kind == IamPrincipal::Kind::kUser) {
            principal.variables["aws:username"] = principal.name;
            principal.variables["aws:principaltype"] = "User";
            if (!principal.user->id.empty()) {
                principal.variables["aws:userid"] = principal.user->id;
            }
        } else {
            principal.variables["aws:principaltype"] = "AssumedRole";
        }
        const std::string key = lower(principal.arn);
        if (const auto found = by_arn_.find(key); found != by_arn_.end()) {
            diagnostics.push_back({Severity::kWarning, principal.location, principal.display(),
                                   fmt::format("also in {}; this later one is used",
                                               format_location(principals_[found->second].location))});
            principals_[found->second] = std::move(principal);
            return;
        }
        by_arn_[key] = principals_.size();
        principals_.push_back(std::move(principal));
    };
    for (const IamAccountDetails& dump : dumps) {
        for (const IamUser& user : dump.users) {
            IamPrincipal principal{IamPrincipal::Kind::kUser,
                                   user.arn,
                                   {},
                                   {},
                                   user.name,
                                   user.path,
                                   &user,
                                   nullptr,
                                   {},
                                   {},
                                   {},
                                   user.location};
            const std::string owner = "user " + user.name;
            inline_of(principal, user.inline_policies, owner);
            attach(principal, user.managed_policies, "");
            for (const std::string& name : user.groups) {
                const auto group = groups.find(dump.account + "/" + name);
                if (group == groups.end()) {
                    principal.unknown.push_back("group " + name);
                    continue;
                }
                inline_of(principal, group->second->inline_policies, "group " + name);
                attach(principal, group->second->managed_policies, " (through group " + name + ")");
            }
            bound(principal, user.boundary);
            add(std::move(principal));
        }
        for (const IamRole& role : dump.roles) {
            IamPrincipal principal{IamPrincipal::Kind::kRole,
                                   role.arn,
                                   {},
                                   {},
                                   role.name,
                                   role.path,
                                   nullptr,
                                   &role,
                                   {},
                                   {},
                                   {},
                                   role.location};
            inline_of(principal, role.inline_policies, "role " + role.name);
            attach(principal, role.managed_policies, "");
            bound(principal, role.boundary);
            add(std::move(principal));
        }
    }
    warn_unknown(diagnostics);
    edge_cache_ = std::make_unique<EdgeCache>(principals_.size());
    for (std::size_t i = 0; i < principals_.size(); ++i) {
        const IamPrincipal& principal = principals_[i];
        if (principal.role == nullptr) {
            continue;
        }
        role_by_name_[principal.account + "/" + lower(principal.name)] = i;
        for (const IamStatement& statement : principal.role->trust.statements) {
            if (statement.not_principal) {
                // IAM-more notprincipal: "You cannot use the NotPrincipal element ... in an IAM role trust
                // policy".
                diagnostics.push_back(
                    {Severity::kWarning, statement.location, principal.display(),
                     statement.allow
                         ? "NotPrincipal in a trust policy, which IAM refuses: this Allow admits nobody"
                         : "NotPrincipal in a trust policy, which IAM refuses: read as AWS describes it "
                           "for Deny (only principals listed with their account are exempt)"});
            }
            if (!assume_action(statement) || !statement.allow || statement.not_principal) {
                continue;
            }
            if (statement.principals.everyone) {
                trusted_everyone_.push_back(i);
            }
            for (const std::string& value : statement.principals.aws) {
                if (value == "*") {
                    trusted_everyone_.push_back(i);
                } else if (is_account_id(value)) {
                    trusted_account_[value].push_back(i);
                } else if (const auto parts = split_arn(value)) {
                    if (parts->resource == "root") {
                        trusted_account_[std::string(parts->account)].push_back(i);
                    } else if (parts->service == "sts") {
                        // A session ARN: found through the session's role (account/role name).
                        const std::string_view rest = parts->resource.substr(parts->resource.find('/') + 1);
                        trusted_arn_["session:" + std::string(parts->account) + "/" +
                                     lower(rest.substr(0, rest.find('/')))]
                            .push_back(i);
                    } else {
                        trusted_arn_[lower(value)].push_back(i);
                    }
                }
            }
        }
    }
}

void IamIndex::warn_unknown(std::vector<Diagnostic>& diagnostics) const {
    // One warning per missing policy or group, at its first holder, naming how many principals it affects.
    std::map<std::string, std::pair<std::size_t, const IamPrincipal*>> missing;
    for (const IamPrincipal& principal : principals_) {
        for (const std::string& what : principal.unknown) {
            auto& [count, first] = missing[what];
            if (count++ == 0) {
                first = &principal;
            }
        }
    }
    for (const auto& [what, use] : missing) {
        diagnostics.push_back(
            {Severity::kWarning, use.second->location, use.second->display(),
             fmt::format(
                 "{} is not in the IAM dumps: it is ignored for {} principal(s), which may be allowed more "
                 "than rbacgraph reports (a missing permissions boundary may allow less)",
                 what, use.first)});
    }
}

std::optional<std::size_t> IamIndex::find(std::string_view arn) const {
    if (const auto found = by_arn_.find(lower(arn)); found != by_arn_.end()) {
        return found->second;
    }
    const auto parsed = parse_principal_arn(arn);
    if (const auto* principal = std::get_if<Principal>(&parsed)) {
        if (principal->kind == PrincipalKind::kAssumedRole || principal->kind == PrincipalKind::kRole) {
            // Sessions carry no path: find the role by account and name.
            if (const auto found = role_by_name_.find(principal->account + "/" + lower(principal->name));
                found != role_by_name_.end()) {
                return found->second;
            }
        }
    }
    return std::nullopt;
}

IamCaller IamIndex::caller(std::size_t index) const {
    const IamPrincipal& principal = principals_[index];
    IamCaller out;
    out.principal = index;
    out.arn = principal.arn;
    out.account = principal.account;
    out.role = principal.kind == IamPrincipal::Kind::kRole;
    out.role_name = principal.name;
    return out;
}

IamCaller IamIndex::caller(std::string_view arn) const {
    const auto parsed = parse_principal_arn(arn);
    const auto* principal = std::get_if<Principal>(&parsed);
    IamCaller out;
    if (const auto index = find(arn)) {
        out = caller(*index);
    } else {
        out.arn = std::string(arn);
        if (principal != nullptr) {
            out.account = principal->account;
            out.role =
                principal->kind == PrincipalKind::kRole || principal->kind == PrincipalKind::kAssumedRole;
            out.role_name = out.role ? principal->name : std::string();
            if (principal->kind == PrincipalKind::kAssumedRole) {
                out.arn = principal->session_role_arn();
            }
        }
    }
    if (principal != nullptr && principal->kind == PrincipalKind::kAssumedRole) {
        out.session = principal->session;
    }
    // IAM-more id_roles_use_switch-role-api: the account root user cannot assume roles.
    out.root = principal != nullptr && principal->kind == PrincipalKind::kRoot;
    return out;
}

IamDecision IamIndex::identity_decision(std::size_t index, std::string_view action,
                                        const IamResource& resource) const {
    const IamPrincipal& principal = principals_[index];
    // Policies missing from the dump were warned about when indexing; what is known is evaluated.
    IamDecision decision = evaluate_policies(principal.policies, action, resource, &principal.variables);
    if (decision.effect != IamEffect::kAllow && decision.effect != IamEffect::kConditional) {
        return decision;
    }
    // A permissions boundary caps what identity policies grant.
    if (principal.boundary) {
        IamDecision bounded =
            evaluate_policies(std::span(&*principal.boundary, 1), action, resource, &principal.variables);
        if (bounded.effect == IamEffect::kDeny || bounded.effect == IamEffect::kImplicitDeny) {
            return {bounded.effect, bounded.statement, principal.boundary->name};
        }
        if (bounded.effect == IamEffect::kConditional) {
            return bounded;
        }
    }
    return decision;
}

std::optional<AssumeStep> IamIndex::can_assume(const IamCaller& caller, std::size_t role_index,
                                               bool explain) const {
    return trust_allows(caller, role_index, kAssumeRole, explain);
}

std::optional<AssumeStep> IamIndex::can_tag_session(const IamCaller& caller, std::size_t role_index) const {
    return trust_allows(caller, role_index, kTagSession, true);
}

std::optional<AssumeStep> IamIndex::trust_allows(const IamCaller& caller, std::size_t role_index,
                                                 std::string_view action, bool explain) const {
    const IamPrincipal& role = principals_[role_index];
    if (role.role == nullptr || caller.root) {
        return std::nullopt;  // eks-iam.md 10.1 row 13: the root user never assumes a role
    }
    std::vector<std::pair<const IamStatement*, TrustMatch>> allows;
    bool conditional_deny = false;
    for (const IamStatement& statement : role.role->trust.statements) {
        // IAM refuses NotPrincipal with Allow in a trust policy (warned when indexing): it admits nobody
        // here.
        if (!statement_covers_action(statement, action) || !statement.has_principal ||
            (statement.allow && statement.not_principal)) {
            continue;
        }
        TrustMatch match = match_principals(statement, caller);
        if (match.how == PrincipalMatch::kNone) {
            continue;
        }
        if (!statement.allow) {
            if (statement.condition.empty() && match.how != PrincipalMatch::kPartial) {
                return std::nullopt;  // an explicit Deny in the trust policy wins
            }
            conditional_deny = true;
            continue;
        }
        allows.emplace_back(&statement, std::move(match));
    }
    if (allows.empty()) {
        return std::nullopt;
    }
    // The caller's own explicit Denies, and its boundary's, win whichever statement admits it.
    IamDecision identity;
    std::optional<IamDecision> boundary;
    if (caller.principal) {
        const IamPrincipal& principal = principals_[*caller.principal];
        identity = identity_decision(*caller.principal, action, {role.arn, false});
        if (principal.boundary) {
            boundary = evaluate_policies(std::span(&*principal.boundary, 1), action, {role.arn, false},
                                         &principal.variables);
        }
        if (identity.effect == IamEffect::kDeny || (boundary && boundary->effect == IamEffect::kDeny)) {
            return std::nullopt;
        }
    }
    const bool cross_account = caller.account != role.account;
    // IAM-eval "at least one Allow": every Allow statement of the trust is a route of its own; a sure one
    // wins.
    std::optional<AssumeStep> best;
    PrincipalMatch best_match = PrincipalMatch::kNone;
    for (const auto& [statement, match] : allows) {
        // docs/iam.md: the caller's own policies must allow it across accounts and when the trust names only
        // the account; a trust that names the caller itself (or "*") suffices within the account.
        const bool identity_needed = cross_account || match.how == PrincipalMatch::kAccount;
        bool conditional = !statement->condition.empty() || match.how == PrincipalMatch::kPartial;
        std::string note;
        if (caller.principal) {
            if (identity_needed) {
                if (identity.effect == IamEffect::kImplicitDeny) {
                    continue;
                }
                conditional = conditional || identity.effect == IamEffect::kConditional;
            } else if (boundary && boundary->effect != IamEffect::kAllow &&
                       match.how != PrincipalMatch::kSession) {
                // IAM-eval: a grant to a role ARN is limited by the role's boundary (a grant to a session ARN
                // is not). For a user ARN, or "*", two AWS pages disagree (eks-iam.md 10.1 row 5): never a
                // false "no".
                const bool limited = caller.role && match.how == PrincipalMatch::kDirect &&
                                     boundary->effect == IamEffect::kImplicitDeny;
                if (limited) {
                    continue;
                }
                conditional = true;
                note = caller.role
                           ? fmt::format(
                                 ", if its permissions boundary (which does not allow {}) does not "
                                 "limit a trust that admits everyone",
                                 action)
                           : fmt::format(
                                 ", if the user's permissions boundary (which does not allow {}) does "
                                 "not limit a trust that names the user: AWS's pages disagree",
                                 action);
            }
        } else if (identity_needed) {
            conditional = true;
        }
        const IamEffect effect = conditional ? IamEffect::kConditional : IamEffect::kAllow;
        const bool better = !best ||
                            (best->effect == IamEffect::kConditional && effect == IamEffect::kAllow) ||
                            (best->effect == effect && match.how > best_match);
        if (!better) {
            continue;
        }
        AssumeStep step;
        step.role = role_index;
        step.trust = statement;
        step.effect = effect;
        if (caller.principal) {
            step.identity = identity;
        } else if (identity_needed) {
            step.identity = {IamEffect::kConditional, nullptr, "the caller's policies (not in the dump)"};
        }
        if (explain) {
            step.why = why_assumable(caller, action, match.how, match.session, identity_needed,
                                     step.identity.policy, statement->condition) +
                       note;
        }
        best = std::move(step);
        best_match = match.how;
    }
    if (best && conditional_deny) {
        best->effect = IamEffect::kConditional;
        if (explain) {
            best->why +=
                " (a Deny of its trust policy may apply: it has a condition, or a NotPrincipal that lists "
                "the caller without every level above it)";
        }
    }
    return best;
}

std::vector<std::size_t> IamIndex::candidate_roles(const IamCaller& caller) const {
    std::vector<std::size_t> out = trusted_everyone_;
    const auto take = [&](const auto& map, const std::string& key) {
        if (const auto found = map.find(key); found != map.end()) {
            out.insert(out.end(), found->second.begin(), found->second.end());
        }
    };
    take(trusted_arn_, lower(caller.arn));
    take(trusted_account_, caller.account);
    if (caller.role) {
        take(trusted_arn_, "session:" + caller.account + "/" + lower(caller.role_name));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

struct IamIndex::EdgeCache {
    explicit EdgeCache(std::size_t size) : once(size), edges(size) {}
    std::vector<std::once_flag> once;
    std::vector<std::vector<AssumeEdge>> edges;
};

IamIndex::~IamIndex() = default;

std::vector<AssumeEdge> IamIndex::direct_edges(const IamCaller& caller) const {
    std::vector<AssumeEdge> out;
    for (const std::size_t role : candidate_roles(caller)) {
        if (caller.principal && *caller.principal == role) {
            continue;  // a role assuming itself reaches nothing new
        }
        if (const auto step = can_assume(caller, role, false)) {
            out.push_back({static_cast<std::uint32_t>(role), step->effect != IamEffect::kAllow});
        }
    }
    return out;
}

const std::vector<AssumeEdge>& IamIndex::edges_from(std::size_t principal) const {
    std::call_once(edge_cache_->once[principal],
                   [&] { edge_cache_->edges[principal] = direct_edges(caller(principal)); });
    return edge_cache_->edges[principal];
}

std::vector<IamRoute> IamIndex::routes_from(const IamCaller& start) const {
    // Breadth first, twice: unconditional hops only, then any hop for the roles still unreached, so every
    // role gets its shortest sure path if it has one. parent[r] is the role r was assumed from (kStart: the
    // caller).
    constexpr std::uint32_t kUnreached = UINT32_MAX;
    constexpr std::uint32_t kStart = UINT32_MAX - 1;
    // A principal's own edges are cached; a single session of a role (which only its own name in a trust
    // admits) and a caller outside the dumps are asked afresh.
    const std::vector<AssumeEdge> first =
        start.principal && !start.session ? edges_from(*start.principal) : direct_edges(start);
    std::vector<std::uint32_t> parent(principals_.size(), kUnreached);
    std::vector<char> conditional(principals_.size(), 0);
    std::vector<std::uint32_t> order;
    for (const bool allow_conditional : {false, true}) {
        std::vector<char> seen(principals_.size(), 0);
        if (start.principal) {
            seen[*start.principal] = 1;
        }
        std::deque<std::uint32_t> queue;
        const auto visit = [&](std::uint32_t from, const AssumeEdge& edge) {
            if (seen[edge.role] || (edge.conditional && !allow_conditional)) {
                return;
            }
            seen[edge.role] = 1;
            queue.push_back(edge.role);
            if (parent[edge.role] == kUnreached) {
                parent[edge.role] = from;
                conditional[edge.role] =
                    static_cast<char>(edge.conditional || (from != kStart && conditional[from]));
                order.push_back(edge.role);
            }
        };
        for (const AssumeEdge& edge : first) {
            visit(kStart, edge);
        }
        while (!queue.empty()) {
            const std::uint32_t at = queue.front();
            queue.pop_front();
            for (const AssumeEdge& edge : edges_from(at)) {
                visit(at, edge);
            }
        }
    }
    std::sort(order.begin(), order.end());
    std::vector<IamRoute> out;
    out.reserve(order.size());
    for (const std::uint32_t role : order) {
        IamRoute route;
        route.conditional = conditional[role] != 0;
        for (std::uint32_t at = role; at != kStart; at = parent[at]) {
            route.roles.push_back(at);
        }
        std::reverse(route.roles.begin(), route.roles.end());
        out.push_back(std::move(route));
    }
    return out;
}

std::vector<AssumeStep> IamIndex::explain(const IamCaller& start, const IamRoute& route) const {
    std::vector<AssumeStep> steps;
    IamCaller at = start;
    for (const std::uint32_t role : route.roles) {
        if (auto step = can_assume(at, role)) {
            steps.push_back(std::move(*step));
        }
        at = caller(role);
    }
    return steps;
}

bool IamIndex::administrator(std::size_t principal) const {
    // A resource no ARN pattern but a bare wildcard matches, and an action no service has.
    return identity_decision(principal, "rbacgraph:AnyAction", {"\x01", false}).effect == IamEffect::kAllow;
}

std::vector<std::pair<std::size_t, const IamStatement*>> IamIndex::roles_trusting_service(
    std::string_view service) const {
    std::vector<std::pair<std::size_t, const IamStatement*>> out;
    for (std::size_t i = 0; i < principals_.size(); ++i) {
        if (principals_[i].role == nullptr) {
            continue;
        }
        for (const IamStatement& statement : principals_[i].role->trust.statements) {
            if (statement.allow && assume_action(statement) &&
                std::any_of(statement.principals.service.begin(), statement.principals.service.end(),
                            [&](const std::string& value) { return equal_fold(value, service); })) {
                out.emplace_back(i, &statement);
                break;
            }
        }
    }
    return out;
}

}  // namespace rbacgraph
