#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "rbacgraph/report.hpp"
#include "rbacgraph/version.hpp"

namespace rbacgraph {

nlohmann::json finding_json(const Finding& finding) {
    nlohmann::json out = {
        {"rule", finding.rule},
        {"id", finding.id},
        {"severity", to_string(*finding.severity)},
        {"message", finding.message},
        {"object",
         {{"kind", finding.object.kind}, {"namespace", finding.object.ns}, {"name", finding.object.name}}},
        {"location", {{"file", finding.location.file}, {"line", finding.location.line}}},
        {"subjects", finding.subjects},
        {"arns", finding.arns},
        {"fingerprint", finding.fingerprint},
        {"state", finding.suppression ? "suppressed"
                  : finding.known     ? "known"
                                      : "new"},
    };
    if (!finding.evidence.empty()) {
        out["evidence"] = finding.evidence;
    }
    if (finding.suppression) {
        out["suppression"] = {{"source", finding.suppression->source},
                              {"reason", finding.suppression->reason}};
    }
    if (!finding.cluster.empty()) {
        out["cluster"] = finding.cluster;
    }
    return out;
}

namespace {

nlohmann::json diagnostics_of(const std::vector<Diagnostic>& diagnostics, Severity severity) {
    nlohmann::json out = nlohmann::json::array();
    for (const Diagnostic& diagnostic : diagnostics) {
        if (diagnostic.severity == severity) {
            out.push_back({{"file", diagnostic.location.file},
                           {"line", diagnostic.location.line},
                           {"column", diagnostic.location.column},
                           {"object", diagnostic.object},
                           {"message", diagnostic.message}});
        }
    }
    return out;
}

// Everything but the findings, which can be too many to hold twice.
nlohmann::json check_json_without_findings(const CheckReport& report, std::optional<RiskSeverity> fail_on,
                                           const std::vector<Diagnostic>& diagnostics, const Export& source,
                                           RiskSeverity min_severity) {
    std::size_t below = 0;
    for (const Finding& finding : report.findings) {
        below += *finding.severity < min_severity ? 1 : 0;
    }
    nlohmann::json by_severity = {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}, {"info", 0}};
    std::size_t suppressed = 0;
    std::size_t known = 0;
    for (const Finding& finding : report.findings) {
        if (finding.suppression) {
            ++suppressed;
        } else if (finding.known) {
            ++known;
        } else {
            by_severity[std::string(to_string(*finding.severity))] =
                by_severity[std::string(to_string(*finding.severity))].get<int>() + 1;
        }
    }
    std::vector<Diagnostic> all = diagnostics;
    all.insert(all.end(), report.diagnostics.begin(), report.diagnostics.end());
    return {
        {"errors", diagnostics_of(all, Severity::kError)},
        {"warnings", diagnostics_of(all, Severity::kWarning)},
        {"summary",
         {{"findings", report.findings.size() - suppressed - known},
          {"by_severity", by_severity},
          {"suppressed", suppressed},
          {"known", known},
          {"baseline_fixed", report.baseline_fixed},
          {"below_min_severity", below},
          {"min_severity", std::string(to_string(min_severity))},
          {"builtin_hidden", report.builtin_hidden},
          {"fail_on", fail_on ? std::string(to_string(*fail_on)) : "never"},
          {"failing", report.failing(fail_on)},
          {"input", summary_json(source, diagnostics)}}},
        // Which rbacgraph wrote it: a report archived by CI says what produced it.
        {"tool", {{"name", "rbacgraph"}, {"version", std::string(version())}}},
    };
}

// dump(2) of a value that sits `depth` levels deep in the document.
std::string nested_dump(const nlohmann::json& value, std::size_t depth) {
    std::string text = json_text(value, 2);
    std::string indent(1, '\n');
    indent.append(2 * depth, ' ');  // (not "\n" + string: GCC 12 -Wrestrict false positive)
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\n') {
            out += indent;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

nlohmann::json check_json(const CheckReport& report, std::optional<RiskSeverity> fail_on,
                          const std::vector<Diagnostic>& diagnostics, const Export& source,
                          RiskSeverity min_severity) {
    nlohmann::json out = check_json_without_findings(report, fail_on, diagnostics, source, min_severity);
    nlohmann::json& findings = out["findings"] = nlohmann::json::array();
    for (const Finding& finding : report.findings) {
        if (*finding.severity >= min_severity) {
            findings.push_back(finding_json(finding));
        }
    }
    return out;
}

namespace {

// A JSON string as nlohmann's dump() writes it; anything beyond ASCII is left to nlohmann itself.
void append_string(std::string& out, std::string_view text) {
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
        out += json_text(nlohmann::json(std::string(text)));
        return;
    }
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

void append_strings(std::string& out, const std::vector<std::string>& items, std::string_view indent) {
    if (items.empty()) {
        out += "[]";
        return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out.append(indent).append("  ");
        append_string(out, items[i]);
        out += i + 1 < items.size() ? ",\n" : "\n";
    }
    out.append(indent).push_back(']');
}

// finding_json(finding) as dump(2) prints it two levels deep: the hot path of `check -o json` on large
// exports.
void append_finding(std::string& out, const Finding& finding) {
    constexpr std::string_view kIndent = "      ";
    const auto key = [&](std::string_view name) {
        out.append(kIndent).push_back('"');
        out.append(name).append("\": ");
    };
    out += "{\n";
    key("arns");
    append_strings(out, finding.arns, kIndent);
    out += ",\n";
    if (!finding.cluster.empty()) {
        key("cluster");
        append_string(out, finding.cluster);
        out += ",\n";
    }
    if (!finding.evidence.empty()) {
        key("evidence");
        append_strings(out, finding.evidence, kIndent);
        out += ",\n";
    }
    key("fingerprint");
    append_string(out, finding.fingerprint);
    out += ",\n";
    key("id");
    append_string(out, finding.id);
    out += ",\n";
    key("location");
    out += "{\n        \"file\": ";
    append_string(out, finding.location.file.str());
    out += fmt::format(",\n        \"line\": {}\n      }},\n", finding.location.line);
    key("message");
    append_string(out, finding.message);
    out += ",\n";
    key("object");
    out += "{\n        \"kind\": ";
    append_string(out, finding.object.kind);
    out += ",\n        \"name\": ";
    append_string(out, finding.object.name);
    out += ",\n        \"namespace\": ";
    append_string(out, finding.object.ns);
    out += "\n      },\n";
    key("rule");
    append_string(out, finding.rule);
    out += ",\n";
    key("severity");
    append_string(out, to_string(*finding.severity));
    out += ",\n";
    key("state");
    append_string(out, finding.suppression ? "suppressed" : finding.known ? "known" : "new");
    out += ",\n";
    key("subjects");
    append_strings(out, finding.subjects, kIndent);
    if (finding.suppression) {
        out += ",\n";
        key("suppression");
        out += "{\n        \"reason\": ";
        append_string(out, finding.suppression->reason);
        out += ",\n        \"source\": ";
        append_string(out, finding.suppression->source);
        out += "\n      }";
    }
    out += "\n    }";
}

}  // namespace

void write_check_json(std::ostream& out, const CheckReport& report, std::optional<RiskSeverity> fail_on,
                      const std::vector<Diagnostic>& diagnostics, const Export& source,
                      RiskSeverity min_severity) {
    // The same bytes as check_json(...).dump(2), one finding at a time; keys are in nlohmann's sorted order.
    const nlohmann::json rest =
        check_json_without_findings(report, fail_on, diagnostics, source, min_severity);
    out << "{\n  \"errors\": " << nested_dump(rest.at("errors"), 1) << ",\n  \"findings\": ";
    bool first = true;
    std::string text;
    for (const Finding& finding : report.findings) {
        if (*finding.severity < min_severity) {
            continue;
        }
        text = first ? "[\n    " : ",\n    ";
        append_finding(text, finding);
        out << text;
        first = false;
    }
    out << (first ? "[]" : "\n  ]");
    out << ",\n  \"summary\": " << nested_dump(rest.at("summary"), 1)
        << ",\n  \"tool\": " << nested_dump(rest.at("tool"), 1)
        << ",\n  \"warnings\": " << nested_dump(rest.at("warnings"), 1) << "\n}\n";
}

nlohmann::json baseline_json(const CheckReport& report) {
    nlohmann::json findings = nlohmann::json::array();
    for (const Finding& finding : report.findings) {
        findings.push_back({{"fingerprint", finding.fingerprint},
                            {"rule", finding.rule},
                            {"object", finding.object.display()},
                            {"message", finding.message}});
    }
    return {{"rbacgraph_baseline", 1}, {"findings", findings}};
}

}  // namespace rbacgraph
