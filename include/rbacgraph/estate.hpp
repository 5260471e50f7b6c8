#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/evaluate.hpp"
#include "rbacgraph/iam.hpp"
#include "rbacgraph/identity.hpp"
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
    /// Problems found while indexing the IAM dumps (a principal given twice).
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

  private:
    std::vector<Cluster> clusters_;
    std::unique_ptr<const std::vector<IamAccountDetails>> iam_;
    std::vector<Diagnostic> diagnostics_;
    std::unique_ptr<const IamIndex> iam_index_;
};

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

/// what-can over the estate: for every cluster, what each hop (the principal, the roles it reaches) can do.
struct EstateWhatCan {
    std::string arn;
    std::vector<IamHop> hops;
    struct Answer {
        const Cluster* cluster = nullptr;
        std::size_t hop = 0;
        WhatCan result;  ///< result.identity tells why a hop does not authenticate
    };
    std::vector<Answer> answers;  ///< cluster by cluster, hops in order
};

EstateWhatCan what_can_estate(const Estate& estate, std::string_view arn);

/// can-i over the estate: per cluster, the first hop allowed (a sure route before a conditional one).
struct EstateCanI {
    std::string arn;
    std::vector<IamHop> hops;
    struct Answer {
        const Cluster* cluster = nullptr;
        std::size_t hop = 0;  ///< the allowing hop, or 0 (the principal itself) when none allows
        Identity identity;
        Decision decision;
        /// Allowed only through a route that hinges on a condition: "conditional", not "yes".
        bool conditional = false;
    };
    std::vector<Answer> answers;  ///< one per cluster

    /// Some cluster allows it by a route without conditions.
    bool allowed_anywhere() const;
};

EstateCanI can_i_estate(const Estate& estate, std::string_view arn, const Request& request, bool all_grants);

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
