#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "rbacgraph/report.hpp"
#include "rbacgraph/version.hpp"

namespace rbacgraph {
namespace {

// SARIF levels: error for critical and high, warning for medium, note for low and info.
std::string_view sarif_level(RiskSeverity severity) {
    return severity >= RiskSeverity::kHigh ? "error" : severity == RiskSeverity::kMedium ? "warning" : "note";
}

// GitHub ranks security alerts by this 0-10 score (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4).
std::string_view security_severity(RiskSeverity severity) {
    constexpr std::array<std::string_view, 5> kScores = {"1.0", "3.0", "5.5", "8.0", "9.5"};
    return kScores[static_cast<std::size_t>(severity)];
}

// GitHub's problem.severity values are error, warning and recommendation.
std::string_view problem_severity(RiskSeverity severity) {
    return severity >= RiskSeverity::kHigh     ? "error"
           : severity == RiskSeverity::kMedium ? "warning"
                                               : "recommendation";
}

// RFC 3986: unreserved characters and the path separator stay, every other byte (space, %, #, ?, non-ASCII)
// becomes %XX.
std::string percent_encode(std::string_view path) {
    std::string out;
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || std::string_view("-._~/").find(c) != std::string_view::npos) {
            out += c;
        } else {
            out += fmt::format("%{:02X}", byte);
        }
    }
    return out;
}

std::string directory_uri(const std::string& directory) {
    std::string uri =
        "file://" + percent_encode(std::filesystem::path(directory).lexically_normal().generic_string());
    if (!uri.ends_with('/')) {
        uri += '/';
    }
    return uri;
}

// The first paragraph of a rule page's "What it detects" section (its fullDescription); "" without one.
std::string what_it_detects(std::string_view doc) {
    std::string out = doc_section(doc, "What it detects");
    out.resize(std::min(out.size(), out.find("\n\n")));
    std::replace(out.begin(), out.end(), '\n', ' ');
    return out;
}

nlohmann::json physical_location(const SourceLocation& location, const std::string& working_directory) {
    nlohmann::json out = {{"artifactLocation", sarif_artifact(location.file, working_directory)}};
    if (location.line > 0) {
        out["region"] = {{"startLine", location.line}};
        if (location.column > 0) {
            out["region"]["startColumn"] = location.column;
        }
    }
    return out;
}

}  // namespace

nlohmann::json sarif_artifact(const std::string& file, const std::string& working_directory) {
    if (file == "<stdin>") {
        return {{"uri", "urn:rbacgraph:stdin"}};
    }
    if (working_directory.empty()) {
        return {{"uri", percent_encode(file)}};
    }
    const WorkspacePath path = workspace_path(file, working_directory);
    if (path.relative) {
        return {{"uri", percent_encode(path.path)}, {"uriBaseId", "%SRCROOT%"}};
    }
    return {{"uri", "file://" + percent_encode(path.path)}};
}

std::string doc_section(std::string_view doc, std::string_view heading) {
    const std::string marker = fmt::format("## {}\n", heading);
    const std::size_t start = doc.find(marker);
    if (start == std::string_view::npos) {
        return {};
    }
    std::string_view rest = doc.substr(start + marker.size());
    rest = rest.substr(0, rest.find("\n## "));
    while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) {
        rest.remove_suffix(1);
    }
    return std::string(rest);
}

WorkspacePath workspace_path(const std::string& file, const std::string& working_directory) {
    namespace fs = std::filesystem;
    if (working_directory.empty()) {
        return {file, !fs::path(file).is_absolute()};
    }
    const fs::path base = fs::path(working_directory).lexically_normal();
    const fs::path absolute =
        (fs::path(file).is_absolute() ? fs::path(file) : base / file).lexically_normal();
    const fs::path relative = absolute.lexically_relative(base);
    if (!relative.empty() && *relative.begin() != "..") {
        return {relative.generic_string(), true};
    }
    return {absolute.generic_string(), false};
}

