#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>

#include "cli/check_settings.hpp"
#include "cli/input.hpp"
#include "cli/output_file.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"
#include "rbacgraph/usage.hpp"

namespace rbacgraph::cli {
namespace {

constexpr std::array<std::string_view, 6> kCheckFormats = {"text",  "json",     "sarif",
                                                           "junit", "markdown", "gitlab-sast"};

struct CheckOptionsCli {
    InputOptions input;
    CheckSettings settings;
    std::vector<std::string> outputs;  ///< -o FORMAT[=PATH], repeatable
    std::string color = "auto";
    std::string write_baseline;
    bool include_builtin = false;
    bool sarif_include_suppressed = false;
    std::string sarif_category;
    std::size_t max_results = 25000;
    bool timings = false;
    bool show_known = false;
    std::vector<std::string> audit;  ///< --audit: logs whose evidence the findings get
};

struct RulesOptions {
    std::string slug;
    bool markdown = false;
};

// "YYYY-MM-DDTHH:MM:SS" in UTC, the one form GitLab's report schema accepts. With SOURCE_DATE_EPOCH set (the
// reproducible-builds convention: seconds since the epoch), that instant instead of the clock, so that a
// report can be compared byte for byte.
std::string utc_timestamp(std::chrono::system_clock::time_point now) {
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
        char* end = nullptr;
        const long long seconds = std::strtoll(epoch, &end, 10);
        if (*end == '\0' && seconds >= 0) {
            now = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
        }
    }
    const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
    const auto day = std::chrono::floor<std::chrono::days>(seconds);
    const std::chrono::year_month_day date(day);
    const std::chrono::hh_mm_ss time(seconds - day);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                       time.hours().count(), time.minutes().count(), time.seconds().count());
}

void print_timings(const CheckReport& report, std::ostream& err) {
    std::vector<RuleTiming> timings = report.timings;
    std::stable_sort(timings.begin(), timings.end(),
                     [](const RuleTiming& a, const RuleTiming& b) { return a.seconds > b.seconds; });
    err << "rule timings (seconds, findings before suppression):\n";
    for (const RuleTiming& timing : timings) {
        err << fmt::format("  {:8.3f}  {:8}  {}\n", timing.seconds, timing.findings, timing.slug);
    }
}

