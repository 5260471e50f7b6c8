#include "rbacgraph/access_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "rbacgraph/arn.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

class Builder {
  public:
    explicit Builder(AccessGraph& graph) : graph_(graph) {}

    std::size_t node(const std::string& id, AccessGraph::Kind kind, std::string label,
                     std::string cluster = {}, bool risky = false) {
        const auto [found, inserted] = index_.try_emplace(id, graph_.nodes.size());
        if (inserted) {
            graph_.nodes.push_back({id, kind, std::move(label), std::move(cluster), risky});
        } else if (risky) {
            graph_.nodes[found->second].risky = true;
        }
        return found->second;
    }

    // At most one edge joins two nodes: the kinds of the two ends decide its label.
    void edge(std::size_t from, std::size_t to, std::string label, bool conditional = false,
              bool into_admin = true) {
        if (edges_.insert((static_cast<std::uint64_t>(from) << 32) | to).second) {
            graph_.edges.push_back({from, to, std::move(label), false, conditional});
            leads_to_admin_.push_back(into_admin ? 1 : 0);
        }
    }

    // The ways into cluster admin: a node is risky when it is cluster admin (system:masters, a role or access
    // policy that allows everything) or when an edge from it leads to a risky node, and every edge into a
    // risky node that leads there is red. A RoleBinding to cluster-admin leads to one namespace only: that
    // edge is not a way into cluster admin (its role is still drawn red).
    void mark_risky_edges() {
        std::vector<std::vector<std::size_t>> incoming(graph_.nodes.size());
        for (std::size_t e = 0; e < graph_.edges.size(); ++e) {
            if (leads_to_admin_[e]) {
                incoming[graph_.edges[e].to].push_back(e);
            }
        }
        std::vector<std::size_t> queue;
        for (std::size_t n = 0; n < graph_.nodes.size(); ++n) {
            if (graph_.nodes[n].risky) {
                queue.push_back(n);
            }
        }
        while (!queue.empty()) {
            const std::size_t at = queue.back();
            queue.pop_back();
            for (const std::size_t e : incoming[at]) {
                AccessGraph::Edge& edge = graph_.edges[e];
                edge.risky = true;
                if (!graph_.nodes[edge.from].risky) {
                    graph_.nodes[edge.from].risky = true;
                    queue.push_back(edge.from);
                }
            }
        }
    }

  private:
    AccessGraph& graph_;
    std::unordered_map<std::string, std::size_t> index_;
    std::unordered_set<std::uint64_t> edges_;
    std::vector<char> leads_to_admin_;  ///< per edge: a path through it can end in cluster admin
};

std::size_t principal_node(Builder& builder, const Estate& estate, const std::string& arn) {
    if (estate.has_iam()) {
        if (const auto found = estate.iam().find(arn)) {
            const IamPrincipal& principal = estate.iam().principals()[*found];
            return builder.node("iam:" + principal.arn,
                                principal.kind == IamPrincipal::Kind::kUser ? AccessGraph::Kind::kIamUser
                                                                            : AccessGraph::Kind::kIamRole,
                                principal.arn);
        }
    }
    const bool role = arn.find(":role/") != std::string::npos;
    return builder.node("iam:" + arn, role ? AccessGraph::Kind::kIamRole : AccessGraph::Kind::kIamUser, arn);
}

