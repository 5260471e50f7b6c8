// rbacgraph's reading of a YAML file in the oracle's form (tests/oracle/kubectl_yaml.go): one JSON value per
// document, typed by typed_reading.hpp, so that the test compares the two readings field by field; a reader
// error is {"rbacgraph-oracle-error": "..."}.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "load/document.hpp"
#include "rbacgraph/output_text.hpp"
#include "typed_reading.hpp"

using rbacgraph::load::Node;
using rbacgraph::load::NodeType;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: read_yaml FILE\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    std::vector<Node> documents;
    std::vector<rbacgraph::Diagnostic> diagnostics;
    rbacgraph::load::DocumentCollector collector(documents);
    rbacgraph::load::parse_yaml(text, argv[1], rbacgraph::LoadLimits{}, collector, diagnostics);
    for (const Node& document : documents) {
        if (document.type != NodeType::kNull) {
            std::cout << rbacgraph::json_text(rbacgraph::test::typed(document)) << '\n';
        }
    }
    for (const rbacgraph::Diagnostic& diagnostic : diagnostics) {
        if (diagnostic.severity == rbacgraph::Severity::kError) {
            std::cout << rbacgraph::json_text({{"rbacgraph-oracle-error", diagnostic.message}}) << '\n';
            break;
        }
    }
    return 0;
}
