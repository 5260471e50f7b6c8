#include "load/fields.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rbacgraph::load {

void FieldReader::error(const Node& node, std::string message) {
    failed_ = true;
    diagnostics_.push_back({Severity::kError, at(node), object_, std::move(message)});
}

void FieldReader::warning(const Node& node, std::string message) {
    diagnostics_.push_back({Severity::kWarning, at(node), object_, std::move(message)});
}

std::optional<std::string> FieldReader::string(const Node& mapping, std::string_view key, bool required) {
    const Node* value = mapping.find(key);
    if (value == nullptr || value->is_null()) {
        if (required) {
            error(value == nullptr ? mapping : *value, fmt::format("missing required field '{}'", key));
        }
        return std::nullopt;
    }
    if (const auto text = value->as_string()) {
        return std::string(*text);
    }
    error(*value, fmt::format("field '{}' must be a string, found {}", key, value->describe()));
    return std::nullopt;
}

std::vector<std::string> FieldReader::strings(const Node& mapping, std::string_view key) {
    std::vector<std::string> out;
    const Node* list = sequence(mapping, key);
    if (list == nullptr) {
        return out;
    }
    out.reserve(list->children.size());
    for (const Node& item : list->children) {
        if (const auto text = item.as_string()) {
            out.emplace_back(*text);
        } else {
            error(item, fmt::format("entries of '{}' must be strings, found {}", key, item.describe()));
        }
    }
    return out;
}

const Node* FieldReader::mapping(const Node& parent, std::string_view key, bool required) {
    const Node* value = parent.find(key);
    if (value == nullptr || value->is_null()) {
        if (required) {
            error(value == nullptr ? parent : *value, fmt::format("missing required field '{}'", key));
        }
        return nullptr;
    }
    if (!value->is_mapping()) {
        error(*value, fmt::format("field '{}' must be a mapping, found {}", key, value->type_name()));
        return nullptr;
    }
    return value;
}

const Node* FieldReader::sequence(const Node& parent, std::string_view key) {
    const Node* value = parent.find(key);
    if (value == nullptr || value->is_null()) {
        return nullptr;
    }
    if (!value->is_sequence()) {
        error(*value, fmt::format("field '{}' must be a list, found {}", key, value->type_name()));
        return nullptr;
    }
    return value;
}

std::map<std::string, std::string> FieldReader::string_map(const Node& parent, std::string_view key) {
    std::map<std::string, std::string> out;
    const Node* value = mapping(parent, key, false);
    if (value == nullptr) {
        return out;
    }
    for (std::size_t i = 0; i < value->keys.size(); ++i) {
        if (const auto text = value->children[i].as_string()) {
            out[value->keys[i]] = std::string(*text);
        } else {
            error(value->children[i], fmt::format("'{}' entry '{}' must be a string, found {}", key,
                                                  value->keys[i], value->children[i].describe()));
        }
    }
    return out;
}

void FieldReader::unknown_fields(const Node& parent, std::initializer_list<std::string_view> known) {
    for (std::size_t i = 0; i < parent.keys.size(); ++i) {
        if (std::find(known.begin(), known.end(), parent.keys[i]) == known.end()) {
            warning(parent.children[i],
                    fmt::format("unknown field '{}' is ignored (the API server drops it)", parent.keys[i]));
        }
    }
}

}  // namespace rbacgraph::load