void add_cluster(Builder& builder, const Estate& estate, const Cluster& cluster) {
    const Graph& graph = *cluster.graph;
    const GrantTable& grants = graph.grants();
    const std::string prefix = cluster.name.empty() ? std::string() : cluster.name + "/";
    const auto subject_node = [&](std::string_view kind, const std::string& name) {
        const bool masters = kind == "Group" && name == "system:masters";
        const AccessGraph::Kind node_kind = kind == "User"    ? AccessGraph::Kind::kUser
                                            : kind == "Group" ? AccessGraph::Kind::kGroup
                                                              : AccessGraph::Kind::kServiceAccount;
        return builder.node(fmt::format("{}{}:{}", prefix, kind, name), node_kind,
                            fmt::format("{} {}", kind, name), cluster.name, masters);
    };
    const auto holder_node = [&](const Grant& grant) {
        const Subject subject = grant.subject();
        return subject_node(
            subject.kind, subject.kind == "ServiceAccount" ? subject.ns + "/" + subject.name : subject.name);
    };
    for (std::size_t b = 0; b < grants.binding_count(); ++b) {
        const GrantTable::BindingSource source = grants.binding_source(b);
        const Binding& binding = *source.binding;
        if (binding.location.origin == Origin::kBuiltin) {
            continue;  // the picture is of the export; a built-in role it references is drawn as such
        }
        const std::size_t binding_node =
            builder.node(prefix + "binding:" + binding.display(), AccessGraph::Kind::kBinding,
                         binding.display(), cluster.name);
        if (source.role != nullptr) {
            const bool builtin = source.role->location.origin == Origin::kBuiltin;
            const bool everything = !source.grants.empty() && grants.grant(source.grants.first).everything;
            const std::size_t role_node = builder.node(
                prefix + "role:" + source.role->display(), AccessGraph::Kind::kRole,
                source.role->display() + (builtin ? " (built in)" : ""), cluster.name, everything);
            // A RoleBinding hands its role out in one namespace: not a way into cluster admin.
            builder.edge(binding_node, role_node, "grants", false, binding.cluster_scoped);
        }
        // Only subjects that can match anybody are drawn: the grant table's holders.
        for (const GrantId id : source.grants) {
            builder.edge(holder_node(grants.grant(id)), binding_node, "subject of");
        }
    }
    // Every identity has system:authenticated; draw it only where a binding of the export names it.
    const std::span<const GrantId> authenticated = grants.held_by(HolderKind::kGroup, "system:authenticated");
    const bool authenticated_bound = std::any_of(authenticated.begin(), authenticated.end(), [&](GrantId id) {
        return grants.grant(id).binding->location.origin != Origin::kBuiltin;
    });
    const MappedAccess access(graph);
    for (const Authorizer& authorizer : access.authorizers()) {
        const Identity& identity = authorizer.identity();
        const std::size_t arn = principal_node(builder, estate, identity.arn);
        const std::size_t mapping = builder.node(prefix + "mapping:" + ascii_lower(identity.canonical_arn),
                                                 AccessGraph::Kind::kMapping, identity.source_detail,
                                                 cluster.name, identity.is_masters());
        builder.edge(arn, mapping, "mapped by");
        builder.edge(mapping, subject_node("User", identity.username.display()), "user");
        for (const IdentityValue& group : identity.groups) {
            const std::string name = group.display();
            if (name != "system:authenticated" || authenticated_bound) {
                builder.edge(mapping, subject_node("Group", name), "group");
            }
        }
        for (const HeldGrant& match : authorizer.held()) {
            const Grant held = grants.grant(match.grant);
            if (held.source == GrantSource::kBinding) {
                // A templated username (dev-{{SessionName}}) reaches the users its sessions can be: drawn as
                // the name it reaches, with the session that reaches it (what what-can answers); dashed when
                // only a value unknown offline would match. Literal names and groups are drawn above.
                if (!match.witness.empty() || match.undetermined) {
                    if (held.binding->location.origin == Origin::kBuiltin) {
                        continue;
                    }
                    builder.edge(mapping, holder_node(held),
                                 match.witness.empty() ? std::string("user (if it matches)")
                                                       : "user (" + describe_witness(match.witness) + ")",
                                 match.undetermined);
                }
                continue;
            }
            const AccessPolicyGrant& grant = *held.policy;
            const AccessPolicyAssociation& association = *grant.association;
            const std::string scope =
                association.scope.cluster_wide
                    ? std::string("cluster")
                    : fmt::format("namespaces {}", fmt::join(association.scope.namespaces, ","));
            const std::string name(grant.name());
            const std::size_t policy = builder.node(
                fmt::format("{}policy:{}:{}", prefix, name, scope), AccessGraph::Kind::kAccessPolicy,
                fmt::format("{} ({})", name, scope), cluster.name, held.cluster_admin());
            builder.edge(mapping, policy, "policy");
        }
    }
}

// eks-iam.md 9.4, 9.7: a ServiceAccount's pods receive an IAM role (IRSA or Pod Identity); a trust that
// refuses them draws nothing.
void add_workload_roles(Builder& builder, const Estate& estate, const Cluster& cluster) {
    const std::string prefix = cluster.name.empty() ? std::string() : cluster.name + "/";
    for (const WorkloadRole& edge :
         workload_roles(*cluster.graph, estate.has_iam() ? &estate.iam() : nullptr)) {
        if (!edge.may_grant() || edge.role_arn.empty()) {
            continue;
        }
        const std::string account = edge.ns + "/" + edge.service_account;
        const std::size_t from =
            builder.node(fmt::format("{}ServiceAccount:{}", prefix, account),
                         AccessGraph::Kind::kServiceAccount, "ServiceAccount " + account, cluster.name);
        builder.edge(from, principal_node(builder, estate, edge.role_arn),
                     edge.via == WorkloadRole::Via::kPodIdentity ? "pod identity" : "irsa",
                     edge.trust != IamEffect::kAllow);
    }
}

