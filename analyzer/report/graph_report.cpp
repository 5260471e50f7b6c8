// `rbacgraph graph`: the access graph as Graphviz DOT, a Mermaid flowchart, or JSON (docs/graph.md).
#include <fmt/format.h>

#include "rbacgraph/report.hpp"

namespace rbacgraph {
namespace {

std::string_view dot_shape(AccessGraph::Kind kind) {
    switch (kind) {
        case AccessGraph::Kind::kIamUser:
        case AccessGraph::Kind::kUser:
            return "ellipse";
        case AccessGraph::Kind::kIamRole:
            return "hexagon";
        case AccessGraph::Kind::kMapping:
            return "note";
        case AccessGraph::Kind::kGroup:
            return "octagon";
        case AccessGraph::Kind::kServiceAccount:
            return "component";
        case AccessGraph::Kind::kBinding:
            return "cds";
        case AccessGraph::Kind::kRole:
        case AccessGraph::Kind::kAccessPolicy:
            return "box";
    }
    return "box";
}

std::string node_label(const AccessGraph::Node& node) {
    return node.cluster.empty() ? node.label : fmt::format("[{}] {}", node.cluster, node.label);
}

std::string dot_quote(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c == '\n' ? ' ' : c);
    }
    return out + "\"";
}

// Mermaid labels sit in double quotes; '"' becomes #quot; and characters Mermaid treats as markup are
// escaped.
std::string mermaid_quote(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "#quot;";
                break;
            case '<':
                out += "#lt;";
                break;
            case '>':
                out += "#gt;";
                break;
            case '\n':
                out += ' ';
                break;
            default:
                out.push_back(c);
        }
    }
    return out + "\"";
}

// What each shape and colour means, drawn beside the graph (DOT and Mermaid; JSON carries the kinds).
struct LegendEntry {
    AccessGraph::Kind kind;
    std::string_view label;
};
constexpr LegendEntry kLegend[] = {
    {AccessGraph::Kind::kIamUser, "IAM user"},
    {AccessGraph::Kind::kIamRole, "IAM role"},
    {AccessGraph::Kind::kMapping, "mapping (aws-auth entry, access entry)"},
    {AccessGraph::Kind::kUser, "Kubernetes user"},
    {AccessGraph::Kind::kGroup, "group"},
    {AccessGraph::Kind::kServiceAccount, "ServiceAccount"},
    {AccessGraph::Kind::kBinding, "binding"},
    {AccessGraph::Kind::kRole, "role or access policy"},
};
constexpr std::string_view kRiskyLegend = "red: cluster admin, and every way into it";
constexpr std::string_view kConditionalLegend = "dashed: holds only under a condition or an unknown value";

// A Mermaid node's shape around its quoted label.
std::string mermaid_shape(AccessGraph::Kind kind, const std::string& label) {
    switch (kind) {
        case AccessGraph::Kind::kIamRole:
            return fmt::format("{{{{{}}}}}", label);
        case AccessGraph::Kind::kIamUser:
        case AccessGraph::Kind::kUser:
            return fmt::format("([{}])", label);
        case AccessGraph::Kind::kGroup:
        case AccessGraph::Kind::kServiceAccount:
            return fmt::format("(({}))", label);
        default:
            return fmt::format("[{}]", label);
    }
}

}  // namespace

void write_graph_dot(std::ostream& out, const AccessGraph& graph) {
    out << "digraph rbacgraph {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
           "  edge [fontname=\"Helvetica\", fontsize=9];\n";
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const AccessGraph::Node& node = graph.nodes[i];
        out << fmt::format("  n{} [label={}, shape={}{}];\n", i, dot_quote(node_label(node)),
                           dot_shape(node.kind), node.risky ? ", color=red, fontcolor=red, penwidth=2" : "");
    }
    for (const AccessGraph::Edge& edge : graph.edges) {
        out << fmt::format("  n{} -> n{} [label={}{}{}];\n", edge.from, edge.to, dot_quote(edge.label),
                           edge.risky ? ", color=red, penwidth=2" : "",
                           edge.conditional ? ", style=dashed" : "");
    }
    out << "  subgraph cluster_legend {\n    label=\"Legend\";\n    style=dashed;\n";
    std::size_t index = 0;
    for (const LegendEntry& entry : kLegend) {
        out << fmt::format("    legend{} [label={}, shape={}];\n", index++, dot_quote(entry.label),
                           dot_shape(entry.kind));
    }
    out << fmt::format("    legend{} [label={}, shape=box, color=red, fontcolor=red, penwidth=2];\n", index++,
                       dot_quote(kRiskyLegend));
    out << fmt::format("    legend{} [label={}, shape=plaintext];\n", index, dot_quote(kConditionalLegend));
    out << "  }\n}\n";
}

void write_graph_mermaid(std::ostream& out, const AccessGraph& graph) {
    out << "flowchart LR\n";
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const AccessGraph::Node& node = graph.nodes[i];
        out << fmt::format("  n{}{}\n", i, mermaid_shape(node.kind, mermaid_quote(node_label(node))));
    }
    for (const AccessGraph::Edge& edge : graph.edges) {
        out << fmt::format("  n{} {}|{}| n{}\n", edge.from, edge.conditional ? "-.->" : "-->",
                           mermaid_quote(edge.label), edge.to);
    }
    out << "  subgraph legend [\"Legend\"]\n";
    std::size_t index = 0;
    for (const LegendEntry& entry : kLegend) {
        out << fmt::format("    legend{}{}\n", index++,
                           mermaid_shape(entry.kind, mermaid_quote(entry.label)));
    }
    const std::size_t risky_legend = index;
    out << fmt::format("    legend{}[{}]\n", index++, mermaid_quote(kRiskyLegend));
    out << fmt::format("    legend{}[{}]\n", index, mermaid_quote(kConditionalLegend));
    out << "  end\n";
    out << "  classDef risky stroke:#d00,stroke-width:3px,color:#d00\n";
    out << fmt::format("  class legend{} risky\n", risky_legend);
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        if (graph.nodes[i].risky) {
            out << fmt::format("  class n{} risky\n", i);
        }
    }
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
        if (graph.edges[i].risky) {
            out << fmt::format("  linkStyle {} stroke:#d00,stroke-width:3px\n", i);
        }
    }
}

void write_graph_json(std::ostream& out, const AccessGraph& graph) {
    // One element at a time: a whole estate's graph has millions of edges, too many to hold as a JSON tree.
    out << "{\n  \"nodes\": [";
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const AccessGraph::Node& node = graph.nodes[i];
        const nlohmann::json item = {{"id", node.id},
                                     {"kind", to_string(node.kind)},
                                     {"label", node.label},
                                     {"cluster", node.cluster},
                                     {"risky", node.risky}};
        out << (i == 0 ? "\n    " : ",\n    ") << json_text(item);
    }
    out << (graph.nodes.empty() ? "],\n  \"edges\": [" : "\n  ],\n  \"edges\": [");
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
        const AccessGraph::Edge& edge = graph.edges[i];
        const nlohmann::json item = {{"from", graph.nodes[edge.from].id},
                                     {"to", graph.nodes[edge.to].id},
                                     {"label", edge.label},
                                     {"risky", edge.risky},
                                     {"conditional", edge.conditional}};
        out << (i == 0 ? "\n    " : ",\n    ") << json_text(item);
    }
    out << (graph.edges.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

}  // namespace rbacgraph
