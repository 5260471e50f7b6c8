// check -o gitlab-sast: GitLab's SAST security report, which feeds the merge-request security widget and the
// vulnerability report. The fields and their constraints are those of the security-report-schemas
// `dist/sast-report-format.json` of the 15.x line (gitlab-org/security-products/security-report-schemas) and
// of GitLab's "Security scanner integration" page (doc/development/integrations/secure.md): required
// `version`, `scan` (analyzer and scanner with id, name, version, vendor.name; type "sast"; start_time and
// end_time as yyyy-mm-ddThh:mm:ss; status success or failure) and `vulnerabilities` (id, identifiers with at
// least one {type, name, value}, location). GitLab rejects a whole report on one schema error, so
// tests/schema_test.sh validates reports against these constraints (testdata/schemas/README.md).
#include <fmt/format.h>

#include <cstdint>

#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"
#include "rbacgraph/version.hpp"

namespace rbacgraph {
namespace {

constexpr std::size_t kNameLimit = 255;

std::string_view gitlab_severity(RiskSeverity severity) {
    switch (severity) {
        case RiskSeverity::kCritical:
            return "Critical";
        case RiskSeverity::kHigh:
            return "High";
        case RiskSeverity::kMedium:
            return "Medium";
        case RiskSeverity::kLow:
            return "Low";
        case RiskSeverity::kInfo:
            break;
    }
    return "Info";
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

// The schema recommends a UUID for a vulnerability's id. rbacgraph's fingerprint is 64 bits; two FNV-1a
// hashes of it with different offsets give 128, laid out as an RFC 9562 version 8 (custom) UUID, so the same
// finding has the same id in every run.
std::string vulnerability_id(std::string_view fingerprint) {
    std::string hex = fmt::format("{:016x}{:016x}", fnv1a(fingerprint, 0xcbf29ce484222325ULL),
                                  fnv1a(fingerprint, 0x84222325cbf29ce4ULL));
    constexpr std::string_view kDigits = "0123456789abcdef";
    hex[12] = '8';                                           // version 8
    hex[16] = kDigits[0x8 | (kDigits.find(hex[16]) & 0x3)];  // variant 10xx
    return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                       hex.substr(16, 4), hex.substr(20));
}

// At most `limit` bytes, cut at a character boundary and marked with "..." when cut (the schema limits a
// vulnerability's name to 255 characters).
std::string at_most(std::string text, std::size_t limit) {
    if (text.size() <= limit) {
        return text;
    }
    std::size_t cut = limit - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
        --cut;  // not inside a UTF-8 sequence
    }
    text.resize(cut);
    return text + "...";
}

std::string description(const Finding& finding, const RuleInfo& info) {
    std::string out = markdown_text(finding.message);
    if (!finding.cluster.empty()) {
        out += fmt::format("\n\nCluster: {}", markdown_text(finding.cluster));
    }
    if (!finding.arns.empty()) {
        out += "\n\nIAM principals:";
        for (const std::string& arn : finding.arns) {
            out += fmt::format("\n- {}", markdown_text(arn));
        }
    }
    if (!finding.subjects.empty()) {
        out += "\n\nKubernetes subjects:";
        for (const std::string& subject : finding.subjects) {
            out += fmt::format("\n- {}", markdown_text(subject));
        }
    }
    out += fmt::format("\n\nObject: {}. Rule {} {} (`rbacgraph rules {}`); fingerprint `{}`.",
                       markdown_text(finding.object.display()), info.id, info.slug, info.slug,
                       finding.fingerprint);
    return out;
}

nlohmann::json location(const SourceLocation& where, const std::string& working_directory) {
    nlohmann::json out = nlohmann::json::object();
    // A built-in object or a setting has no file in the repository; standard input has none either.
    if (where.origin != Origin::kInput || where.file.empty() || where.file == "<stdin>") {
        return out;
    }
    out["file"] = workspace_path(where.file, working_directory).path;
    if (where.line > 0) {
        out["start_line"] = where.line;
    }
    return out;
}

}  // namespace

