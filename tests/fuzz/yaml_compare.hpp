// What the fast YAML reader must reproduce of yaml-cpp's reading, as one comparable text: every node's type,
// style, position and text, and every diagnostic. Shared by the unit test and the differential fuzz target.
#pragma once

#include <string>
#include <string_view>

#include "load/document.hpp"

namespace rbacgraph::test {

inline std::string dump_node(const load::Node& node) {
    std::string out = std::to_string(static_cast<int>(node.type)) + "/" +
                      std::to_string(static_cast<int>(node.style)) + "@" + std::to_string(node.line) + ":" +
                      std::to_string(node.column) + "[" + node.text + "]";
    for (std::size_t i = 0; i < node.children.size(); ++i) {
        out += "(";
        if (node.is_mapping()) {
            out += node.keys[i] + "=";
        }
        out += dump_node(node.children[i]) + ")";
    }
    return out;
}

/// The documents and diagnostics of `text` read with `reader`.
inline std::string read_yaml_as_text(std::string_view text, load::YamlReader reader) {
    std::vector<load::Node> documents;
    std::vector<Diagnostic> diagnostics;
    load::DocumentCollector collector(documents);
    load::parse_yaml(text, "f.yaml", LoadLimits{}, collector, diagnostics, reader);
    std::string out;
    for (const load::Node& document : documents) {
        out += dump_node(document) + "\n";
    }
    for (const Diagnostic& diagnostic : diagnostics) {
        out += format_location(diagnostic.location) + " " + diagnostic.message + "\n";
    }
    return out;
}

}  // namespace rbacgraph::test
