#pragma once
// rbacgraph migrate: the EKS access entries that reproduce a cluster's aws-auth mappings, and the proof that
// the cluster grants the same after each authentication-mode step (docs/migrate.md).

#include <optional>
#include <string>
#include <vector>

#include "rbacgraph/diff.hpp"
#include "rbacgraph/graph.hpp"

namespace rbacgraph {

/// One access entry the plan creates, with its access-policy associations.
struct PlannedAccessEntry {
    /// The aws-auth entry it reproduces; nullptr for the cluster creator's, which EKS itself creates from the
    /// hidden creator mapping when a CONFIG_MAP cluster moves to an API mode (eks-iam.md 6).
    const AwsAuthEntry* source = nullptr;
    AccessEntry entry;  ///< principal_arn, type, username (only when custom), kubernetes_groups
    std::vector<AccessPolicyAssociation> policies;
    /// What the entry cannot carry of the mapping, each in words (a system: group, a reserved username).
    std::vector<std::string> differences;
    bool created_by_eks = false;  ///< the creator's entry: listed, not a command to run
};

/// An aws-auth entry, or a mapAccounts account, that does not become an access entry.
struct UnmovedMapping {
    SourceLocation location;
    std::string mapping;  ///< "mapRoles arn:...", "mapUsers arn:...", "mapAccounts 111122223333"
    std::string reason;
    /// It grants access today: the API step ends it (false: shadowed or unmatchable, it grants nothing now).
    bool in_force = false;
    /// mapAccounts: principals of the account's IAM dump that only it admits (they lose access at the API
    /// step); empty without a dump of that account.
    std::vector<std::string> principals;
};

/// One authentication-mode step, applied to the model and compared with the cluster as it is.
struct MigrationStep {
    AuthenticationMode mode = AuthenticationMode::kApiAndConfigMap;
    AccessDiff diff;
    /// IAM principals admitted only by mapAccounts that this step locks out (the diff compares mapped
    /// principals; these are named by the plan).
    std::vector<std::string> locked_out;

    bool unchanged() const { return diff.changes.empty() && locked_out.empty(); }
};

struct MigrationPlan {
    std::string cluster;      ///< describe-cluster's name ("" when the input does not say)
    std::string cluster_arn;  ///< describe-cluster's ARN (its region names where eksctl works)
    AuthenticationMode mode_before = AuthenticationMode::kUnknown;
    std::vector<PlannedAccessEntry> entries;
    std::vector<UnmovedMapping> unmoved;
    std::vector<MigrationStep> steps;  ///< the mode steps still to take: API_AND_CONFIG_MAP, then API
    /// A cluster already in API_AND_CONFIG_MAP: the step to API taken now, without the planned entries (who
    /// would be locked out; node identities first).
    std::optional<MigrationStep> api_now;
    std::vector<std::string> notes;

    /// Every step grants exactly what the cluster grants now.
    bool equivalent() const;
    /// Gained or lost permissions the input cannot decide (an unpublished access policy).
    bool undetermined() const;
};

/// Plans the move off aws-auth for one cluster and proves each step with the diff engine: the entries are
/// added to the model, the mode set, and the result compared with the graph as it is (`run` rates gains as
/// diff does).
MigrationPlan plan_migration(const Graph& graph, const CheckRun& run);

/// The graph's export with the plan applied: its access entries and policies added, the mode set.
Export migrated_export(const Graph& graph, const MigrationPlan& plan, AuthenticationMode mode);

}  // namespace rbacgraph
