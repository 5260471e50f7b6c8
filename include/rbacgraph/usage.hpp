#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "rbacgraph/audit.hpp"
#include "rbacgraph/diff.hpp"
#include "rbacgraph/evaluate.hpp"
#include "rbacgraph/model.hpp"

namespace rbacgraph {

/// Requests aggregated per caller as they stream in: memory grows with the distinct requests of each caller,
/// never with the length of the log. Built for a graph, the names no rule of it lists are interchangeable
/// (every rule allows all of them alike), so requests that differ only in such a name share one entry and
/// keep at most kMaxNames of their names: the entries are then bounded by callers, verbs, resources and
/// namespaces.
class UsageLog {
  public:
    /// Every name is kept apart (exact, unbounded): for tests and small logs.
    UsageLog() = default;
    /// Names the graph's rules do not list share entries.
    explicit UsageLog(const Graph& graph);
    /// Keeps apart the names another graph's rules list too (diff: BASE's and HEAD's); before any add().
    void list_names_of(const Graph& graph);

    static constexpr std::size_t kMaxNames = 101;

    /// One distinct request of one caller, with how often and when it was seen.
    struct Entry {
        Request request;              ///< with the first name seen, when names are shared
        std::set<std::string> names;  ///< the names seen, at most kMaxNames
        bool more_names = false;      ///< more than kMaxNames were seen
        bool allowed = false;
        /// Not logged as such: the right to impersonate that an impersonated request needed of its caller
        /// (k8s impersonation.go checks impersonate on users, groups and serviceaccounts).
        bool impersonation = false;
        std::size_t count = 0;
        std::size_t dry_run = 0;
        std::int64_t first = 0;
        std::int64_t last = 0;
        std::optional<std::string> reason;  ///< the first authorization.k8s.io/reason seen
        SourceLocation location;            ///< the first record
    };
    /// Everyone who made requests as one identity: the same username, groups and IAM principal.
    struct Caller {
        AuditUser user;                     ///< as first seen (its session fields are one session's)
        std::vector<std::string> sessions;  ///< session names seen, at most kMaxSessions
        std::vector<std::string> access_keys;
        std::vector<std::string> impersonators;  ///< usernames that made requests as this caller
        std::unordered_map<std::string, Entry> entries;
    };
    static constexpr std::size_t kMaxSessions = 20;

    void add(AuditRequest&& request);
    /// The callers, ordered by username, then groups and ARN.
    std::vector<const Caller*> callers() const;

  private:
    void add_entry(Caller& caller, const Request& request, bool allowed, bool impersonation,
                   const AuditRequest& from);
    Caller& caller_of(const AuditUser& user);

