#include "check/suppress.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "load/document.hpp"
#include "load/fields.hpp"
#include "model/wildcard.hpp"
#include "rbacgraph/api_catalog.hpp"
#include "rbacgraph/arn.hpp"
#include "rbacgraph/model.hpp"
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
                                              const RuleInfo& rule, std::vector<bool>* used) {
    auto field = [](const std::string& pattern, std::string_view value) {
        return pattern.empty() || glob_match(pattern, value);
    };
    auto any_field = [&](const std::string& pattern, const std::vector<std::string>& values) {
        return pattern.empty() || std::any_of(values.begin(), values.end(), [&](const std::string& value) {
                   return glob_match(pattern, value);
               });
    };
    for (std::size_t i = 0; i < config.suppressions.size(); ++i) {
        const SuppressionRule& entry = config.suppressions[i];
        const bool rule_matches = entry.rule == "*" || names_rule(entry.rule, rule);
        if (rule_matches && field(entry.kind, finding.object.kind) && field(entry.ns, finding.object.ns) &&
            field(entry.name, finding.object.name) && any_field(entry.subject, finding.subjects) &&
            any_field(entry.arn, finding.arns)) {
            if (used != nullptr && i < used->size()) {
                (*used)[i] = true;
            }
            return Suppression{"config", entry.reason, entry.location};
        }
    }
    return std::nullopt;
}

}  // namespace rbacgraph::check

