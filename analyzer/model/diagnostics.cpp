#include "rbacgraph/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <unordered_set>

#include "rbacgraph/model.hpp"

namespace rbacgraph {
namespace {

// Names are never removed: a process reads a bounded set of files. The set's nodes do not move.
struct FileNames {
    std::mutex mutex;
    std::unordered_set<std::string> names;
};

FileNames& file_names() {
    static FileNames names;
    return names;
}

const std::string* intern_file_name(std::string_view name) {
    FileNames& names = file_names();
    const std::lock_guard lock(names.mutex);
    return &*names.names.emplace(name).first;
}

}  // namespace

FileName::FileName() {
    static const std::string* const kEmpty = intern_file_name("");
    name_ = kEmpty;
}

FileName::FileName(std::string_view name) : name_(intern_file_name(name)) {}

std::string format_location(const SourceLocation& location) {
    if (location.origin == Origin::kBuiltin) {
        return "built in, not in the export";
    }
    if (location.line <= 0) {
        return location.file;
    }
    if (location.column <= 0) {
        return fmt::format("{}:{}", location.file.str(), location.line);
    }
    return fmt::format("{}:{}:{}", location.file.str(), location.line, location.column);
}

std::string format_diagnostic(const Diagnostic& diagnostic) {
    std::string_view severity = "error";
    if (diagnostic.severity == Severity::kWarning) {
        severity = "warning";
    } else if (diagnostic.severity == Severity::kNote) {
        severity = "note";
    }
    std::string text =
        fmt::format("{}: {}: {}", format_location(diagnostic.location), severity, diagnostic.message);
    if (!diagnostic.object.empty()) {
        text += fmt::format(" [{}]", diagnostic.object);
    }
    return text;
}

std::size_t count_errors(const std::vector<Diagnostic>& diagnostics) {
    return static_cast<std::size_t>(
        std::count_if(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

bool PolicyRule::same_rule(const PolicyRule& other) const {
    return verbs == other.verbs && api_groups == other.api_groups && resources == other.resources &&
           resource_names == other.resource_names && non_resource_urls == other.non_resource_urls;
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
    for (const auto& [key, value] : match_labels) {
        const auto found = labels.find(key);
        if (found == labels.end() || found->second != value) {
            return false;
        }
    }
    // k8s.io/apimachinery labels.Requirement.Matches: NotIn and DoesNotExist hold for absent keys.
    for (const LabelRequirement& requirement : match_expressions) {
        const auto found = labels.find(requirement.key);
        const bool present = found != labels.end();
        const bool listed = present && std::find(requirement.values.begin(), requirement.values.end(),
                                                 found->second) != requirement.values.end();
        bool holds = false;
        if (requirement.op == "In") {
            holds = listed;
        } else if (requirement.op == "NotIn") {
            holds = !listed;
        } else if (requirement.op == "Exists") {
            holds = present;
        } else if (requirement.op == "DoesNotExist") {
            holds = !present;
        }
        if (!holds) {
            return false;
        }
    }
    return true;
}

std::string Role::display() const {
    return cluster_scoped ? fmt::format("ClusterRole {}", name) : fmt::format("Role {}/{}", ns, name);
}

std::string Binding::display() const {
    return cluster_scoped ? fmt::format("ClusterRoleBinding {}", name)
                          : fmt::format("RoleBinding {}/{}", ns, name);
}

std::string Subject::display() const {
    if (kind == "ServiceAccount") {
        return fmt::format("ServiceAccount {}/{}", ns.empty() ? "<binding namespace>" : ns, name);
    }
    return fmt::format("{} {}", kind, name);
}

std::optional<KubernetesVersion> KubernetesVersion::parse(std::string_view text) {
    if (text.starts_with('v')) {
        text.remove_prefix(1);
    }
    const auto number = [&](int& out) {
        std::size_t digits = 0;
        out = 0;
        while (digits < text.size() && digits < 4 && text[digits] >= '0' && text[digits] <= '9') {
            out = out * 10 + (text[digits] - '0');
            ++digits;
        }
        text.remove_prefix(digits);
        return digits > 0;
    };
    KubernetesVersion version;
    if (!number(version.major) || !text.starts_with('.')) {
        return std::nullopt;
    }
    text.remove_prefix(1);
    if (!number(version.minor)) {
        return std::nullopt;
    }
    return version;
}

std::string KubernetesVersion::display() const {
    return fmt::format("{}.{}", major, minor);
}

std::string_view to_string(AuthenticationMode mode) {
    switch (mode) {
        case AuthenticationMode::kConfigMap:
            return "CONFIG_MAP";
        case AuthenticationMode::kApiAndConfigMap:
            return "API_AND_CONFIG_MAP";
        case AuthenticationMode::kApi:
            return "API";
        case AuthenticationMode::kUnknown:
            break;
    }
    return "unknown (treated as CONFIG_MAP)";
}

}  // namespace rbacgraph
