#include "rbacgraph/access_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "rbacgraph/arn.hpp"

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
    void edge(std::size_t from, std::size_t to, std::string label, bool conditional = false) {
        if (edges_.insert((static_cast<std::uint64_t>(from) << 32) | to).second) {
            graph_.edges.push_back({from, to, std::move(label), false, conditional});
        }
    }

    // A principal whose mapping is admin, or that assumes such a principal, is on a way into admin; edges
    // into a risky node are risky.
    void mark_risky_edges() {
        for (bool changed = true; changed;) {
            changed = false;
            for (const AccessGraph::Edge& edge : graph_.edges) {
                const bool upstream = edge.label == "mapped by" || edge.label == "assumes";
                if (upstream && graph_.nodes[edge.to].risky && !graph_.nodes[edge.from].risky) {
                    graph_.nodes[edge.from].risky = true;
                    changed = true;
                }
            }
        }
        for (AccessGraph::Edge& edge : graph_.edges) {
            edge.risky = graph_.nodes[edge.to].risky;
        }
    }

  private:
    AccessGraph& graph_;
    std::unordered_map<std::string, std::size_t> index_;
    std::unordered_set<std::uint64_t> edges_;
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
    const std::string prefix = cluster.name.empty() ? std::string() : cluster.name + "/";
    const auto subject_node = [&](std::string_view kind, const std::string& name) {
        const bool masters = kind == "Group" && name == "system:masters";
        const AccessGraph::Kind node_kind = kind == "User"    ? AccessGraph::Kind::kUser
                                            : kind == "Group" ? AccessGraph::Kind::kGroup
                                                              : AccessGraph::Kind::kServiceAccount;
        return builder.node(fmt::format("{}{}:{}", prefix, kind, name), node_kind,
                            fmt::format("{} {}", kind, name), cluster.name, masters);
    };
    const auto& bindings = graph.bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const BindingNode& node = bindings[b];
        const Binding& binding = *node.binding;
        if (binding.location.origin == Origin::kBuiltin) {
            continue;  // the picture is of the export; a built-in role it references is drawn as such
        }
        const std::size_t binding_node =
            builder.node(prefix + "binding:" + binding.display(), AccessGraph::Kind::kBinding,
                         binding.display(), cluster.name);
        if (node.role) {
            const RoleNode& role = graph.roles()[*node.role];
            const bool builtin = role.role->location.origin == Origin::kBuiltin;
            const GrantRange grants = graph.grants().of_binding(b);
            const bool everything =
                !grants.empty() && graph.grants().grant(grants.first).everything.has_value();
            const std::size_t role_node =
                builder.node(prefix + "role:" + role.role->display(), AccessGraph::Kind::kRole,
                             role.role->display() + (builtin ? " (built in)" : ""), cluster.name, everything);
            builder.edge(binding_node, role_node, "grants");
        }
        // Only subjects that can match anybody are drawn: the grant table's holders.
        for (const GrantId id : graph.grants().of_binding(b)) {
            const Subject subject = graph.grants().grant(id).subject();
            const std::string name =
                subject.kind == "ServiceAccount" ? subject.ns + "/" + subject.name : subject.name;
            builder.edge(subject_node(subject.kind, name), binding_node, "subject of");
        }
    }
    // Every identity has system:authenticated; draw it only where a binding of the export names it.
    const std::span<const GrantId> authenticated =
        graph.grants().held_by(HolderKind::kGroup, "system:authenticated");
    const bool authenticated_bound = std::any_of(authenticated.begin(), authenticated.end(), [&](GrantId id) {
        return graph.grants().grant(id).binding->location.origin != Origin::kBuiltin;
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
            const Grant held = graph.grants().grant(match.grant);
            if (held.source != GrantSource::kAccessPolicy) {
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
    const bool subject = node.kind == AccessGraph::Kind::kUser || node.kind == AccessGraph::Kind::kGroup ||
                         node.kind == AccessGraph::Kind::kServiceAccount;
    if (!subject) {
        return false;
    }
    // "Group ops" matches exactly; a bare name matches a user or group of that name.
    const std::string_view name = std::string_view(node.label).substr(node.label.find(' ') + 1);
    return node.label == focus || (node.kind != AccessGraph::Kind::kServiceAccount && name == focus);
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
