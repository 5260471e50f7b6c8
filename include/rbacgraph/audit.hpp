#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rbacgraph/diagnostics.hpp"
#include "rbacgraph/grants.hpp"
#include "rbacgraph/load.hpp"

namespace rbacgraph {

/// The caller of a request as an audit event records it (audit.k8s.io/v1 UserInfo), with the extras
/// aws-iam-authenticator sets (pkg/server/server.go; usage-evidence.md 2.2).
struct AuditUser {
    std::string username;
    std::string uid;
    std::vector<std::string> groups;
    std::string arn;            ///< extra.arn: the STS caller ARN, session name as the caller gave it
    std::string canonical_arn;  ///< extra.canonicalArn: the role or user ARN without path
    std::string principal_id;   ///< extra.principalId (or sigs.k8s.io/aws-iam-authenticator/principalId)
    std::string session_name;   ///< extra.sessionName
    std::string access_key_id;  ///< extra.accessKeyId: joins the STS call that minted the session

    bool operator==(const AuditUser&) const = default;
};

/// audit.k8s.io/v1 Stage.
enum class AuditStage : std::uint8_t {
    kRequestReceived,
    kResponseStarted,
    kResponseComplete,
    kPanic,
    kOther
};

/// One audit event as read, before the stage rule picks the record that counts for its request.
struct AuditEvent {
    std::string audit_id;
    AuditStage stage = AuditStage::kOther;
    std::string level;
    std::string verb;
    std::string request_uri;
    AuditUser user;
    std::optional<AuditUser> impersonated_user;
    bool has_object_ref = false;
    std::string resource;
    std::string subresource;
    std::string ns;
    std::string name;
    std::string api_group;
    int code = 0;                          ///< responseStatus.code; 0 when absent
    std::optional<std::string> decision;   ///< annotations["authorization.k8s.io/decision"]
    std::optional<std::string> reason;     ///< annotations["authorization.k8s.io/reason"]
    std::optional<std::int64_t> received;  ///< requestReceivedTimestamp, microseconds since the epoch

    bool operator==(const AuditEvent&) const = default;
};

/// Reads one event (a JSON object) as the API server wrote it; the error names the field that is wrong.
/// Built with simdjson when available (RBACGRAPH_SIMDJSON), else the reference reader below.
std::variant<AuditEvent, std::string> decode_audit_event(std::string_view json);
/// The same with nlohmann::json: the oracle the fast reader is compared with (tests, fuzzing).
std::variant<AuditEvent, std::string> decode_audit_event_reference(std::string_view json);
/// Whether decode_audit_event is the simdjson reader.
bool audit_reader_is_simdjson();

/// RFC 3339 time ("2026-06-03T09:12:01.123456Z", "2026-06-03T09:00:06+00:00") in microseconds since the
/// epoch; nullopt when it is not one.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);
/// "2026-06-03T09:12:01Z" (seconds; the fraction when not zero).
std::string format_rfc3339(std::int64_t micros);

/// One request as the authorizer saw it: the record that counts for one auditID (usage-evidence.md 1).
struct AuditRequest {
    std::string audit_id;
    std::int64_t time = 0;  ///< requestReceivedTimestamp, microseconds since the epoch
    AuditUser user;         ///< who authorization ran as: the impersonated user when there is one
    std::optional<AuditUser> impersonator;  ///< the authenticated caller of an impersonated request
    Request request;
    bool allowed = false;
    std::optional<std::string> reason;
    int code = 0;
    bool dry_run = false;  ///< ?dryRun=All: authorized and logged like a real request
    SourceLocation location;
};

/// What reading the logs saw: the window, what was counted and what was not, and why.
struct AuditReadStats {
    std::size_t files = 0;
    std::size_t events = 0;    ///< audit events read
    std::size_t requests = 0;  ///< records counted: one per auditID
    std::size_t allowed = 0;
    std::size_t forbidden = 0;
    std::size_t request_received = 0;  ///< RequestReceived events: never counted (no decision yet)
    std::size_t stages_merged = 0;     ///< a second stage of a request already counted
    std::size_t duplicates = 0;        ///< the same record twice (CloudWatch delivers some twice)
    std::size_t unauthenticated = 0;   ///< 401s and events without a user: no identity, not usage
    std::size_t no_decision = 0;  ///< refused before authorization (429, 5xx) or by the authorizer's error
    std::size_t invalid = 0;      ///< events that could not be read (each has a diagnostic)
    std::size_t dry_run = 0;
    std::optional<std::int64_t> first;  ///< earliest requestReceivedTimestamp counted
    std::optional<std::int64_t> last;
    std::set<std::int64_t> hours;               ///< hours (since the epoch) that hold a counted request
    std::map<std::string, std::size_t> levels;  ///< counted requests by audit level
};

/// Reads audit logs in every shape usage-evidence.md 2.3 lists, streaming where the shape is a stream: JSON
/// lines of Events, CloudWatch Logs S3 exports ("<time> <event>" lines, gzip), and the documents `aws logs
/// filter-log-events` / `get-log-events` and Logs Insights print, and an audit EventList. Gzip is read by
/// its magic bytes. Each request reaches the sink once (usage-evidence.md 1: ResponseComplete or Panic, else
/// ResponseStarted; never RequestReceived).
class AuditReader {
  public:
    using Sink = std::function<void(AuditRequest&&)>;
    explicit AuditReader(Sink sink, LoadLimits limits = {});
    ~AuditReader();
    AuditReader(const AuditReader&) = delete;
    AuditReader& operator=(const AuditReader&) = delete;

