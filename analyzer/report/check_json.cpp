#include "rbacgraph/report.hpp"

namespace rbacgraph {
namespace {

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
    if (finding.suppression) {
        out["suppression"] = {{"source", finding.suppression->source},
                              {"reason", finding.suppression->reason}};
    }
    return out;
}

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

}  // namespace

nlohmann::json check_json(const CheckReport& report, std::optional<RiskSeverity> fail_on,
                          const std::vector<Diagnostic>& diagnostics, const Export& source) {
    nlohmann::json findings = nlohmann::json::array();
    nlohmann::json by_severity = {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}, {"info", 0}};
    std::size_t suppressed = 0;
    std::size_t known = 0;
    for (const Finding& finding : report.findings) {
        findings.push_back(finding_json(finding));
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
        {"findings", findings},
        {"errors", diagnostics_of(all, Severity::kError)},
        {"warnings", diagnostics_of(all, Severity::kWarning)},
        {"summary",
         {{"findings", report.findings.size() - suppressed - known},
          {"by_severity", by_severity},
          {"suppressed", suppressed},
          {"known", known},
          {"baseline_fixed", report.baseline_fixed},
          {"builtin_hidden", report.builtin_hidden},
          {"fail_on", fail_on ? std::string(to_string(*fail_on)) : "never"},
          {"failing", report.failing(fail_on)},
          {"input", summary_json(source, diagnostics)}}},
    };
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
