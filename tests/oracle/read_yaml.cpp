// rbacgraph's reading of a YAML file in the oracle's form (tests/oracle/kubectl_yaml.go): one JSON value per
// document, scalars typed as rbacgraph types them (YAML 1.1 booleans, null, numbers), so that the test
// compares the two readings field by field; a reader error is {"rbacgraph-oracle-error": "..."}.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "load/document.hpp"
#include "rbacgraph/output_text.hpp"

namespace {

using rbacgraph::load::Node;
using rbacgraph::load::NodeType;
using rbacgraph::load::ScalarValue;

std::string without_underscores(std::string text) {
    std::erase(text, '_');
    return text;
}

// A number as go-yaml v2 resolves it (resolve.go): signs, 0x, 0b, a leading 0 for octal, underscores.
nlohmann::json number(const std::string& text, bool integer) {
    const std::string digits = without_underscores(text);
    if (integer) {
        try {
            std::size_t at = 0;
            const bool negative = !digits.empty() && digits[0] == '-';
            const std::size_t sign = (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) ? 1 : 0;
            const std::string body = digits.substr(sign);
            long long value = 0;
            if (body.starts_with("0x")) {
                value = std::stoll(body.substr(2), &at, 16);
            } else if (body.starts_with("0b")) {
                value = std::stoll(body.substr(2), &at, 2);
            } else if (body.size() > 1 && body[0] == '0') {
                value = std::stoll(body.substr(1), &at, 8);
            } else {
                value = std::stoll(body, &at, 10);
            }
            return negative ? -value : value;
        } catch (const std::exception&) {
            return "rbacgraph-unparsed-int:" + text;
        }
    }
    if (digits == ".inf" || digits == ".Inf" || digits == ".INF" || digits == "+.inf") {
        return "rbacgraph-infinity";
    }
    try {
        return std::stod(digits);
    } catch (const std::exception&) {
        return "rbacgraph-unparsed-float:" + text;
    }
}

nlohmann::json typed(const Node& node) {
    switch (node.type) {
        case NodeType::kNull:
            return nullptr;
        case NodeType::kSequence: {
            nlohmann::json out = nlohmann::json::array();
            for (const Node& child : node.children) {
                out.push_back(typed(child));
            }
            return out;
        }
        case NodeType::kMapping: {
            nlohmann::json out = nlohmann::json::object();
            for (std::size_t i = 0; i < node.keys.size(); ++i) {
                out[node.keys[i]] = typed(node.children[i]);
            }
            return out;
        }
        case NodeType::kScalar:
            break;
    }
    switch (node.scalar_value()) {
        case ScalarValue::kNull:
            return nullptr;
        case ScalarValue::kBool: {
            const std::string& t = node.text;
            return t == "true" || t == "True" || t == "TRUE" || t == "yes" || t == "Yes" || t == "YES" ||
                   t == "on" || t == "On" || t == "ON" || t == "y" || t == "Y";
        }
        case ScalarValue::kInt:
            return number(node.text, true);
        case ScalarValue::kFloat:
            return number(node.text, false);
        case ScalarValue::kString:
            break;
    }
    return node.text;
}

}  // namespace

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
            std::cout << rbacgraph::json_text(typed(document)) << '\n';
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