void add_iam(Builder& builder, const Estate& estate) {
    const IamIndex& iam = estate.iam();
    for (std::size_t i = 0; i < iam.principals().size(); ++i) {
        for (const AssumeEdge& edge : iam.edges_from(i)) {
            builder.edge(principal_node(builder, estate, iam.principals()[i].arn),
                         principal_node(builder, estate, iam.principals()[edge.role].arn), "assumes",
                         edge.conditional);
        }
    }
}

bool matches_focus(const AccessGraph::Node& node, std::string_view focus) {
    if (node.kind == AccessGraph::Kind::kIamUser || node.kind == AccessGraph::Kind::kIamRole) {
        return equal_fold(node.label, focus);
    }
    // Any node by its label ("ClusterRole cluster-admin", "RoleBinding web/x", "Group ops"), with its cluster
    // ("[prod] Group ops"), or by its id; a bare name matches users, groups, roles and bindings of that name.
    if (node.label == focus || node.id == focus ||
        (!node.cluster.empty() && fmt::format("[{}] {}", node.cluster, node.label) == focus)) {
        return true;
    }
    const std::size_t space = node.label.find(' ');
    if (space == std::string::npos || node.kind == AccessGraph::Kind::kServiceAccount ||
        node.kind == AccessGraph::Kind::kMapping || node.kind == AccessGraph::Kind::kAccessPolicy) {
        return false;
    }
    std::string_view name = std::string_view(node.label).substr(space + 1);
    if (const std::size_t suffix = name.find(" (built in)"); suffix != std::string_view::npos) {
        name = name.substr(0, suffix);
    }
    return name == focus;
}

}  // namespace

std::string_view to_string(AccessGraph::Kind kind) {
    static constexpr std::array<std::string_view, 9> kNames = {"iamUser", "iamRole", "mapping",
                                                               "user",    "group",   "serviceAccount",
                                                               "binding", "role",    "accessPolicy"};
    return kNames[static_cast<std::size_t>(kind)];
}

AccessGraph build_access_graph(const Estate& estate) {
    AccessGraph graph;
    Builder builder(graph);
    for (const Cluster& cluster : estate.clusters()) {
        add_cluster(builder, estate, cluster);
        add_workload_roles(builder, estate, cluster);
    }
    if (estate.has_iam()) {
        add_iam(builder, estate);
    }
    builder.mark_risky_edges();
    return graph;
}

AccessGraph focus_access_graph(const AccessGraph& graph, std::string_view focus) {
    std::vector<std::vector<std::size_t>> out(graph.nodes.size());
    std::vector<std::vector<std::size_t>> in(graph.nodes.size());
    for (const AccessGraph::Edge& edge : graph.edges) {
        out[edge.from].push_back(edge.to);
        in[edge.to].push_back(edge.from);
    }
    std::vector<char> keep(graph.nodes.size(), 0);
    // What the focus leads to, and what leads to it; each direction walked on its own, so that siblings
    // (other subjects of the same binding) stay out.
    for (const auto* direction : {&out, &in}) {
        std::deque<std::size_t> queue;
        std::vector<char> seen(graph.nodes.size(), 0);
        for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
            if (matches_focus(graph.nodes[i], focus)) {
                queue.push_back(i);
                seen[i] = 1;
            }
        }
        while (!queue.empty()) {
            const std::size_t at = queue.front();
            queue.pop_front();
            keep[at] = 1;
            for (const std::size_t next : (*direction)[at]) {
                if (!seen[next]) {
                    seen[next] = 1;
                    queue.push_back(next);
                }
            }
        }
    }
    AccessGraph result;
    std::vector<std::size_t> renumber(graph.nodes.size(), 0);
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        if (keep[i]) {
            renumber[i] = result.nodes.size();
            result.nodes.push_back(graph.nodes[i]);
        }
    }
    for (const AccessGraph::Edge& edge : graph.edges) {
        if (keep[edge.from] && keep[edge.to]) {
            AccessGraph::Edge copy = edge;
            copy.from = renumber[edge.from];
            copy.to = renumber[edge.to];
            result.edges.push_back(std::move(copy));
        }
    }
    return result;
}

}  // namespace rbacgraph