int run_check(const CheckOptionsCli& options, std::ostream& out, std::ostream& err) {
    const std::vector<std::string>& paths = options.input.words;
    if (paths.empty() && options.input.clusters.empty() && options.input.clusters_dir.empty()) {
        err << "rbacgraph: check needs at least one input PATH (file, directory, or - for stdin)\n";
        return kExitUsage;
    }
    const std::string start_time = utc_timestamp(std::chrono::system_clock::now());
    const auto targets = parse_outputs(options.outputs, kCheckFormats, err);
    if (!targets) {
        return kExitUsage;
    }
    std::optional<PreparedRun> prepared = prepare_check_run(options.settings, err);
    if (!prepared) {
        return kExitUsage;
    }
    CheckRun& run = prepared->run;
    run.options.include_builtin = options.include_builtin;
    const std::optional<RiskSeverity> fail_on = prepared->fail_on;
    const RiskSeverity min_severity = prepared->min_severity;
    const auto loaded = load(paths, with_config_inputs(options.input, run.config), err);
    if (!loaded) {
        return kExitUsage;
    }
    CheckReport findings =
        loaded->single() ? run_checks(*loaded->graph, run) : run_checks(*loaded->estate, run);
    int audit_status = 0;
    if (!options.audit.empty()) {
        if (!loaded->single()) {
            err << "rbacgraph: --audit gives evidence for one cluster's findings; run check once per "
                   "cluster\n";
            return kExitUsage;
        }
        const AuditLogs audit = read_audit_logs(options.audit, {loaded->graph}, options.input, err);
        audit_status = audit.errors ? kExitUsage : 0;
        add_evidence(findings.findings, evaluate_usage(*loaded->graph, audit.log, audit.stats, {}));
    }
    const auto checked = std::make_shared<const CheckReport>(std::move(findings));
    keep_until_exit(checked);
    const CheckReport& report = *checked;
    print_diagnostics(report.diagnostics, err);
    if (options.timings) {
        print_timings(report, err);
    }
    const auto write = [&](std::string_view format, std::ostream& stream) {
        if (format == "json") {
            write_check_json(stream, report, fail_on, loaded->diagnostics, loaded->input, min_severity);
        } else if (format == "sarif") {
            std::error_code ignored;
            const SarifOptions sarif{.include_suppressed = options.sarif_include_suppressed,
                                     .working_directory = std::filesystem::current_path(ignored).string(),
                                     .category = options.sarif_category,
                                     .min_severity = min_severity,
                                     .max_results = options.max_results};
            stream << json_text(check_sarif(report, run.rules, loaded->diagnostics, &rule_doc, sarif), 2)
                   << '\n';
        } else if (format == "gitlab-sast") {
            std::error_code ignored;
            const GitlabSastOptions gitlab{
                .working_directory = std::filesystem::current_path(ignored).string(),
                .min_severity = min_severity,
                .start_time = start_time,
                .end_time = utc_timestamp(std::chrono::system_clock::now())};
            stream << json_text(check_gitlab_sast(report, run.rules, loaded->diagnostics, gitlab), 2) << '\n';
        } else if (format == "junit") {
            write_check_junit(stream, report, run.rules, run.options.enabled, fail_on);
        } else if (format == "markdown") {
            write_check_markdown(stream, report, fail_on, 100, min_severity);
        } else {
            write_check_text(stream, report, fail_on,
                             {.include_builtin = "--include-builtin",
                              .fail_on = "--fail-on",
                              .color = use_color(options.color, stream),
                              .min_severity = min_severity,
                              .min_severity_name = "--min-severity",
                              .show_known = options.show_known,
                              .show_known_name = "--show-known"});
        }
    };
    if (!write_outputs(*targets, out, err, write)) {
        return kExitUsage;
    }
    if (!options.write_baseline.empty()) {
        const std::string problem = write_file_atomically(options.write_baseline, [&](std::ostream& file) {
            file << json_text(baseline_json(report), 2) << '\n';
        });
        if (!problem.empty()) {
            err << "rbacgraph: cannot write baseline " << options.write_baseline << ": " << problem
                << " (the file is unchanged)\n";
            return kExitUsage;
        }
        err << "rbacgraph: wrote " << report.findings.size() << " findings to baseline "
            << options.write_baseline << '\n';
        // Writing the first baseline is the job: its findings are what the baseline accepts, so they do not
        // fail this run (input errors still do).
        return loaded->status != 0 ? loaded->status : kExitYes;
    }
    if (loaded->status != 0) {
        return loaded->status;
    }
    if (audit_status != 0) {
        return audit_status;  // evidence not read is not evidence
    }
    return report.failing(fail_on) > 0 ? kExitNo : kExitYes;
}

int run_rules(const RulesOptions& options, std::ostream& out, std::ostream& err) {
    const auto rules = builtin_rules();
    if (options.slug.empty()) {
        if (options.markdown) {
            write_rules_markdown(out, rules);
        } else {
            write_rules_text(out, rules);
        }
        return kExitYes;
    }
    const Rule* rule = find_rule(rules, options.slug);
    if (rule == nullptr) {
        for (const RetiredRule& retired : retired_rules()) {
            if (retired.id == options.slug || retired.slug == options.slug) {
                err << "rbacgraph: " << retired.id << " " << retired.slug << " is retired: " << retired.note
                    << '\n';
                return kExitUsage;
            }
        }
        const std::string near = nearest_rule(rules, options.slug);
        err << "rbacgraph: unknown rule '" << terminal_text(options.slug) << "'"
            << (near.empty() ? std::string() : "; did you mean '" + near + "'?")
            << " (see `rbacgraph rules`)\n";
        return kExitUsage;
    }
    out << rule_doc(rule->info.slug);
    return kExitYes;
}

}  // namespace

