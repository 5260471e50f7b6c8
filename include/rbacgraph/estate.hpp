#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/evaluate.hpp"
#include "rbacgraph/iam.hpp"
#include "rbacgraph/identity.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph {

/// One cluster of the estate: its name (empty for the single unnamed cluster) and its graph.
struct Cluster {
    std::string name;
    std::shared_ptr<const Graph> graph;
};

/// Every cluster of a run and the IAM dumps they share (docs/estate.md).
class Estate {
  public:
    Estate(std::vector<Cluster> clusters, std::vector<IamAccountDetails> iam);
    Estate(const Estate&) = delete;
    Estate& operator=(const Estate&) = delete;

    const std::vector<Cluster>& clusters() const { return clusters_; }
    const IamIndex& iam() const { return *iam_index_; }
    bool has_iam() const { return !iam_index_->empty(); }
    /// One unnamed cluster and no IAM dump: answers keep the single-cluster form.
    bool single() const { return clusters_.size() == 1 && clusters_.front().name.empty() && !has_iam(); }
    /// Problems found while indexing the IAM dumps (a principal given twice).
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

  private:
    std::vector<Cluster> clusters_;
    std::unique_ptr<const std::vector<IamAccountDetails>> iam_;
    std::vector<Diagnostic> diagnostics_;
    std::unique_ptr<const IamIndex> iam_index_;
};

/// A ServiceAccount whose pods receive an IAM role's credentials (eks-iam.md 9.4, 9.7): an IRSA annotation,
/// an IRSA trust that admits the ServiceAccount without one, or an EKS Pod Identity association.
struct WorkloadRole {
    enum class Via { kIrsaAnnotation, kIrsaTrust, kPodIdentity };
    Via via = Via::kIrsaAnnotation;
    std::string ns;
    std::string service_account;
    /// The role whose credentials the pods hold (Pod Identity with a target role: the target); empty when the
    /// input does not name it (list-pod-identity-associations).
    std::string role_arn;
    std::string association_role_arn;  ///< Pod Identity with targetRoleArn: the role EKS assumes first
    /// Whether the role's trust admits the pods: kAllow, kConditional, or kDeny/kImplicitDeny (then they get
    /// nothing); nullopt when no IAM dump holds the role, so the trust is unknown and assumed to admit them.
    std::optional<IamEffect> trust;
    std::string why;  ///< the trust decision, or why it is unknown
    SourceLocation location;
    const std::map<std::string, std::string>* annotations = nullptr;  ///< the ServiceAccount's, when exported

    /// The pods may hold the role (the trust admits them, may admit them, or is unknown).
    bool may_grant() const {
        return !trust || *trust == IamEffect::kAllow || *trust == IamEffect::kConditional;
    }
    /// "IRSA annotation", "IRSA trust", "Pod Identity association"
    std::string_view via_text() const;
    /// "ServiceAccount ns/name"
    std::string subject() const;
    /// The trust decision for messages: "the trust of ... admits ...", "conditional: ...", "trust not
    /// checked:
    /// ...".
    std::string trust_text() const;
};

/// Every ServiceAccount -> IAM role edge of one cluster, with the trust evaluated when the IAM dumps hold the
/// role (iam may be null).
std::vector<WorkloadRole> workload_roles(const Graph& graph, const IamIndex* iam);

/// One cluster's inputs: its name (empty for the single unnamed cluster) and its files or directories.
struct ClusterInput {
    std::string name;
    std::vector<std::string> paths;
};

/// What a run reads: its clusters, and files every cluster shares (IAM dumps only).
struct EstateInput {
    std::vector<ClusterInput> clusters;
    std::vector<std::string> shared_paths;
    LoadOptions load;
    GraphOptions graph;
    /// How the caller names the option that makes a path a cluster, for the error about cluster objects among
    /// shared paths (the CLI says "--cluster NAME=PATH").
    std::string cluster_option = "a named cluster";
};

/// The estate a run reads, with everything said about its input.
struct LoadedEstate {
    std::shared_ptr<const Estate> estate;
    /// Every diagnostic: each cluster's loader and graph, the shared files, the IAM index.
    std::vector<Diagnostic> diagnostics;
    std::optional<Export> shared;  ///< the shared files (their IAM dumps moved into the estate)
    LoadSummary summary;           ///< counts over every cluster and the shared files
    /// The input holds an access definition rbacgraph understood: RBAC objects, aws-auth, an EKS cluster
    /// description, access entries or policies, or an IAM dump (the objects every cluster has do not count).
    bool evaluable = false;
};

/// Loads every cluster (each path set into one graph) and the shared IAM dumps into one estate.
LoadedEstate load_estate(const EstateInput& input);

/// The clusters of a directory: each subdirectory, named after it, in name order.
std::vector<ClusterInput> clusters_in_directory(const std::string& directory,
                                                std::vector<Diagnostic>& diagnostics);

/// The input files directly in a directory of clusters (not in a cluster's subdirectory): IAM dumps every
/// cluster shares, in name order.
std::vector<std::string> shared_files_in_directory(const std::string& directory);

/// For an input with nothing to evaluate: what it holds instead, and what to run to get an access definition.
std::string nothing_to_evaluate(const LoadedEstate& loaded);