std::vector<Diagnostic> input_problems(const std::vector<Diagnostic>& loaded, const CheckReport& report) {
    std::vector<Diagnostic> out;
    for (const std::vector<Diagnostic>* from : {&loaded, &report.diagnostics}) {
        std::copy_if(from->begin(), from->end(), std::back_inserter(out),
                     [](const Diagnostic& diagnostic) { return diagnostic.severity != Severity::kNote; });
    }
    return out;
}

nlohmann::json check_sarif(const CheckReport& report, std::span<const Rule> rules,
                           const std::vector<Diagnostic>& diagnostics,
                           std::string_view (*doc_of)(std::string_view slug), SarifOptions options) {
    // GitHub takes security-severity from the rule, never from the result: a finding rated other than its
    // rule's default gets the sub-rule "RGnnn/<severity>" (SARIF 3.27.5 hierarchical rule IDs), so that what
    // GitHub shows, and what branch protection gates on, is what rbacgraph rates.
    // Suppressed, baselined and below --min-severity findings are out; of the rest, the most severe
    // max_results are kept (in report order).
    std::vector<const Finding*> kept;
    for (const Finding& finding : report.findings) {
        if ((options.include_suppressed || (!finding.suppression && !finding.known)) &&
            *finding.severity >= options.min_severity) {
            kept.push_back(&finding);
        }
    }
    const std::size_t eligible = kept.size();
    if (kept.size() > options.max_results) {
        std::vector<const Finding*> ranked = kept;
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const Finding* a, const Finding* b) { return *a->severity > *b->severity; });
        ranked.resize(options.max_results);
        const std::set<const Finding*> top(ranked.begin(), ranked.end());
        std::erase_if(kept, [&](const Finding* finding) { return !top.contains(finding); });
    }
    const std::set<const Finding*> kept_set(kept.begin(), kept.end());
    const auto included = [&](const Finding& finding) { return kept_set.contains(&finding); };
    // Keyed by views: the catalog's IDs and the findings' (which view the catalog) live for the program.
    std::map<std::string_view, RiskSeverity> defaults;
    for (const Rule& rule : rules) {
        defaults[rule.info.id] = rule.info.severity;
    }
    const auto rule_id = [&](const Finding& finding) {
        const std::string id(finding.id);
        return *finding.severity == defaults.at(finding.id)
                   ? id
                   : id + "/" + std::string(to_string(*finding.severity));
    };
    std::map<std::string_view, std::set<RiskSeverity>> variants;
    for (const Finding& finding : report.findings) {
        if (included(finding) && *finding.severity != defaults.at(finding.id)) {
            variants[finding.id].insert(*finding.severity);
        }
    }
    nlohmann::json sarif_rules = nlohmann::json::array();
    std::map<std::string, std::size_t> rule_index;
    const auto describe = [&](const Rule& rule, const std::string& id, RiskSeverity severity) {
        rule_index[id] = sarif_rules.size();
        const std::string_view doc = doc_of == nullptr ? std::string_view() : doc_of(rule.info.slug);
        const std::string what = what_it_detects(doc);
        const std::string full = what.empty() ? std::string(rule.info.summary) : what;
        const std::string rated_text =
            severity == rule.info.severity
                ? full
                : fmt::format("{} (findings rated {}; the rule's default is {})", full, to_string(severity),
                              to_string(rule.info.severity));
        sarif_rules.push_back({
            {"id", id},
            {"name", rule.info.slug},
            {"shortDescription", {{"text", rule.info.summary}}},
            {"fullDescription", {{"text", rated_text}}},
            {"help",
             {{"text", doc.empty() ? std::string(rule.info.summary) : std::string(doc)},
              {"markdown", doc.empty() ? std::string(rule.info.summary) : std::string(doc)}}},
            {"defaultConfiguration", {{"level", sarif_level(severity)}}},
            {"properties",
             {{"tags", {"security", "kubernetes", std::string(rule.info.family)}},
              {"security-severity", security_severity(severity)},
              {"problem.severity", problem_severity(severity)},
              // Findings follow the real authorizers' semantics; a grant rbacgraph cannot evaluate is a
              // possibility, not a fact.
              {"precision", rule.info.slug == "undetermined-grant" ? "medium" : "high"}}},
        });
    };
    for (const Rule& rule : rules) {
        const std::string id(rule.info.id);
        describe(rule, id, rule.info.severity);
        for (const RiskSeverity severity : variants[rule.info.id]) {
            describe(rule, id + "/" + std::string(to_string(severity)), severity);
        }
    }
    nlohmann::json results = nlohmann::json::array();
    for (const Finding& finding : report.findings) {
        if (!included(finding)) {
            continue;
        }
        const std::string id = rule_id(finding);
        nlohmann::json result = {
            {"ruleId", id},
            {"ruleIndex", rule_index.at(id)},
            {"level", sarif_level(*finding.severity)},
            {"message", {{"text", finding.message}}},
            {"locations",
             {{{"physicalLocation", physical_location(finding.location, options.working_directory)},
               {"logicalLocations", {{{"name", finding.object.display()}, {"kind", "object"}}}}}}},
            // GitHub tells alerts apart by rule and primaryLocationLineHash, which upload-sarif computes from
            // the line's text when absent: several findings on one line would merge. rbacgraph's fingerprint
            // is line-independent, so alerts also survive edits elsewhere in the file.
            {"partialFingerprints",
             {{"primaryLocationLineHash", finding.fingerprint},
              {"rbacgraphFingerprint/v1", finding.fingerprint}}},
            {"baselineState", finding.known ? "unchanged" : "new"},
            {"properties",
             {{"severity", to_string(*finding.severity)},
              {"subjects", finding.subjects},
              {"arns", finding.arns}}},
        };
        if (!finding.cluster.empty()) {
            result["properties"]["cluster"] = finding.cluster;
        }
        if (finding.suppression) {
            result["suppressions"] = {
                {{"kind", finding.suppression->source == "annotation" ? "inSource" : "external"},
                 {"justification", finding.suppression->reason}}};
        }
        if (!finding.evidence.empty()) {
            result["properties"]["evidence"] = finding.evidence;  // check --audit
        }
        results.push_back(std::move(result));
    }
    // Input problems are tool notifications, so CI shows them next to the results.
    nlohmann::json notifications = nlohmann::json::array();
    const std::vector<Diagnostic> problems = input_problems(diagnostics, report);
    const bool failed = count_errors(problems) > 0;
    for (const Diagnostic& diagnostic : problems) {
        std::string text = diagnostic.message;
        if (!diagnostic.object.empty()) {
            text += " [" + diagnostic.object + "]";
        }
        notifications.push_back(
            {{"level", diagnostic.severity == Severity::kError ? "error" : "warning"},
             {"message", {{"text", text}}},
             {"locations",
              {{{"physicalLocation", physical_location(diagnostic.location, options.working_directory)}}}}});
    }
    if (kept.size() < eligible) {
        const std::string text = fmt::format(
            "{} of {} results left out: at most {} per run (--max-results; GitHub rejects a run of more than "
            "25,000); the most severe are kept",
            eligible - kept.size(), eligible, options.max_results);
        notifications.push_back({{"level", "warning"}, {"message", {{"text", text}}}});
    }
    nlohmann::json invocation = {{"executionSuccessful", !failed},
                                 {"toolExecutionNotifications", notifications}};
    nlohmann::json run = {
        {"tool",
         {{"driver", {{"name", "rbacgraph"}, {"version", std::string(version())}, {"rules", sarif_rules}}}}},
        {"results", results},
    };
    if (!options.working_directory.empty()) {
        const std::string base = directory_uri(options.working_directory);
        invocation["workingDirectory"] = {{"uri", base}};
        run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", base}}}};
    }
    if (!options.category.empty()) {
        run["automationDetails"] = {{"id", options.category}};
    }
    run["invocations"] = nlohmann::json::array({invocation});
    return {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs", nlohmann::json::array({run})},
    };
}

}  // namespace rbacgraph
