// rbacgraph's reading of a YAML document in the oracle's form (oracle_readings.go): scalars typed as
// rbacgraph types them (YAML 1.1 booleans, null, numbers as go-yaml v2 resolves them), so that a test
// compares the two readings field by field. Used by tests/oracle/read_yaml.cpp and the kubectl_differential
// fuzz target.
#pragma once

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "load/document.hpp"

namespace rbacgraph::test {

using load::Node;
using load::NodeType;
using load::ScalarValue;

inline std::string without_underscores(std::string text) {
    std::erase(text, '_');
    return text;
}

// A number as go-yaml v2 resolves it (resolve.go): underscores removed, a sign, 0x/0o/0b or a leading 0 for
// the base; what does not read as an integer is a float (yamlStyleFloat), as resolve_plain_scalar decided.
inline nlohmann::json number(const std::string& text, bool integer) {
    const std::string digits = without_underscores(text);
    if (integer) {
        const bool negative = !digits.empty() && digits[0] == '-';
        const std::size_t sign = (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) ? 1 : 0;
        std::string body = digits.substr(sign);
        int base = 10;
        if (body.size() > 1 && body[0] == '0') {
            const char prefix = static_cast<char>(body[1] | 0x20);
            base = prefix == 'x' ? 16 : prefix == 'o' ? 8 : prefix == 'b' ? 2 : 8;
            body = body.substr(prefix == 'x' || prefix == 'o' || prefix == 'b' ? 2 : 1);
        }
        try {
            std::size_t at = 0;
            const unsigned long long magnitude = std::stoull(body, &at, base);
            if (negative) {
                return -static_cast<long long>(magnitude);
            }
            return magnitude;
        } catch (const std::exception&) {
            return "rbacgraph-unparsed-int:" + text;
        }
    }
    if (digits == ".inf" || digits == ".Inf" || digits == ".INF" || digits == "+.inf") {
        return "rbacgraph-infinity";
    }
    char* end = nullptr;
    const double value = std::strtod(digits.c_str(), &end);  // underflow reads as 0, as strconv.ParseFloat
    if (end == digits.c_str()) {
        return "rbacgraph-unparsed-float:" + text;
    }
    return value;
}

inline nlohmann::json typed(const Node& node) {
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

/// Equal as the oracle compares: numbers by value (Go decodes every JSON number to float64), the rest
/// exactly.
inline bool same_reading(const nlohmann::json& a, const nlohmann::json& b) {
    if (a.is_number() && b.is_number()) {
        return a.get<double>() == b.get<double>();
    }
    if (a.type() != b.type() || a.size() != b.size()) {
        return false;
    }
    if (a.is_array()) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!same_reading(a[i], b[i])) {
                return false;
            }
        }
        return true;
    }
    if (a.is_object()) {
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (!b.contains(it.key()) || !same_reading(it.value(), b.at(it.key()))) {
                return false;
            }
        }
        return true;
    }
    return a == b;
}

}  // namespace rbacgraph::test
