#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rbacgraph/check.hpp"
#include "rbacgraph/estate.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph {

/// What one principal (an IAM ARN, or a Kubernetes subject) can do differently after a change.
struct AccessChange {
    std::string
        principal;  ///< the ARN (or unknown-principal label), or "User x", "Group g", "ServiceAccount ns/n"
    bool iam = false;             ///< an IAM principal (mapped through aws-auth or an access entry)
    std::string cluster;          ///< the cluster it changes in (empty for a single unnamed cluster)
    std::string identity_before;  ///< "does not authenticate", or "username U, groups G (via ...)"
    std::string identity_after;
    std::string username_before;  ///< an IAM principal's Kubernetes username ("" for none)
    std::string username_after;
    std::vector<std::string> groups_before;  ///< an IAM principal's Kubernetes groups (as identity_*)
    std::vector<std::string> groups_after;
    std::vector<PermissionRow>
        gained;                       ///< compacted like what-can, each with the grant that causes it (head)
    std::vector<PermissionRow> lost;  ///< each with the grant that caused it (base)
    /// BASE's rows HEAD no longer lists but still allows through a wider grant (system:masters, a '*'): not
    /// lost, not counted as losses, shown so the reader sees where they went.
    std::vector<PermissionRow> subsumed;
    /// HEAD's rows BASE did not list but already allowed through a wider grant: not gained, not counted.
    std::vector<PermissionRow> already_allowed;
    /// With gains: the highest severity of the new or widened findings that name this principal (in its
    /// cluster); nullopt: none does.
    std::optional<RiskSeverity> severity;
    /// IAM principals of the dumps that reach this principal (a role) by sts:AssumeRole, as routes
    /// ("alice -> developers -> ci"); from HEAD's dumps, or BASE's when the change only removes access.
    std::vector<std::string> reached_by;
    /// The roles this principal reaches changed between BASE's and HEAD's IAM dumps: its rows are then those
    /// of every role it reaches (each row's grant names the route), not only its own.
    bool routes_changed = false;
    /// With routes_changed: the roles it reaches in HEAD (findings that name them rate its gains too).
    std::vector<std::string> reaches;

    bool identity_changed() const { return identity_before != identity_after; }
};

/// A finding both sides have (one fingerprint) whose holders or severity the change altered. Its message
/// is not compared: it names files and lines, which differ between two checkouts.
struct ChangedFinding {
    Finding finding;  ///< HEAD's
    std::string message_before;
    std::optional<RiskSeverity> severity_before;
    /// ARNs and subjects that hold it in HEAD and did not in BASE.
    std::vector<std::string> new_holders;
    /// ARNs and subjects that held it in BASE and no longer do.
    std::vector<std::string> former_holders;

    /// It now reaches someone it did not, or rose in severity: the gate counts it like a new finding (a
    /// ClusterRoleBinding that lets one more IAM role read every secret).
    bool widened() const;
};

/// A request the audit log shows allowed and used that HEAD would refuse: the change breaks a caller
/// (`diff --audit`, docs/usage.md).
struct RemovedInUse {
    std::string caller;  ///< "dev-alice (arn:...:role/developer)"
    Request request;
    std::size_t count = 0;
    std::int64_t last = 0;         ///< microseconds since the epoch
    std::vector<std::string> via;  ///< BASE's grants that allow it
    bool undetermined = false;     ///< HEAD may still allow it: the input cannot decide
    SourceLocation location;       ///< the first audit record of it
};

/// The effective access a change grants and removes, and the findings it introduces and fixes.
struct AccessDiff {
    std::vector<AccessChange> changes;    ///< cluster by cluster: IAM principals, then Kubernetes subjects
    std::vector<Finding> new_findings;    ///< in HEAD, not in BASE (by fingerprint); suppressed ones left out
    std::vector<Finding> fixed_findings;  ///< in BASE, not in HEAD
    std::vector<ChangedFinding> changed_findings;
    /// With audit logs: the used requests HEAD refuses (certain ones first).
    std::vector<RemovedInUse> removed_in_use;
    bool audited = false;  ///< audit logs were compared (removed_in_use is meaningful)

    /// New and widened findings at or above the threshold, and used requests HEAD refuses (at any threshold
    /// but never) (nullopt: never).
    std::size_t failing(std::optional<RiskSeverity> threshold) const;
    /// Gained permissions that may be allowed (the input cannot decide).
    std::size_t undetermined_gains() const;
};

/// Compares the effective access of every principal either side maps, and the findings of both reports (the
/// same rules over BASE and HEAD). Permissions compare by scope, namespace, resource, names, verb and
/// certainty, never by the grant that gives them: moving a grant from one binding to another is no change.
/// A grant whose rules are not published compares as one undetermined permission of its own.
AccessDiff diff_access(const Graph& base, const Graph& head, const CheckReport& base_report,
                       const CheckReport& head_report);

/// The same over two estates: clusters pair by name (a cluster on one side only is compared with an empty
/// one), and with IAM dumps, each changed role says who reaches it and a principal whose assume-role routes
/// changed gets the access of the roles it now reaches or no longer reaches.
AccessDiff diff_access(const Estate& base, const Estate& head, const CheckReport& base_report,
                       const CheckReport& head_report);

}  // namespace rbacgraph
