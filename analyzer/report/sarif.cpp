#include <array>
#include <map>

#include "rbacgraph/report.hpp"

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

nlohmann::json artifact(const std::string& file) {
    return {{"uri", file}};
}

nlohmann::json physical_location(const SourceLocation& location) {
    nlohmann::json out = {{"artifactLocation", artifact(location.file)}};
    if (location.line > 0) {
        out["region"] = {{"startLine", location.line}};
        if (location.column > 0) {
            out["region"]["startColumn"] = location.column;
        }
    }
    return out;
}

}  // namespace

nlohmann::json check_sarif(const CheckReport& report, std::span<const Rule> rules,
                           const std::vector<Diagnostic>& diagnostics,
                           std::string_view (*doc_of)(std::string_view slug)) {
    nlohmann::json sarif_rules = nlohmann::json::array();
    std::map<std::string, std::size_t> rule_index;
    for (const Rule& rule : rules) {
        rule_index[std::string(rule.info.id)] = sarif_rules.size();
        const std::string_view doc = doc_of == nullptr ? std::string_view() : doc_of(rule.info.slug);
        sarif_rules.push_back({
            {"id", rule.info.id},
            {"name", rule.info.slug},
            {"shortDescription", {{"text", rule.info.summary}}},
            {"fullDescription", {{"text", rule.info.summary}}},
            {"help",
             {{"text", doc.empty() ? std::string(rule.info.summary) : std::string(doc)},
              {"markdown", doc.empty() ? std::string(rule.info.summary) : std::string(doc)}}},
            {"defaultConfiguration", {{"level", sarif_level(rule.info.severity)}}},
            {"properties",
             {{"tags", {"security", "kubernetes", std::string(rule.info.family)}},
              {"security-severity", security_severity(rule.info.severity)},
              {"problem.severity", to_string(rule.info.severity)}}},
        });
    }
    nlohmann::json results = nlohmann::json::array();
    for (const Finding& finding : report.findings) {
        nlohmann::json result = {
            {"ruleId", finding.id},
            {"ruleIndex", rule_index.at(finding.id)},
            {"level", sarif_level(*finding.severity)},
            {"message", {{"text", finding.message}}},
            {"locations",
             {{{"physicalLocation", physical_location(finding.location)},
               {"logicalLocations", {{{"name", finding.object.display()}, {"kind", "object"}}}}}}},
            {"partialFingerprints", {{"rbacgraphFingerprint/v1", finding.fingerprint}}},
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
        results.push_back(std::move(result));
    }
    // Input problems are tool notifications, so CI shows them next to the results.
    nlohmann::json notifications = nlohmann::json::array();
    std::vector<Diagnostic> all = diagnostics;
    all.insert(all.end(), report.diagnostics.begin(), report.diagnostics.end());
    bool failed = false;
    for (const Diagnostic& diagnostic : all) {
        if (diagnostic.severity == Severity::kNote) {
            continue;
        }
        failed = failed || diagnostic.severity == Severity::kError;
        std::string text = diagnostic.message;
        if (!diagnostic.object.empty()) {
            text += " [" + diagnostic.object + "]";
        }
        notifications.push_back(
            {{"level", diagnostic.severity == Severity::kError ? "error" : "warning"},
             {"message", {{"text", text}}},
             {"locations", {{{"physicalLocation", physical_location(diagnostic.location)}}}}});
    }
    return {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs",
         {{{"tool", {{"driver", {{"name", "rbacgraph"}, {"version", "0.1.0"}, {"rules", sarif_rules}}}}},
           {"invocations",
            {{{"executionSuccessful", !failed}, {"toolExecutionNotifications", notifications}}}},
           {"results", results}}}},
    };
}

}  // namespace rbacgraph