CheckCommands add_check_commands(CLI::App& app) {
    auto options = std::make_shared<CheckOptionsCli>();
    auto rules_options = std::make_shared<RulesOptions>();
    CheckCommands commands;
    CLI::App* check = app.add_subcommand(
        "check", "Find risky grants and mappings (the rule catalog) and gate CI on their severity.");
    check->add_option("paths", options->input.words, "export files or directories (- for stdin)");
    add_input_options(*check, options->input);
    check
        ->add_option(
            "-o,--output", options->outputs,
            "FORMAT or FORMAT=PATH: text (default), json, sarif, junit, markdown, gitlab-sast; repeatable, "
            "one run writing several (-o sarif=r.sarif -o junit=r.xml -o text)")
        ->check(format_names(kCheckFormats))
        ->allow_extra_args(false);
    add_color_option(*check, options->color);
    add_check_settings(*check, options->settings, "exit 1 when a new finding is at or above this severity");
    check->add_option("--write-baseline", options->write_baseline,
                      "write every finding of this run as a baseline; exits 0 once written (2 on input "
                      "errors)");
    check->add_flag("--show-known", options->show_known,
                    "text: list the findings the --baseline knows (by default one line counts them)");
    check->add_flag("--sarif-include-suppressed", options->sarif_include_suppressed,
                    "also put suppressed and baselined findings in SARIF (GitHub code scanning ignores "
                    "their suppression and would open alerts for them)");
    check->add_option("--sarif-category", options->sarif_category,
                      "SARIF automationDetails.id: tells several uploads for one commit apart (GitHub's "
                      "category)");
    check
        ->add_option("--min-severity", options->settings.min_severity,
                     "leave out findings below this severity in every output but junit (text, markdown and "
                     "json count them; junit lists every finding the gate counts); an output filter: "
                     "--fail-on still gates on every finding; default: the config's, else info")
        ->check(one_of({"critical", "high", "medium", "low", "info"}));
    check
        ->add_option("--max-results", options->max_results,
                     "SARIF: at most this many results, the most severe (GitHub rejects a run of more than "
                     "25,000); a notification says how many were left out")
        ->check(CLI::Range(std::size_t{1}, std::numeric_limits<std::size_t>::max()))
        ->capture_default_str();
    check
        ->add_option("--audit", options->audit,
                     "audit log of the cluster (as rbacgraph usage reads it): each finding gets what the log "
                     "shows of it (a binding or mapping that served no request, principals that made none); "
                     "repeatable")
        ->allow_extra_args(false);
    check->add_flag("--timings", options->timings,
                    "print what each rule cost (seconds, findings) to stderr, slowest first");
    check->add_flag(
        "--include-builtin", options->include_builtin,
        "also report findings on objects Kubernetes and EKS create themselves (bootstrap roles and "
        "bindings, system: components)");
    check->footer(
        "Exit codes: 0 nothing new at or above --fail-on, 1 new findings at or above it, 2 usage or input "
        "errors.\n"
        "Suppress in a manifest with the annotation  rbacgraph.io/suppress: \"RULE[,RULE]: reason\".\n"
        "Examples:\n"
        "  rbacgraph check ./export/\n"
        "  rbacgraph check ./export/ -o sarif --fail-on critical > rbacgraph.sarif\n"
        "  rbacgraph check ./export/ -o gitlab-sast=gl-sast-report.json -o text   # GitLab's security "
        "widget\n"
        "  rbacgraph check ./export/ -o sarif=rbacgraph.sarif -o junit=rbacgraph.xml -o text   # one run, "
        "three "
        "outputs\n"
        "  rbacgraph check ./export/ --write-baseline baseline.json   # once; then in CI:\n"
        "  rbacgraph check ./export/ --baseline baseline.json\n"
        "Docs: docs/check.md, docs/rules/README.md, `rbacgraph rules`");
    CLI::App* rules = app.add_subcommand("rules", "List the rule catalog, or print one rule's page.");
    rules->add_option("rule", rules_options->slug, "rule ID or slug whose page to print");
    rules->add_flag("--markdown", rules_options->markdown, "print the catalog as docs/rules/README.md");
    commands.check = check;
    commands.rules = rules;
    commands.run_check = [options](std::ostream& out, std::ostream& err) {
        return run_check(*options, out, err);
    };
    commands.run_rules = [rules_options](std::ostream& out, std::ostream& err) {
        return run_rules(*rules_options, out, err);
    };
    return commands;
}

}  // namespace rbacgraph::cli