    /// A file, "-" for stdin, or a directory (every file in it, recursively, in name order).
    void read_path(const std::string& path);
    /// One buffer as if it were the file `file`.
    void read_text(std::string_view text, const FileName& file);

    const AuditReadStats& stats() const;
    /// Problems with the input: each names the file, line and, when known, the auditID.
    const std::vector<Diagnostic>& diagnostics() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

/// One CloudTrail record of a role being assumed (sts AssumeRole, AssumeRoleWithWebIdentity,
/// AssumeRoleWithSAML; eks-auth AssumeRoleForPodIdentity), usage-evidence.md 3.
struct RoleAssumption {
    std::string event;  ///< eventName
    std::string event_source;
    std::int64_t time = 0;
    std::string caller_type;  ///< userIdentity.type
    std::string caller_arn;   ///< userIdentity.arn (web identity: the token's subject)
    std::string invoked_by;   ///< userIdentity.invokedBy ("pods.eks.amazonaws.com")
    std::string role_arn;     ///< requestParameters.roleArn (path kept)
    std::string session_name;
    std::string assumed_role_arn;  ///< responseElements.assumedRoleUser.arn
    std::string access_key_id;     ///< responseElements.credentials.accessKeyId
    std::string caller_key_id;     ///< userIdentity.accessKeyId: the session that made the call
    std::string error_code;        ///< set: the route was tried and refused
    std::string cluster;           ///< AssumeRoleForPodIdentity's clusterName, or the eks-cluster-name tag
    std::string pod_namespace;     ///< Pod Identity session tags
    std::string pod_service_account;
    SourceLocation location;
};

/// Reads CloudTrail: trail files ({"Records": [...]}, gzip or not) and `aws cloudtrail lookup-events` output
/// ({"Events": [{"CloudTrailEvent": "<record>"}]}); records other than role assumptions are counted, not
/// kept.
struct CloudTrailRead {
    std::vector<RoleAssumption> assumptions;
    std::size_t records = 0;
    std::vector<Diagnostic> diagnostics;
};
void read_cloudtrail_path(const std::string& path, CloudTrailRead& out, const LoadLimits& limits = {});
void read_cloudtrail_text(std::string_view text, const FileName& file, CloudTrailRead& out);

}  // namespace rbacgraph
