#include "check/suppress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "load/document.hpp"
#include "load/fields.hpp"
#include "model/wildcard.hpp"
#include "rbacgraph/output_text.hpp"

namespace rbacgraph::check {
namespace {

constexpr std::size_t kMaxConfigBytes = std::size_t{16} << 20;

std::string trim(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) {
        return {};
    }
    const auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

bool names_rule(std::string_view name, const RuleInfo& rule) {
    return name == rule.slug || name == rule.id;
}

std::optional<std::string> read_small_file(const std::string& file, std::vector<Diagnostic>& diagnostics,
                                           std::string_view what) {
    std::error_code code;
    if (std::filesystem::is_directory(file, code)) {
        // An ifstream opens a directory and reads nothing: it was taken for an empty file.
        diagnostics.push_back({Severity::kError,
                               {file, 0, 0},
                               "",
                               fmt::format("the {} file is a directory; give the file", what)});
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        diagnostics.push_back({Severity::kError, {file, 0, 0}, "", fmt::format("cannot read {} file", what)});
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > kMaxConfigBytes) {
        diagnostics.push_back({Severity::kError,
                               {file, 0, 0},
                               "",
                               fmt::format("{} file is larger than {} bytes", what, kMaxConfigBytes)});
        return std::nullopt;
    }
    return text.str();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    return wildcard_match(pattern, text, {});
}

const AnnotationSuppressions::Parsed& AnnotationSuppressions::parse(
    const std::map<std::string, std::string>& annotations, const Finding& finding) {
    if (const auto found = parsed_.find(&annotations); found != parsed_.end()) {
        return found->second;
    }
    Parsed& out = parsed_[&annotations];
    const auto value = annotations.find(std::string(kSuppressAnnotation));
    if (value == annotations.end()) {
        return out;
    }
    auto warn = [&](std::string message) {
        diagnostics_.push_back({Severity::kWarning, finding.location, finding.object.display(),
                                fmt::format("annotation {} {}; it suppresses nothing", kSuppressAnnotation,
                                            std::move(message))});
    };
    const std::string& text = value->second;
    const std::size_t colon = text.find(':');
    if (colon == std::string::npos || trim(text.substr(colon + 1)).empty()) {
        warn("needs the form 'RULE[,RULE...]: reason' (the reason is required)");
        return out;
    }
    std::string reason = trim(text.substr(colon + 1));
    std::vector<std::string> names;
    std::stringstream list(text.substr(0, colon));
    for (std::string name; std::getline(list, name, ',');) {
        name = trim(name);
        if (name.empty()) {
            continue;
        }
        if (find_rule(rules_, name) == nullptr) {
            warn(fmt::format("names '{}', which is no rule ID or slug (see `rbacgraph rules`)", name));
            return out;
        }
        names.push_back(std::move(name));
    }
    if (names.empty()) {
        warn("names no rule");
        return out;
    }
    out = {std::move(names), std::move(reason)};
    return out;
}

std::optional<Suppression> AnnotationSuppressions::find(const Finding& finding, const RuleInfo& rule) {
    for (const auto* annotations : finding.annotations) {
        if (annotations == nullptr) {
            continue;
        }
        const Parsed& parsed = parse(*annotations, finding);
        if (std::any_of(parsed.rules.begin(), parsed.rules.end(),
                        [&](const std::string& name) { return names_rule(name, rule); })) {
            return Suppression{"annotation", parsed.reason, finding.location};
        }
    }
    return std::nullopt;
}

std::optional<Suppression> config_suppression(const CheckConfig& config, const Finding& finding,
                                              const RuleInfo& rule) {
    auto field = [](const std::string& pattern, std::string_view value) {
        return pattern.empty() || glob_match(pattern, value);
    };
    auto any_field = [&](const std::string& pattern, const std::vector<std::string>& values) {
        return pattern.empty() || std::any_of(values.begin(), values.end(), [&](const std::string& value) {
                   return glob_match(pattern, value);
               });
    };
    for (const SuppressionRule& entry : config.suppressions) {
        const bool rule_matches = entry.rule == "*" || names_rule(entry.rule, rule);
        if (rule_matches && field(entry.kind, finding.object.kind) && field(entry.ns, finding.object.ns) &&
            field(entry.name, finding.object.name) && any_field(entry.subject, finding.subjects) &&
            any_field(entry.arn, finding.arns)) {
            return Suppression{"config", entry.reason, entry.location};
        }
    }
    return std::nullopt;
}

}  // namespace rbacgraph::check

namespace rbacgraph {

CheckConfig load_check_config(const std::string& file, std::vector<Diagnostic>& diagnostics) {
    CheckConfig config;
    const auto text = check::read_small_file(file, diagnostics, "config");
    if (!text) {
        return config;
    }
    load::ParsedFile parsed = load::parse_yaml(*text, file, LoadLimits{});
    diagnostics.insert(diagnostics.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
    if (parsed.documents.empty() || parsed.documents.front().is_null()) {
        return config;
    }
    load::FieldReader reader(file, "rbacgraph config", diagnostics);
    const load::Node& root = parsed.documents.front();
    if (!root.is_mapping()) {
        reader.error(root, fmt::format("the config must be a mapping, found {}", root.describe()));
        return config;
    }
    reader.unknown_fields(root, {"suppressions", "disable"});
    config.disable = reader.strings(root, "disable");
    if (const load::Node* list = reader.sequence(root, "suppressions")) {
        for (const load::Node& item : list->children) {
            if (!item.is_mapping()) {
                reader.error(item, fmt::format("a suppression must be a mapping, found {}", item.describe()));
                continue;
            }
            load::FieldReader entry_reader(file, "suppression", diagnostics);
            entry_reader.unknown_fields(item,
                                        {"rule", "kind", "namespace", "name", "subject", "arn", "reason"});
            SuppressionRule entry;
            entry.rule = entry_reader.string(item, "rule", true).value_or("");
            entry.reason = check::trim(entry_reader.string(item, "reason", true).value_or(""));
            entry.kind = entry_reader.string(item, "kind", false).value_or("");
            entry.ns = entry_reader.string(item, "namespace", false).value_or("");
            entry.name = entry_reader.string(item, "name", false).value_or("");
            entry.subject = entry_reader.string(item, "subject", false).value_or("");
            entry.arn = entry_reader.string(item, "arn", false).value_or("");
            entry.location = entry_reader.at(item);
            if (entry_reader.failed()) {
                continue;
            }
            if (entry.reason.empty()) {
                entry_reader.error(item, "a suppression needs a non-empty reason; this one is not applied");
                continue;
            }
            config.suppressions.push_back(std::move(entry));
        }
    }
    return config;
}

std::optional<std::set<std::string>> load_baseline(const std::string& file,
                                                   std::vector<Diagnostic>& diagnostics) {
    const auto text = check::read_small_file(file, diagnostics, "baseline");
    if (!text) {
        return std::nullopt;
    }
    const nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("findings") ||
        !json["findings"].is_array()) {
        diagnostics.push_back({Severity::kError,
                               {file, 0, 0},
                               "",
                               "not a baseline: expected a JSON object with a 'findings' array (written by "
                               "--write-baseline or `check -o json`)"});
        return std::nullopt;
    }
    // Version 1 is the only format there is; a later one may mean something this build cannot read, and a
    // baseline read wrongly hides findings (a `check -o json` report, which has no version, reads as 1).
    if (const auto version = json.find("rbacgraph_baseline"); version != json.end() && *version != 1) {
        diagnostics.push_back(
            {Severity::kError,
             {file, 0, 0},
             "",
             fmt::format("baseline format {} is not one this rbacgraph reads (1); write the "
                         "baseline again with --write-baseline, or use the rbacgraph that wrote it",
                         json_text(*version))});
        return std::nullopt;
    }
    std::set<std::string> fingerprints;
    for (const auto& finding : json["findings"]) {
        if (finding.is_object() && finding.contains("fingerprint") && finding["fingerprint"].is_string()) {
            fingerprints.insert(finding["fingerprint"].get<std::string>());
        } else {
            diagnostics.push_back({Severity::kError,
                                   {file, 0, 0},
                                   "",
                                   "a baseline finding has no string 'fingerprint'; it is ignored"});
        }
    }
    return fingerprints;
}

}  // namespace rbacgraph