nlohmann::json check_gitlab_sast(const CheckReport& report, std::span<const Rule> rules,
                                 const std::vector<Diagnostic>& diagnostics,
                                 const GitlabSastOptions& options) {
    std::map<std::string_view, const RuleInfo*> info_of;
    for (const Rule& rule : rules) {
        info_of[rule.info.id] = &rule.info;
    }
    nlohmann::json vulnerabilities = nlohmann::json::array();
    std::size_t below = 0;
    std::size_t silenced = 0;
    for (const Finding& finding : report.findings) {
        if (finding.suppression || finding.known) {
            ++silenced;
            continue;
        }
        if (*finding.severity < options.min_severity) {
            ++below;
            continue;
        }
        const RuleInfo& info = *info_of.at(finding.id);
        nlohmann::json vulnerability = {
            {"id", vulnerability_id(finding.fingerprint)},
            {"name", at_most(fmt::format("{} {}: {}", info.id, info.slug, info.summary), kNameLimit)},
            {"description", description(finding, info)},
            {"severity", gitlab_severity(*finding.severity)},
            // GitLab tells vulnerabilities apart by their primary (first) identifier and location: the
            // finding's own line-independent fingerprint keeps two findings of one rule on one line apart
            // (several ARNs in one mapping) and follows a finding when lines move; the rule comes second.
            {"identifiers",
             {{{"type", "rbacgraph_finding"},
               {"name", fmt::format("rbacgraph finding {}", finding.fingerprint)},
               {"value", finding.fingerprint}},
              {{"type", "rbacgraph_rule_id"},
               {"name", fmt::format("{} {}", info.id, info.slug)},
               {"value", std::string(info.id)}}}},
            {"location", location(finding.location, options.working_directory)},
        };
        if (std::string solution = doc_section(rule_doc(info.slug), "How to fix"); !solution.empty()) {
            vulnerability["solution"] = std::move(solution);
        }
        vulnerabilities.push_back(std::move(vulnerability));
    }
    nlohmann::json messages = nlohmann::json::array();
    const std::vector<Diagnostic> problems = input_problems(diagnostics, report);
    const bool failed = count_errors(problems) > 0;
    for (const Diagnostic& diagnostic : problems) {
        messages.push_back({{"level", diagnostic.severity == Severity::kError ? "fatal" : "warn"},
                            {"value", format_diagnostic(diagnostic)}});
    }
    if (silenced > 0) {
        messages.push_back(
            {{"level", "info"},
             {"value", fmt::format("{} suppressed or baselined findings left out (GitLab would open them)",
                                   silenced)}});
    }
    if (below > 0) {
        messages.push_back({{"level", "info"},
                            {"value", fmt::format("{} findings below {} left out (--min-severity)", below,
                                                  to_string(options.min_severity))}});
    }
    const nlohmann::json tool = {{"id", "rbacgraph"},
                                 {"name", "rbacgraph"},
                                 {"version", std::string(version())},
                                 {"vendor", {{"name", "rbacgraph"}}}};
    nlohmann::json scan = {
        {"analyzer", tool},
        {"scanner", tool},
        {"type", "sast"},
        {"start_time", options.start_time},
        {"end_time", options.end_time},
        // Input rbacgraph could not read means the scan did not see everything: never a clean success.
        {"status", failed ? "failure" : "success"},
    };
    if (!messages.empty()) {
        scan["messages"] = std::move(messages);
    }
    return {
        {"schema",
         fmt::format("https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
                     "v{}/dist/sast-report-format.json",
                     kGitlabSastSchemaVersion)},
        {"version", std::string(kGitlabSastSchemaVersion)},
        {"scan", std::move(scan)},
        {"vulnerabilities", std::move(vulnerabilities)},
    };
}

}  // namespace rbacgraph