namespace rbacgraph {

namespace {

constexpr std::array<std::string_view, 10> kConfigKeys = {
    "suppressions",       "enable",   "disable", "fail-on",
    "min-severity",       "baseline", "exclude", "default-namespace",
    "kubernetes-version", "creator"};
constexpr std::array<std::string_view, 7> kSuppressionKeys = {"rule",    "kind", "namespace", "name",
                                                              "subject", "arn",  "reason"};
constexpr std::array<std::string_view, 6> kFailOn = {"critical", "high", "medium", "low", "info", "never"};

// A key the config does not know is an error: a misspelt `supressions:` that is ignored suppresses nothing
// while the file looks right (issue 31).
void require_known_keys(const load::Node& mapping, std::span<const std::string_view> known,
                        std::string_view what, load::FieldReader& reader) {
    const std::vector<std::string> names(known.begin(), known.end());
    for (std::size_t i = 0; i < mapping.keys.size(); ++i) {
        const std::string& key = mapping.keys[i];
        if (std::find(known.begin(), known.end(), key) != known.end()) {
            continue;
        }
        const std::vector<std::string> near = nearest_words(key, names, 1);
        reader.error(mapping.children[i],
                     fmt::format("unknown key '{}' in {}{}; the keys are {}", key, what,
                                 near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near.front()),
                                 fmt::join(known, ", ")));
    }
}

// A rule name that names no rule is an error with the nearest rule (a suppression of a misspelt rule
// suppresses nothing).
bool known_rule(std::span<const Rule> rules, const std::string& name, const load::Node& at,
                load::FieldReader& reader) {
    if (name == "*" || find_rule(rules, name) != nullptr) {
        return true;
    }
    const std::string near = nearest_rule(rules, name);
    reader.error(at, fmt::format("'{}' is no rule ID or slug{} (see `rbacgraph rules`)", name,
                                 near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
    return false;
}

std::optional<std::string> one_of(load::FieldReader& reader, const load::Node& root, std::string_view key,
                                  std::span<const std::string_view> allowed) {
    std::optional<std::string> value = reader.string(root, key, false);
    if (value && std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
        reader.error(*root.find(key),
                     fmt::format("{} must be one of {}, not '{}'", key, fmt::join(allowed, ", "), *value));
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::span<const std::string_view> check_config_keys() {
    return {kConfigKeys.data(), kConfigKeys.size()};
}

CheckConfig load_check_config(const std::string& file, std::vector<Diagnostic>& diagnostics,
                              std::span<const Rule> rules) {
    CheckConfig config;
    config.file = file;
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
    require_known_keys(root, kConfigKeys, "the rbacgraph config", reader);
    for (auto [key, names] : {std::pair{"enable", &config.enable}, std::pair{"disable", &config.disable}}) {
        *names = reader.strings(root, key);
        if (const load::Node* list = root.find(key); list != nullptr && list->is_sequence()) {
            std::vector<std::string> known;
            for (std::size_t i = 0; i < names->size() && i < list->children.size(); ++i) {
                if ((*names)[i] == "*") {
                    // '*' names every rule only in a suppression; here it would be read as no rule at all.
                    reader.error(list->children[i],
                                 fmt::format("'*' is not a rule name in {}: list the rules", key));
                } else if (known_rule(rules, (*names)[i], list->children[i], reader)) {
                    known.push_back((*names)[i]);
                }
            }
            *names = std::move(known);
        }
    }
    config.fail_on = one_of(reader, root, "fail-on", kFailOn);
    config.min_severity = one_of(reader, root, "min-severity", std::span(kFailOn).first(5));
    if (auto baseline = reader.string(root, "baseline", false)) {
        // Relative to the config file, as a repository keeps them side by side.
        const std::filesystem::path path(*baseline);
        config.baseline =
            path.is_absolute() ? *baseline : (std::filesystem::path(file).parent_path() / path).string();
    }
    config.exclude = reader.strings(root, "exclude");
    config.default_namespace = reader.string(root, "default-namespace", false);
    if (auto version = reader.string(root, "kubernetes-version", false)) {
        if (KubernetesVersion::parse(*version)) {
            config.kubernetes_version = std::move(version);
        } else {
            reader.error(
                *root.find("kubernetes-version"),
                fmt::format("kubernetes-version expects a version such as 1.35, not '{}'", *version));
        }
    }
    if (auto creator = reader.string(root, "creator", false)) {
        if (is_principal_arn(*creator)) {
            config.creator = std::move(creator);
        } else {
            reader.error(*root.find("creator"),
                         fmt::format("creator expects an IAM principal ARN (the cluster creator's), not '{}'",
                                     *creator));
        }
    }
    if (const load::Node* list = reader.sequence(root, "suppressions")) {
        for (const load::Node& item : list->children) {
            if (!item.is_mapping()) {
                reader.error(item, fmt::format("a suppression must be a mapping, found {}", item.describe()));
                continue;
            }
            load::FieldReader entry_reader(file, "suppression", diagnostics);
            require_known_keys(item, kSuppressionKeys, "a suppression", entry_reader);
            SuppressionRule entry;
            entry.rule = entry_reader.string(item, "rule", true).value_or("");
            entry.reason = check::trim(entry_reader.string(item, "reason", true).value_or(""));
            entry.kind = entry_reader.string(item, "kind", false).value_or("");
            entry.ns = entry_reader.string(item, "namespace", false).value_or("");
            entry.name = entry_reader.string(item, "name", false).value_or("");
            entry.subject = entry_reader.string(item, "subject", false).value_or("");
            entry.arn = entry_reader.string(item, "arn", false).value_or("");
            entry.location = entry_reader.at(item);
            if (!entry.rule.empty()) {
                known_rule(rules, entry.rule, *item.find("rule"), entry_reader);
            }
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

std::optional<std::string> find_check_config(const std::filesystem::path& start) {
    std::error_code code;
    std::filesystem::path dir = std::filesystem::absolute(start, code);
    if (code) {
        return std::nullopt;
    }
    while (true) {
        const std::filesystem::path candidate = dir / ".rbacgraph.yaml";
        if (std::filesystem::is_regular_file(candidate, code)) {
            return candidate.string();
        }
        // The repository root is as far as a repository's config can be.
        if (std::filesystem::exists(dir / ".git", code) || !dir.has_parent_path() ||
            dir.parent_path() == dir) {
            return std::nullopt;
        }
        dir = dir.parent_path();
    }
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
