#include "load/document.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace rbacgraph::load {
namespace {

bool all_of_chars(std::string_view text, std::string_view allowed) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

// strconv.ParseInt(s, 0, 64), or ParseUint for the values above int64, as gopkg.in/yaml.v2 resolve.go calls
// them on a plain scalar with its underscores removed: an optional sign, then 0x/0X hex, 0o/0O or a leading 0
// octal, 0b/0B binary, or decimal digits, within 64 bits.
bool is_go_int(std::string_view text) {
    const bool signed_text = !text.empty() && (text[0] == '-' || text[0] == '+');
    const bool negative = signed_text && text[0] == '-';
    if (signed_text) {
        text.remove_prefix(1);
    }
    int base = 10;
    std::string_view digits = text;
    if (text.size() > 1 && text[0] == '0') {
        const char prefix = static_cast<char>(text[1] | 0x20);
        if (prefix == 'x' || prefix == 'o' || prefix == 'b') {
            base = prefix == 'x' ? 16 : prefix == 'o' ? 8 : 2;
            digits = text.substr(2);
        } else {
            base = 8;
            digits = text.substr(1);
        }
    }
    const std::string_view allowed = base == 16  ? "0123456789abcdefABCDEF"
                                     : base == 8 ? "01234567"
                                     : base == 2 ? "01"
                                                 : "0123456789";
    if (!all_of_chars(digits, allowed)) {
        return false;
    }
    std::uint64_t magnitude = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    if (error != std::errc() || end != digits.data() + digits.size()) {
        return false;  // beyond 64 bits
    }
    // ParseInt takes -2^63 to 2^63-1; ParseUint, which takes no sign, up to 2^64-1.
    if (negative) {
        return magnitude <= (std::uint64_t{1} << 63U);
    }
    return !signed_text || magnitude <= static_cast<std::uint64_t>(INT64_MAX);
}

// yaml.v2 resolve.go yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool matches_yaml_style_float(std::string_view text) {
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        text.remove_prefix(1);
    }
    const std::size_t exponent = text.find_first_of("eE");
    const std::string_view mantissa = text.substr(0, exponent);
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
    if (dot == std::string_view::npos) {
        return all_of_chars(mantissa, "0123456789");
    }
    const std::string_view whole = mantissa.substr(0, dot);
    const std::string_view fraction = mantissa.substr(dot + 1);
    if (whole.empty()) {
        return all_of_chars(fraction, "0123456789");
    }
    return all_of_chars(whole, "0123456789") && (fraction.empty() || all_of_chars(fraction, "0123456789"));
}

bool is_special_float(std::string_view text) {
    static constexpr std::array<std::string_view, 10> kSpecial = {".inf",  ".Inf",  ".INF", "+.inf", "-.inf",
                                                                  "-.Inf", "-.INF", ".nan", ".NaN",  ".NAN"};
    return std::find(kSpecial.begin(), kSpecial.end(), text) != kSpecial.end();
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
    if (is_special_float(text)) {
        return ScalarValue::kFloat;
    }
    if (text.empty()) {
        return ScalarValue::kString;
    }
    // yaml.v2 resolve.go: a scalar that starts with a digit or a sign is, with its underscores removed, an
    // int (ParseInt/ParseUint, base from the prefix), else a float (yamlStyleFloat); one that starts with '.'
    // is a float if strconv.ParseFloat reads it as it is (no underscores there).
    if (text[0] == '.') {
        // ParseFloat takes underscores between digits only (strconv underscoreOK: ".7_7" is 0.77, "._5" and
        // ".7_" are not numbers; fuzz seed leading-dot-float-underscore). Out of range (".3E33334") is
        // ErrRange there too, so a string.
        char before = '.';  // the last character seen
        for (const char c : text) {
            const bool digit = c >= '0' && c <= '9';
            if (c == '_' && !(before >= '0' && before <= '9')) {
                return ScalarValue::kString;
            }
            if (!digit && c != '_' && before == '_') {
                return ScalarValue::kString;
            }
            before = c;
        }
        if (before == '_') {
            return ScalarValue::kString;
        }
        std::string plain(text);
        std::erase(plain, '_');
        return plain.size() > 1 && matches_yaml_style_float(plain) &&
                       std::isfinite(std::strtod(plain.c_str(), nullptr))
                   ? ScalarValue::kFloat
                   : ScalarValue::kString;
    }
    if (text[0] == '-' || text[0] == '+' || (text[0] >= '0' && text[0] <= '9')) {
        std::string without_underscores;  // only made when there are underscores: numbers are common
        std::string_view plain = text;
        if (text.find('_') != std::string_view::npos) {
            without_underscores.assign(text);
            std::erase(without_underscores, '_');
            plain = without_underscores;
        }
        if (is_go_int(plain)) {
            return ScalarValue::kInt;
        }
        // strconv.ParseFloat must also accept it: a value beyond the largest double is ErrRange, so a string.
        if (matches_yaml_style_float(plain) &&
            std::isfinite(std::strtod(std::string(plain).c_str(), nullptr))) {
            return ScalarValue::kFloat;
        }
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

namespace {
constexpr std::array<std::string_view, 19> kIntrinsicKeys = {
    "Ref",        "Condition",        "Fn::Base64", "Fn::Cidr",   "Fn::FindInMap", "Fn::GetAtt",
    "Fn::GetAZs", "Fn::ImportValue",  "Fn::Join",   "Fn::Select", "Fn::Split",     "Fn::Sub",
    "Fn::Length", "Fn::ToJsonString", "Fn::If",     "Fn::Equals", "Fn::Not",       "Fn::And",
    "Fn::Or"};
}  // namespace

unsigned char intrinsic_of_tag(std::string_view tag) {
    if (!tag.starts_with('!') || tag.size() < 2 || tag[1] == '!') {
        return 0;
    }
    const std::string_view name = tag.substr(1);
    for (std::size_t i = 0; i < kIntrinsicKeys.size(); ++i) {
        const std::string_view key = kIntrinsicKeys[i];
        if (key == name || (key.starts_with("Fn::") && key.substr(4) == name)) {
            return static_cast<unsigned char>(i + 1);
        }
    }
    return 0;
}

std::string_view intrinsic_key(unsigned char intrinsic) {
    return intrinsic == 0 || intrinsic > kIntrinsicKeys.size() ? std::string_view()
                                                               : kIntrinsicKeys[intrinsic - 1];
}

Node expand_intrinsics(const Node& node) {
    Node copy = node;
    std::vector<Node*> pending{&copy};
    while (!pending.empty()) {
        Node* current = pending.back();
        pending.pop_back();
        if (current->intrinsic != 0) {
            Node mapping;
            mapping.type = NodeType::kMapping;
            mapping.line = current->line;
            mapping.column = current->column;
            mapping.keys.emplace_back(intrinsic_key(current->intrinsic));
            current->intrinsic = 0;
            mapping.children.push_back(std::move(*current));
            *current = std::move(mapping);
            current = &current->children.front();
        }
        for (Node& child : current->children) {
            pending.push_back(&child);
        }
    }
    return copy;
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
