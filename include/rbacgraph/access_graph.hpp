#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/estate.hpp"

namespace rbacgraph {

/// The access graph as a picture sees it (`rbacgraph graph`, docs/graph.md): IAM principals, mappings,
/// Kubernetes users/groups/service accounts, bindings, roles and access policies, with the edges between
/// them.
struct AccessGraph {
    enum class Kind {
        kIamUser,
        kIamRole,
        kMapping,
        kUser,
        kGroup,
        kServiceAccount,
        kBinding,
        kRole,
        kAccessPolicy
    };

    struct Node {
        std::string id;  ///< unique and stable ("iam:arn:...", "prod/group:ops")
        Kind kind = Kind::kUser;
        std::string label;
        std::string cluster;  ///< empty for IAM principals and an unnamed cluster
        bool risky = false;   ///< cluster admin, system:masters, or a role that escalates
    };

    struct Edge {
        std::size_t from = 0;
        std::size_t to = 0;
        /// "assumes", "mapped by", "user", "group", "subject of", "grants", "policy", "irsa", "pod identity"
        std::string label;
        bool risky = false;
        bool conditional = false;
    };

    std::vector<Node> nodes;
    std::vector<Edge> edges;
};

std::string_view to_string(AccessGraph::Kind kind);

/// The whole estate's access graph.
AccessGraph build_access_graph(const Estate& estate);

/// The part of the graph connected to the nodes a focus names: an ARN, "User NAME", "Group NAME",
/// "ServiceAccount NS/NAME", or a bare name matching a user or group. Everything reachable from them, and
/// everything that reaches them. Empty when nothing matches.
AccessGraph focus_access_graph(const AccessGraph& graph, std::string_view focus);

}  // namespace rbacgraph
