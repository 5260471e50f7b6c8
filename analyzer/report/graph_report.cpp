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
    out << "}\n";
}

void write_graph_mermaid(std::ostream& out, const AccessGraph& graph) {
    out << "flowchart LR\n";
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const AccessGraph::Node& node = graph.nodes[i];
        const std::string label = mermaid_quote(node_label(node));
        switch (node.kind) {
            case AccessGraph::Kind::kIamRole:
                out << fmt::format("  n{}{{{{{}}}}}\n", i, label);
                break;
            case AccessGraph::Kind::kIamUser:
            case AccessGraph::Kind::kUser:
                out << fmt::format("  n{}([{}])\n", i, label);
                break;
            case AccessGraph::Kind::kGroup:
            case AccessGraph::Kind::kServiceAccount:
                out << fmt::format("  n{}(({}))\n", i, label);
                break;
            default:
                out << fmt::format("  n{}[{}]\n", i, label);
        }
    }
    for (const AccessGraph::Edge& edge : graph.edges) {
        out << fmt::format("  n{} {}|{}| n{}\n", edge.from, edge.conditional ? "-.->" : "-->",
                           mermaid_quote(edge.label), edge.to);
    }
    out << "  classDef risky stroke:#d00,stroke-width:3px,color:#d00\n";
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
        out << (i == 0 ? "\n    " : ",\n    ") << item.dump();
    }
    out << (graph.nodes.empty() ? "],\n  \"edges\": [" : "\n  ],\n  \"edges\": [");
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
        const AccessGraph::Edge& edge = graph.edges[i];
        const nlohmann::json item = {{"from", graph.nodes[edge.from].id},
                                     {"to", graph.nodes[edge.to].id},
                                     {"label", edge.label},
                                     {"risky", edge.risky},
                                     {"conditional", edge.conditional}};
        out << (i == 0 ? "\n    " : ",\n    ") << item.dump();
    }
    out << (graph.edges.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

}  // namespace rbacgraph