    std::unordered_map<std::string, Caller> callers_;
    bool every_name_matters_ = true;
    std::set<std::string, std::less<>> listed_names_;  ///< names some rule lists in resourceNames
    std::string key_;                                  ///< the key being looked up, kept to reuse its buffer
};

/// A used (or refused) request of a caller, with what the export says of it.
struct UsedRequest {
    Request request;              ///< with one of its names
    std::set<std::string> names;  ///< every name seen, at most UsageLog::kMaxNames
    bool more_names = false;
    std::size_t count = 0;
    std::size_t dry_run = 0;
    std::int64_t first = 0;
    std::int64_t last = 0;
    bool impersonation = false;
    Verdict verdict = Verdict::kDenied;  ///< the export's answer for the caller
    /// What decided it in the cluster: "RBAC", "EKS access policy", "system:masters", "Node authorizer";
    /// "" when the export does not explain it.
    std::string decided_by;
    std::vector<std::string> via;  ///< every grant of the export that allows it
};

/// One grant a caller holds, and how much of it the window shows in use.
struct GrantUse {
    GrantId grant = 0;
    std::string via;
    SourceLocation location;
    std::size_t requests = 0;  ///< allowed requests it covers (every covering grant is credited)
    std::optional<std::int64_t> last;
    std::vector<bool> rules_used;  ///< per rule of the grant
    bool cluster_admin = false;
    bool builtin = false;
    const std::vector<PolicyRule>* rules = nullptr;  ///< the grant's rules (valid while the graph lives)
};

/// Granted against used, for one caller of the log.
struct CallerUsage {
    std::string kind;  ///< "IAM role", "IAM user", "ServiceAccount", "node", "Kubernetes user"
    std::string username;
    std::vector<std::string> groups;
    std::string arn;  ///< the IAM principal (canonical ARN) when the authenticator named one
    std::vector<std::string> sessions;
    Identity identity;    ///< as the export maps it, evaluated with the log's username and groups
    std::string mapping;  ///< how the export maps the principal ("" for Kubernetes identities)
    bool admin = false;   ///< holds everything cluster-wide (system:masters or cluster-admin)
    std::vector<UsedRequest> allowed;
    std::vector<UsedRequest> forbidden;
    std::vector<GrantUse> grants;          ///< every grant it holds, in table order
    std::vector<std::string> assumed_via;  ///< CloudTrail: the routes that minted its sessions
    std::vector<std::string> notes;
    bool node = false;  ///< authorized by the Node authorizer (system:nodes): not compared with RBAC
};

/// Something the log shows that the export does not explain: the export is stale or incomplete.
struct UsageFinding {
    std::string kind;  ///< "missing-binding", "unexplained-allow", "unexpected-forbid", "identity-mismatch",
                       ///< "unmapped-principal", "reason-mismatch"
    std::string caller;
    std::string message;
    SourceLocation location;  ///< the audit record
};

/// A principal the export maps that made no request in the window.
struct IdlePrincipal {
    std::string arn;
    std::string mapping;
    SourceLocation location;
    bool admin = false;
};

/// A binding or access-policy association none of whose grants served a request in the window.
struct IdleSource {
    std::string via;
    SourceLocation location;
    bool cluster_admin = false;
};

struct UsageReport {
    AuditReadStats stats;
    std::size_t cloudtrail_records = 0;
    std::size_t role_assumptions = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> gaps;  ///< hours without a request [from, to)
    std::vector<CallerUsage> callers;
    std::vector<IdlePrincipal> idle_principals;
    std::vector<IdleSource> idle_sources;  ///< of the export (built-in bindings are counted, not listed)
    std::size_t idle_builtin = 0;
    std::vector<UsageFinding> findings;
    std::size_t findings_omitted = 0;              ///< past the first 10 of each kind per caller
    std::vector<std::string> refused_assumptions;  ///< CloudTrail: role assumptions STS refused
    std::vector<std::string> caveats;              ///< what absence of use does not prove here
};

/// Compares the log's requests with the export: every request's caller resolved as the export maps it, every
/// allowed request credited to every grant that allows it, refused ones kept apart, and what the log shows
/// that the export cannot explain (usage-evidence.md 4).
UsageReport evaluate_usage(const Graph& graph, const UsageLog& log, const AuditReadStats& stats,
                           const std::vector<RoleAssumption>& assumptions,
                           std::size_t cloudtrail_records = 0);

/// The requests the log shows allowed and used that `head` refuses (or may) while `base` allows them, each
/// caller resolved in each graph as evaluate_usage resolves it: what a change would break.
std::vector<RemovedInUse> removed_in_use(const Graph& base, const Graph& head, const UsageLog& log);

/// What the log shows of check's findings (`check --audit`): of a finding on a binding, an access-policy
/// association or an aws-auth mapping, whether it served requests in the window and whether the rule it cites
/// did; of the IAM principals it names, whether they made requests. One line each, in Finding::evidence.
void add_evidence(std::vector<Finding>& findings, const UsageReport& usage);

struct SuggestOptions {
    /// resourceNames are kept where a verb on a resource was used on at most this many names (and never
    /// without a name); more names grant the verb on every name. At most kMaxNames - 1.
    std::size_t max_names = 5;
};

/// The least-privilege roles that allow exactly what one caller was seen to do, checked by the grant table.
struct RoleSuggestion {
    std::string caller;  ///< "User dev-alice", "ServiceAccount security/scanner"
    Subject subject;
    std::string username;             ///< the caller's, which the subject names
    std::vector<std::string> groups;  ///< the groups it keeps: those every caller of its kind has
    std::vector<Role> roles;
    std::vector<Binding> bindings;
    /// How the caller's mapping changes so that the roles replace what it holds now (aws-auth or access
    /// entry), or which bindings to take it out of.
    std::vector<std::string> mapping_change;
    /// What it holds now and would no longer hold, each with what of it was used.
    std::vector<std::string> removes;
    /// Requests left out: allowed to the groups it keeps (API discovery, self reviews).
    std::vector<std::string> already_allowed;
    /// Verbs on more names than max_names, granted on every name.
    std::vector<std::string> widened;
    std::size_t verified = 0;           ///< used requests the roles allow (asked of the grant table)
    std::vector<std::string> failures;  ///< used requests they do not allow (a defect if ever non-empty)
};

/// A suggestion for every caller that holds more than it used (nodes and callers whose use the export cannot
/// explain are left out, with a note in their usage).
std::vector<RoleSuggestion> suggest_roles(const Graph& graph, const UsageReport& report,
                                          const SuggestOptions& options = {});

/// The grant table's answers for requests under a suggestion alone (with the objects every cluster has, when
/// the graph adds them), for the caller as the suggestion binds it: what the verification and the property
/// test ask.
std::vector<Decision> suggestion_decisions(const Graph& graph, const RoleSuggestion& suggestion,
                                           const std::vector<Request>& requests);

}  // namespace rbacgraph
