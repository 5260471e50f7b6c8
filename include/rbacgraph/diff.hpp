#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph {

/// What one principal (an IAM ARN, or a Kubernetes subject) can do differently after a change.
struct AccessChange {
    std::string
        principal;  ///< the ARN (or unknown-principal label), or "User x", "Group g", "ServiceAccount ns/n"
    bool iam = false;             ///< an IAM principal (mapped through aws-auth or an access entry)
    std::string identity_before;  ///< "does not authenticate", or "username U, groups G (via ...)"
    std::string identity_after;
    std::vector<PermissionRow>
        gained;                       ///< compacted like what-can, each with the grant that causes it (head)
    std::vector<PermissionRow> lost;  ///< each with the grant that caused it (base)
    /// With gains: the highest severity of the new findings that name this principal; nullopt: none does.
    std::optional<RiskSeverity> severity;

    bool identity_changed() const { return identity_before != identity_after; }
};

/// The effective access a change grants and removes, and the findings it introduces and fixes.
struct AccessDiff {
    std::vector<AccessChange> changes;    ///< IAM principals first, then Kubernetes subjects; by name
    std::vector<Finding> new_findings;    ///< in HEAD, not in BASE (by fingerprint); suppressed ones left out
    std::vector<Finding> fixed_findings;  ///< in BASE, not in HEAD

    /// New findings at or above the threshold (nullopt: never).
    std::size_t failing(std::optional<RiskSeverity> threshold) const;
    /// Gained permissions that may be allowed (the input cannot decide).
    std::size_t undetermined_gains() const;
};

/// Compares the effective access of every principal either side maps, and the findings of both reports (the
/// same rules over BASE and HEAD). Permissions compare by scope, namespace, resource, names, verb and
/// certainty, never by the grant that gives them: moving a grant from one binding to another is no change.
AccessDiff diff_access(const Graph& base, const Graph& head, const CheckReport& base_report,
                       const CheckReport& head_report);

}  // namespace rbacgraph
