#include "load/document.hpp"

#include <algorithm>
#include <array>

namespace rbacgraph::load {
namespace {

bool all_of_chars(std::string_view text, std::string_view allowed) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

bool is_yaml11_int(std::string_view text) {
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        text.remove_prefix(1);
    }
    if (text.starts_with("0x")) {
        return all_of_chars(text.substr(2), "0123456789abcdefABCDEF_");
    }
    if (text.starts_with("0b")) {
        return all_of_chars(text.substr(2), "01_");
    }
    return !text.empty() && text[0] != '_' && all_of_chars(text, "0123456789_");
}

bool is_yaml11_float(std::string_view text) {
    static constexpr std::array<std::string_view, 9> kSpecial = {".inf",  ".Inf", ".INF", "-.inf", "-.Inf",
                                                                 "-.INF", ".nan", ".NaN", ".NAN"};
    if (std::find(kSpecial.begin(), kSpecial.end(), text) != kSpecial.end() || text == "+.inf") {
        return true;
    }
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        text.remove_prefix(1);
    }
    const std::size_t exponent = text.find_first_of("eE");
    std::string_view mantissa = text.substr(0, exponent);
    if (exponent != std::string_view::npos) {
        std::string_view power = text.substr(exponent + 1);
        if (!power.empty() && (power[0] == '-' || power[0] == '+')) {
            power.remove_prefix(1);
        }
        if (!all_of_chars(power, "0123456789")) {
            return false;
        }
    }
    const std::size_t dot = mantissa.find('.');
    if (dot == std::string_view::npos || mantissa.find('.', dot + 1) != std::string_view::npos) {
        return false;
    }
    const std::string_view whole = mantissa.substr(0, dot);
    const std::string_view fraction = mantissa.substr(dot + 1);
    return (whole.empty() || all_of_chars(whole, "0123456789_")) &&
           (fraction.empty() || all_of_chars(fraction, "0123456789_")) &&
           !(whole.empty() && fraction.empty());
}

}  // namespace

ScalarValue resolve_plain_scalar(std::string_view text) {
    // gopkg.in/yaml.v2 resolve.go resolve table.
    static constexpr std::array<std::string_view, 5> kNulls = {"", "~", "null", "Null", "NULL"};
    static constexpr std::array<std::string_view, 22> kBools = {
        "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
        "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
    if (std::find(kNulls.begin(), kNulls.end(), text) != kNulls.end()) {
        return ScalarValue::kNull;
    }
    if (std::find(kBools.begin(), kBools.end(), text) != kBools.end()) {
        return ScalarValue::kBool;
    }
    if (is_yaml11_int(text)) {
        return ScalarValue::kInt;
    }
    if (is_yaml11_float(text)) {
        return ScalarValue::kFloat;
    }
    return ScalarValue::kString;
}

const Node* Node::find(std::string_view key) const {
    if (type != NodeType::kMapping) {
        return nullptr;
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == key) {
            return &children[i];
        }
    }
    return nullptr;
}

ScalarValue Node::scalar_value() const {
    if (type == NodeType::kNull) {
        return ScalarValue::kNull;
    }
    switch (style) {
        case ScalarStyle::kPlain:
            return resolve_plain_scalar(text);
        case ScalarStyle::kJsonNumber:
            return text.find_first_of(".eE") == std::string::npos ? ScalarValue::kInt : ScalarValue::kFloat;
        case ScalarStyle::kJsonBool:
            return ScalarValue::kBool;
        case ScalarStyle::kString:
        case ScalarStyle::kBlock:
            break;
    }
    return ScalarValue::kString;
}

bool Node::is_null() const {
    return type == NodeType::kNull || (type == NodeType::kScalar && scalar_value() == ScalarValue::kNull);
}

std::optional<std::string_view> Node::as_string() const {
    if (type != NodeType::kScalar || scalar_value() != ScalarValue::kString) {
        return std::nullopt;
    }
    return std::string_view(text);
}

std::string_view Node::type_name() const {
    switch (type) {
        case NodeType::kNull:
            return "null";
        case NodeType::kSequence:
            return "list";
        case NodeType::kMapping:
            return "mapping";
        case NodeType::kScalar:
            break;
    }
    switch (scalar_value()) {
        case ScalarValue::kNull:
            return "null";
        case ScalarValue::kBool:
            return "boolean";
        case ScalarValue::kInt:
            return "integer";
        case ScalarValue::kFloat:
            return "number";
        case ScalarValue::kString:
            break;
    }
    return "string";
}

std::string Node::describe() const {
    if (type != NodeType::kScalar) {
        return std::string(type_name());
    }
    std::string text_part = std::string(type_name()) + " '";
    text_part += text;
    text_part += '\'';
    return text_part;
}

}  // namespace rbacgraph::load