/// A principal an IAM principal can act as: itself (no steps) or a role it reaches by sts:AssumeRole.
struct IamHop {
    std::string arn;  ///< the principal acted as (a role ARN for a reached role)
    IamRoute route;   ///< empty steps: the principal itself
};

/// The principal itself, then every role it reaches (when the estate has IAM dumps), in ARN order.
std::vector<IamHop> iam_hops(const Estate& estate, std::string_view arn);

/// "alice -> developers -> admin" from the principal's ARN and the route.
std::string describe_route(const Estate& estate, std::string_view start_arn, const IamRoute& route);

/// IAM principals of the dumps that reach a role (by ARN, or its session ARN form), each with its route.
struct Reacher {
    std::size_t principal = 0;
    IamRoute route;
};

/// For every role of the dumps, the principals that reach it; computed once for who-can and the rules.
class ReachIndex {
  public:
    explicit ReachIndex(const IamIndex& iam);
    /// The principals reaching the role that a (canonical) ARN names; empty when not a role of the dumps.
    const std::vector<Reacher>& reachers(std::string_view role_arn) const;

  private:
    const IamIndex* iam_;
    std::vector<std::vector<Reacher>> by_role_;
};

/// Who a question is about: an IAM ARN (followed through sts:AssumeRole to the roles it reaches when the
/// estate has IAM dumps), or a Kubernetes user with its groups, asked as it is in every cluster.
struct Asker {
    std::string arn{};
    std::string user{};
    std::vector<std::string> groups{};
    std::optional<OidcAsk> oidc{};  ///< a user of an OIDC identity provider (arn and user empty)

    bool kubernetes_user() const { return arn.empty(); }
};

/// what-can over the estate: for every cluster, what each hop (the principal, the roles it reaches) can do. A
/// single cluster is an estate of one; a Kubernetes user has one hop, itself.
struct EstateWhatCan {
    Asker asker;
    std::string arn;  ///< the ARN asked about (empty for a Kubernetes user)
    std::vector<IamHop> hops;
    struct Answer {
        const Cluster* cluster = nullptr;
        std::size_t hop = 0;
        WhatCan result;  ///< result.identity tells why a hop does not authenticate
    };
    std::vector<Answer> answers;  ///< cluster by cluster, hops in order
    /// A ServiceAccount asked about: the IAM roles its pods receive, and what each role is in every cluster
    /// and (with IAM dumps) in AWS (eks-iam.md 7 row 15).
    struct AwsRole {
        const Cluster* cluster = nullptr;  ///< the cluster whose ServiceAccount it is
        WorkloadRole edge;
        struct Mapped {
            const Cluster* cluster = nullptr;
            Identity identity;
            bool admin = false;  ///< allowed a request no rule names: system:masters or '*' everywhere
        };
        std::vector<Mapped> mapped;  ///< the clusters where the role authenticates
        /// "may call every AWS action", "holds what its IAM policies allow", "not in the IAM dumps"
        std::string aws;
    };
    std::vector<AwsRole> aws_roles;
};

EstateWhatCan what_can_estate(const Estate& estate, const Asker& asker);
EstateWhatCan what_can_estate(const Estate& estate, std::string_view arn);

/// can-i over the estate: per cluster, the first hop allowed (a sure route before a conditional one).
struct EstateCanI {
    Asker asker;
    std::string arn;  ///< the ARN asked about (empty for a Kubernetes user)
    std::vector<IamHop> hops;
    struct Answer {
        const Cluster* cluster = nullptr;
        std::size_t hop = 0;  ///< the allowing hop, or 0 (the principal itself) when none allows
        Identity identity;
        Decision decision;
        /// The route to this hop hinges on a condition: an allowing answer is "conditional", not "yes".
        bool conditional = false;

        /// Allowed, denied, or undetermined (which a conditional route's allowing answer is).
        Verdict verdict() const;
    };
    std::vector<Answer> answers;  ///< one per cluster

    /// Some cluster allows it by a route without conditions.
    bool allowed_anywhere() const;
    /// Allowed somewhere by a route without conditions; else undetermined if any cluster's answer is (or is
    /// conditional); else denied.
    Verdict verdict() const;
};

EstateCanI can_i_estate(const Estate& estate, const Asker& asker, const Request& request, bool all_grants);
EstateCanI can_i_estate(const Estate& estate, std::string_view arn, const Request& request, bool all_grants);
/// can-i over a resolved request: a "no" over words in doubt is undetermined (apply_request_doubts).
EstateCanI can_i_estate(const Estate& estate, const Asker& asker, const ResolvedRequest& request,
                        bool all_grants);

/// The API resources the estate's clusters can name (catalog_of over every cluster's input).
ApiCatalog catalog_of(const Estate& estate);

/// who-can over the estate: per cluster, the answer and the IAM principals that reach each allowed ARN.
struct EstateWhoCan {
    struct Answer {
        const Cluster* cluster = nullptr;
        WhoCan result;
        /// Parallel to result.principals: who reaches that ARN by sts:AssumeRole.
        std::vector<std::vector<const Reacher*>> reachers;
    };
    std::vector<Answer> answers;
};

EstateWhoCan who_can_estate(const Estate& estate, const ReachIndex& reach, const Request& request);

}  // namespace rbacgraph
