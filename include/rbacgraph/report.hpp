#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <vector>

#include "rbacgraph/access_graph.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/diff.hpp"
#include "rbacgraph/estate.hpp"
#include "rbacgraph/migrate.hpp"
#include "rbacgraph/output_text.hpp"
#include "rbacgraph/query.hpp"
#include "rbacgraph/usage.hpp"

namespace rbacgraph {

/// Text for a terminal: aligned, readable, deterministic.
void write_can_i_text(std::ostream& out, const Graph& graph, const Identity& identity,
                      const Decision& decision, bool explain);
/// The width text tables are cut to (0: no limit, the default): the CLI sets the terminal's width when text
/// goes to a terminal, and leaves it unlimited for `-o wide`, pipes and files. A cell cut ends in "...", and
/// the table is followed by a line saying so.
void set_table_width(std::size_t columns);

void write_what_can_text(std::ostream& out, const WhatCan& result);
/// can-i --list: kubectl's table (Resources, Non-Resource URLs, Resource Names, Verbs) of one namespace.
void write_rules_list_text(std::ostream& out, const WhatCan& result, const RulesInNamespace& listed);
void write_who_can_text(std::ostream& out, const Graph& graph, const WhoCan& result);
/// "loaded 3 files, 12 documents: 10 used (...), 1 skipped (...), 1 rejected; 2 errors, 1 warning".
std::string summary_line(const Export& source, const std::vector<Diagnostic>& diagnostics);

/// JSON documented in docs/json-output.md; keys are stable.
nlohmann::json identity_json(const Identity& identity);
nlohmann::json can_i_json(const Graph& graph, const Identity& identity, const Request& request,
                          const Decision& decision);
nlohmann::json what_can_json(const WhatCan& result);
nlohmann::json rules_list_json(const WhatCan& result, const RulesInNamespace& listed);
nlohmann::json who_can_json(const Graph& graph, const WhoCan& result);
nlohmann::json diagnostics_json(const std::vector<Diagnostic>& diagnostics);
nlohmann::json summary_json(const Export& source, const std::vector<Diagnostic>& diagnostics);

/// Answers over several clusters or with IAM dumps (docs/estate.md): the IAM routes, then per cluster the
/// single-cluster answer of each identity reached.
void write_what_can_estate_text(std::ostream& out, const Estate& estate, const EstateWhatCan& result);
nlohmann::json what_can_estate_json(const Estate& estate, const EstateWhatCan& result);
void write_can_i_estate_text(std::ostream& out, const Estate& estate, const EstateCanI& result, bool explain);
nlohmann::json can_i_estate_json(const Estate& estate, const EstateCanI& result, const Request& request);
void write_who_can_estate_text(std::ostream& out, const Estate& estate, const EstateWhoCan& result);
nlohmann::json who_can_estate_json(const Estate& estate, const EstateWhoCan& result);

/// can-i, what-can and who-can over any estate, a single cluster being an estate of one: one unnamed cluster
/// without IAM dumps prints as one cluster always has; a Kubernetes user is answered per cluster under a
/// heading; an ARN over several clusters or with IAM dumps per cluster and route (docs/estate.md).
void write_can_i(std::ostream& out, const Estate& estate, const EstateCanI& result, bool explain);
/// "request: get deployments.apps -n shop (read from 'deploy': the short name of deployments.apps)".
void write_request_line(std::ostream& out, const ResolvedRequest& request);
/// How the request was read, beside the answer's "request" (a top-level one when the answer has none):
/// "resolvedFrom", "warnings" and "doubts".
void add_request_resolution(nlohmann::json& answer, const ResolvedRequest& request);
nlohmann::json can_i_answer_json(const Estate& estate, const EstateCanI& result, const Request& request);
void write_what_can(std::ostream& out, const Estate& estate, const EstateWhatCan& result);
/// can-i --list over the estate: one table per cluster (and per assumable role that authenticates).
void write_rules_list(std::ostream& out, const Estate& estate, const EstateWhatCan& result,
                      std::string_view ns);
nlohmann::json rules_list_answer_json(const Estate& estate, const EstateWhatCan& result, std::string_view ns);
nlohmann::json what_can_answer_json(const Estate& estate, const EstateWhatCan& result);
void write_who_can(std::ostream& out, const Estate& estate, const EstateWhoCan& result);
nlohmann::json who_can_answer_json(const Estate& estate, const EstateWhoCan& result);

/// The access graph (`rbacgraph graph`): Graphviz DOT, a Mermaid flowchart, or JSON nodes and edges. Risky
/// nodes and the edges into them are red; conditional assume-role edges dashed.
void write_graph_dot(std::ostream& out, const AccessGraph& graph);
void write_graph_mermaid(std::ostream& out, const AccessGraph& graph);
/// {"nodes": [...], "edges": [...]}, one element per line.
void write_graph_json(std::ostream& out, const AccessGraph& graph);

/// `check` as text: one block per finding, then a summary with counts and the failing threshold.
/// How check and diff text looks: the names the summary lines give check's settings (the CLI: its options),
/// and whether severities, verdicts and gained/lost lines carry ANSI colours (the CLI: --color).
struct TextOptions {
    std::string include_builtin = "the include-builtin setting";
    std::string fail_on = "the fail-on threshold";
    bool color = false;
    /// Findings below it are counted, not listed (an output filter; the fail-on gate counts every finding).
    RiskSeverity min_severity = RiskSeverity::kInfo;
    std::string min_severity_name = "the min-severity setting";
    /// List the findings the baseline knows (otherwise one line counts them).
    bool show_known = true;
    std::string show_known_name = "the show-known setting";
};

void write_check_text(std::ostream& out, const CheckReport& report, std::optional<RiskSeverity> fail_on,
                      const TextOptions& names = {});
/// `check -o json` (docs/check.md): findings, errors, warnings, summary.
/// Findings below min_severity are left out of "findings" and counted in summary.below_min_severity; the
/// other counts are the run's.
nlohmann::json check_json(const CheckReport& report, std::optional<RiskSeverity> fail_on,
                          const std::vector<Diagnostic>& diagnostics, const Export& source,
                          RiskSeverity min_severity = RiskSeverity::kInfo);
/// Writes check_json(...).dump(2) and a newline without holding the whole document.
void write_check_json(std::ostream& out, const CheckReport& report, std::optional<RiskSeverity> fail_on,
                      const std::vector<Diagnostic>& diagnostics, const Export& source,
                      RiskSeverity min_severity = RiskSeverity::kInfo);
/// `check -o junit` (docs/check.md): one test suite per rule run (those of `enabled`; empty: all), one test
/// case per finding, failing at or above fail_on, skipped when suppressed or baselined.
void write_check_junit(std::ostream& out, const CheckReport& report, std::span<const Rule> rules,
                       const std::set<std::string>& enabled, std::optional<RiskSeverity> fail_on);
/// The text of one "## HEADING" section of a rule page, without the heading and trailing blank lines; empty
/// when the page has none (SARIF's fullDescription, GitLab's solution).
std::string doc_section(std::string_view doc, std::string_view heading);
/// `check -o markdown`: the verdict, counts by severity, then at most max_rows findings, most severe first.
/// Findings below min_severity are counted in the table, not listed.
void write_check_markdown(std::ostream& out, const CheckReport& report, std::optional<RiskSeverity> fail_on,
                          std::size_t max_rows = 100, RiskSeverity min_severity = RiskSeverity::kInfo);
/// What goes into a SARIF log.
struct SarifOptions {
    /// Also the suppressed and baselined findings. GitHub code scanning ignores `suppressions` and
    /// `baselineState` and would open alerts for them, so they are left out by default.
    bool include_suppressed = false;
    /// The absolute directory the run was started in (`invocations[0].workingDirectory`, and the base
    /// `%SRCROOT%` that paths under it are written relative to); empty: paths are written as given.
    std::string working_directory;
    /// `runAutomationDetails.id`: tells several uploads for one commit apart (GitHub's category).
    std::string category;
    /// Results below this severity are left out (an output filter; --fail-on is separate).
    RiskSeverity min_severity = RiskSeverity::kInfo;
    /// At most this many results (GitHub rejects a run over 25,000); the most severe are kept and a tool
    /// notification says how many were left out.
    std::size_t max_results = 25000;
};

/// What a dashboard report lists as problems of the run: the load's and the check's errors and warnings, in
/// that order (notes are for the terminal).
std::vector<Diagnostic> input_problems(const std::vector<Diagnostic>& loaded, const CheckReport& report);

/// A file path as a code-scanning dashboard wants it: relative to the directory the run started in when it is
/// under it (the repository checkout in CI), else absolute. Empty working_directory: the path as given.
struct WorkspacePath {
    std::string path;
    bool relative = false;
};
WorkspacePath workspace_path(const std::string& file, const std::string& working_directory);

/// A file path as a SARIF artifactLocation: relative to working_directory (with uriBaseId %SRCROOT%) when it
/// is under it, else an absolute file:// URI; percent-encoded (RFC 3986); standard input is
/// urn:rbacgraph:stdin.
nlohmann::json sarif_artifact(const std::string& file, const std::string& working_directory);

/// SARIF 2.1.0 for GitHub code scanning: the rules with their docs, results with physical locations.
/// doc_of gives each rule's Markdown page (rule_doc from rbacgraph/rules.hpp) for the help text.
nlohmann::json check_sarif(const CheckReport& report, std::span<const Rule> rules,
                           const std::vector<Diagnostic>& diagnostics,
                           std::string_view (*doc_of)(std::string_view slug), SarifOptions options = {});
/// One finding as check -o json writes it.
nlohmann::json finding_json(const Finding& finding);

/// Per principal of the diff: its identity change, gained (+), lost (-) and kept (=) lines; each line after
/// `indent`.
void write_access_changes(std::ostream& out, const AccessDiff& diff, const TextOptions& names = {},
                          std::string_view indent = {});
/// `rbacgraph diff` (docs/diff.md): gained and lost access per principal, then new and fixed findings.
void write_diff_text(std::ostream& out, const AccessDiff& diff, std::optional<RiskSeverity> fail_on,
                     const TextOptions& names = {});
nlohmann::json diff_json(const AccessDiff& diff, std::optional<RiskSeverity> fail_on);
/// The first line of every diff comment, which a workflow searches for to update its own comment.
inline constexpr std::string_view kDiffCommentMarker = "<!-- rbacgraph-diff -->";
/// GitHub refuses a comment longer than this many characters.
inline constexpr std::size_t kGithubCommentLimit = 65536;
/// For a pull-request comment: the marker, a summary table, the new findings, the principals, then details in
/// collapsed sections; at most max_lines lines of permissions per principal, and at most max_chars in all
/// (what does not fit is counted in a last line; the JSON has everything).
void write_diff_markdown(std::ostream& out, const AccessDiff& diff, std::optional<RiskSeverity> fail_on,
                         std::size_t max_lines = 40, std::size_t max_chars = kGithubCommentLimit);

/// `rbacgraph migrate` (docs/migrate.md): the access entries, what does not move, and each step's proof.
void write_migrate_text(std::ostream& out, const MigrationPlan& plan, const TextOptions& names = {});
nlohmann::json migrate_json(const MigrationPlan& plan);
/// The plan as a POSIX shell script of AWS CLI calls: the mode step to API_AND_CONFIG_MAP, the entries and
/// their policies; the step to API (irreversible) as a comment to run by hand.
void write_migrate_aws_cli(std::ostream& out, const MigrationPlan& plan);
/// The planned entries as an eksctl ClusterConfig (accessConfig.accessEntries; `eksctl create accessentry
/// -f`), a CloudFormation template of AWS::EKS::AccessEntry, and Terraform aws_eks_access_entry +
/// aws_eks_access_policy_association resources. The creator's entry, which EKS creates, is left out.
void write_migrate_eksctl(std::ostream& out, const MigrationPlan& plan);
void write_migrate_cloudformation(std::ostream& out, const MigrationPlan& plan);
void write_migrate_terraform(std::ostream& out, const MigrationPlan& plan);
/// The aws-auth ConfigMap that remains while both modes apply: mapAccounts, which no entry replaces, and the
/// node mappings the EKS user guide says not to remove.
void write_migrate_aws_auth(std::ostream& out, const MigrationPlan& plan);

/// `rbacgraph usage` (docs/usage.md): the window, what the export does not explain, granted against used per
/// caller, idle principals and bindings, the suggestions when given, and what absence of use does not prove.
void write_usage_text(std::ostream& out, const UsageReport& report,
                      const std::vector<RoleSuggestion>* suggestions = nullptr);
nlohmann::json usage_json(const UsageReport& report,
                          const std::vector<RoleSuggestion>* suggestions = nullptr);
void write_usage_markdown(std::ostream& out, const UsageReport& report,
                          const std::vector<RoleSuggestion>* suggestions = nullptr);
/// The suggested roles and bindings as YAML documents kubectl applies, each caller's headed by comments: the
/// verification, the mapping change and what it removes.
void write_suggestions_yaml(std::ostream& out, const std::vector<RoleSuggestion>& suggestions);

/// What goes into a GitLab security report.
struct GitlabSastOptions {
    /// Paths under it are written relative to it (GitLab resolves a location against the project root).
    std::string working_directory;
    /// Results below this severity are left out (as for SARIF).
    RiskSeverity min_severity = RiskSeverity::kInfo;
    /// When the scan started and ended, "YYYY-MM-DDTHH:MM:SS" in UTC (the schema's only accepted form).
    std::string start_time;
    std::string end_time;
};

/// `check -o gitlab-sast` (docs/check.md): GitLab's SAST security report (schema 15.x), for the merge-request
/// security widget and the vulnerability report. Suppressed and baselined findings are left out (GitLab has
/// no suppression state and would open them); input errors are scan messages and make the scan's status
/// failure.
nlohmann::json check_gitlab_sast(const CheckReport& report, std::span<const Rule> rules,
                                 const std::vector<Diagnostic>& diagnostics,
                                 const GitlabSastOptions& options);
/// The schema version check_gitlab_sast writes.
inline constexpr std::string_view kGitlabSastSchemaVersion = "15.2.1";

/// What --write-baseline writes: every reported finding's fingerprint with enough context to read it.
nlohmann::json baseline_json(const CheckReport& report);
/// The catalog as a table (`rbacgraph rules`) and as docs/rules/README.md (`rbacgraph rules --markdown`).
void write_rules_text(std::ostream& out, std::span<const Rule> rules);
void write_rules_markdown(std::ostream& out, std::span<const Rule> rules);

}  // namespace rbacgraph
