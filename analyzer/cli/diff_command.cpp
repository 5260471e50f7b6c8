// rbacgraph diff BASE HEAD: translates options, loads both sides, and prints what the library compares.
#include <array>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/check_settings.hpp"
#include "cli/input.hpp"
#include "rbacgraph/diff.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"
#include "rbacgraph/usage.hpp"

namespace rbacgraph::cli {
namespace {

constexpr std::array<std::string_view, 4> kDiffFormats = {"text", "json", "markdown", "sarif"};

struct DiffOptions {
    InputOptions input;
    std::vector<std::string> outputs;  ///< -o FORMAT[=PATH], repeatable
    std::string color = "auto";
    bool clusters = false;   ///< BASE and HEAD are directories of clusters (one subdirectory each)
    CheckSettings settings;  ///< the same config, rules, baseline and fail-on as check
    std::string sarif_category;
    std::size_t markdown_lines = 40;
    std::vector<std::string> audit;  ///< --audit: logs of requests in use, which HEAD must not refuse
};

// One side of the diff: its estate, its diagnostics and whether its input was fully understood.
struct Side {
    std::shared_ptr<const Estate> estate;
    std::vector<Diagnostic> diagnostics;
    int status = 0;
    bool empty = false;  ///< a directory without input files: no access at all (a new directory's BASE)
    CheckReport report;  ///< the side's findings, which the diff compares
};

bool holds_input_files(const std::string& directory) {
    std::vector<Diagnostic> problems;  // reported when the side is loaded
    return !input_files_in(directory, problems).empty();
}

// A side with no access definition is compared as no access (--allow-empty for that side): a pull request
// that adds the first RBAC file has such a BASE. A directory without input files is the same, said on stderr.
std::optional<Side> load_side(std::string_view label, const std::string& path, const DiffOptions& options,
                              std::ostream& err) {
    err << "rbacgraph: " << label << ' ' << path << '\n';
    Side side;
    std::error_code error;
    if (std::filesystem::is_directory(path, error) && !holds_input_files(path)) {
        err << "rbacgraph: " << label << " holds no input file: compared as no access\n";
        std::vector<Cluster> clusters;
        if (!options.clusters) {
            GraphOptions graph_options;
            graph_options.creator_arn = options.input.creator;
            graph_options.builtin_objects = !options.input.no_builtin_objects;
            clusters.push_back({"", std::make_shared<const Graph>(Export{}, graph_options)});
        }
        side.estate = std::make_shared<const Estate>(std::move(clusters), std::vector<IamAccountDetails>{});
        keep_until_exit(side.estate);
        side.empty = true;
        return side;
    }
    InputOptions side_options = options.input;
    side_options.allow_empty = true;
    std::vector<std::string> paths;
    if (options.clusters) {
        side_options.clusters_dir = path;
    } else {
        paths.push_back(path);
    }
    auto loaded = load(paths, side_options, err);
    if (!loaded) {
        return std::nullopt;
    }
    side.estate = loaded->estate;
    side.diagnostics = std::move(loaded->diagnostics);
    side.status = loaded->status;
    return side;
}

// A side loaded and checked, with what it said on stderr: BASE and HEAD are prepared at once, one on each
// thread, and their messages printed in order, so that the output is what one after the other printed.
struct PreparedSide {
    std::optional<Side> side;
    std::string messages;
};

PreparedSide prepare_side(std::string_view label, const std::string& path, const DiffOptions& options,
                          const CheckRun& run) {
    PreparedSide prepared;
    std::ostringstream messages;
    prepared.side = load_side(label, path, options, messages);
    if (prepared.side) {
        prepared.side->report = run_checks(*prepared.side->estate, run);
    }
    prepared.messages = std::move(messages).str();
    return prepared;
}

int run_diff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
    const std::vector<std::string>& words = options.input.words;
    if (words.size() < 2) {
        err << "rbacgraph: diff needs two inputs, BASE and HEAD (files or directories), found "
            << words.size() << '\n';
        return kExitUsage;
    }
    const auto targets = parse_outputs(options.outputs, kDiffFormats, err);
    if (!targets) {
        return kExitUsage;
    }
    DiffOptions side_options = options;
    // Paths after BASE and HEAD: IAM dumps both sides share (their routes to the roles that change).
    side_options.input.iam_paths.assign(words.begin() + 2, words.end());
    side_options.input.cluster_option =
        "diff's BASE and HEAD (the paths after them are IAM dumps both share)";
    // Both sides are checked with the run check would make: the team's config, rules and baseline apply in
    // the gate as in check.
    std::optional<PreparedRun> prepared = prepare_check_run(options.settings, err);
    if (!prepared) {
        return kExitUsage;
    }
    const CheckRun& run = prepared->run;
    const std::optional<RiskSeverity> fail_on = prepared->fail_on;
    side_options.input = with_config_inputs(side_options.input, run.config);
    PreparedSide prepared_head;
    PreparedSide prepared_base;
    {
        const std::jthread head_thread(
            [&] { prepared_head = prepare_side("HEAD", words[1], side_options, run); });
        prepared_base = prepare_side("BASE", words[0], side_options, run);
    }
    err << prepared_base.messages;
    if (!prepared_base.side) {
        return kExitUsage;
    }
    err << prepared_head.messages;
    if (!prepared_head.side) {
        return kExitUsage;
    }
    const std::optional<Side>& base = prepared_base.side;
    const std::optional<Side>& head = prepared_head.side;
    if (base->empty && head->empty) {
        err << "rbacgraph: neither BASE nor HEAD holds an input file: nothing to compare\n";
        return kExitUsage;
    }
    const CheckReport& base_report = base->report;
    const CheckReport& head_report = head->report;
    AccessDiff diff = diff_access(*base->estate, *head->estate, base_report, head_report);
    int audit_status = 0;
    if (!options.audit.empty()) {
        if (base->estate->clusters().size() != 1 || head->estate->clusters().size() != 1) {
            err << "rbacgraph: --audit compares one cluster's log with one cluster on each side\n";
            return kExitUsage;
        }
        const Graph& base_graph = *base->estate->clusters().front().graph;
        const Graph& head_graph = *head->estate->clusters().front().graph;
        const AuditLogs audit =
            read_audit_logs(options.audit, {&base_graph, &head_graph}, options.input, err);
        audit_status = audit.errors ? kExitUsage : 0;
        diff.audited = true;
        diff.removed_in_use = removed_in_use(base_graph, head_graph, audit.log);
    }
    const auto write = [&](std::string_view format, std::ostream& stream) {
        if (format == "json") {
            stream << json_text(diff_json(diff, fail_on), 2) << '\n';
        } else if (format == "markdown") {
            write_diff_markdown(stream, diff, fail_on, options.markdown_lines);
        } else if (format == "sarif") {
            // Only what the change introduces: the new findings, and those it widened.
            CheckReport introduced;
            introduced.findings = diff.new_findings;
            for (const ChangedFinding& changed : diff.changed_findings) {
                if (changed.widened()) {
                    introduced.findings.push_back(changed.finding);
                }
            }
            std::error_code ignored;
            const SarifOptions sarif{.working_directory = std::filesystem::current_path(ignored).string(),
                                     .category = options.sarif_category};
            stream << json_text(check_sarif(introduced, run.rules, head->diagnostics, &rule_doc, sarif), 2)
                   << '\n';
        } else {
            write_diff_text(stream, diff, fail_on,
                            {.fail_on = "--fail-on", .color = use_color(options.color, stream)});
        }
    };
    if (!write_outputs(*targets, out, err, write)) {
        return kExitUsage;
    }
    // A gate never passes over input it did not understand.
    if (base->status != 0 || head->status != 0 || audit_status != 0) {
        return kExitUsage;
    }
    if (diff.failing(fail_on) > 0) {
        return kExitNo;
    }
    return fail_on && diff.undetermined_gains() > 0 ? kExitUndetermined : kExitYes;
}

}  // namespace

DiffCommand add_diff_command(CLI::App& app) {
    auto options = std::make_shared<DiffOptions>();
    CLI::App* diff = app.add_subcommand(
        "diff",
        "What a change grants and removes: effective access per principal, and new and fixed findings.");
    diff->add_option("inputs", options->input.words,
                     "BASE and HEAD: export files or directories; then any IAM dumps both share");
    add_input_options(*diff, options->input, false);
    diff->add_flag(
        "--clusters", options->clusters,
        "BASE and HEAD are directories whose subdirectories are one cluster each (paired by name)");
    diff->add_option(
            "-o,--output", options->outputs,
            "FORMAT or FORMAT=PATH: text (default), json, markdown (a pull-request comment), sarif; "
            "repeatable, one run writing several (-o markdown=comment.md -o sarif=introduced.sarif -o text)")
        ->check(format_names(kDiffFormats))
        ->allow_extra_args(false);
    add_color_option(*diff, options->color);
    add_check_settings(*diff, options->settings,
                       "exit 1 when the change brings a new finding at or above this severity");
    diff->add_option("--sarif-category", options->sarif_category,
                     "SARIF automationDetails.id (GitHub's category)");
    diff->add_option(
            "--audit", options->audit,
            "audit log of the cluster BASE describes (as rbacgraph usage reads it): a request it shows "
            "allowed and used that HEAD refuses fails the gate at any --fail-on but never; repeatable")
        ->allow_extra_args(false);
    diff->add_option("--markdown-lines", options->markdown_lines,
                     "Markdown: at most this many permission lines per principal (the JSON has them all)")
        ->capture_default_str();
    diff->footer(
        "Exit codes: 0 nothing gained at or above --fail-on, 1 gained access at or above it (a new finding "
        "of "
        "that severity, or an existing one that now reaches someone more or rose to it), 2 usage or input "
        "errors, 3 nothing at or above it but gained permissions the input cannot decide. With --audit, a "
        "request the log shows in use that HEAD refuses is also 1.\n"
        "A gained permission is rated by the check rules it newly trips: gaining `get secrets` cluster-wide "
        "is "
        "high; gaining `get configmaps` is below every threshold.\n"
        "Paths after BASE and HEAD are IAM dumps (get-account-authorization-details) both sides share: a "
        "changed role then names who reaches it by sts:AssumeRole.\n"
        "Examples:\n"
        "  rbacgraph diff base/ head/\n"
        "  rbacgraph diff --clusters base/clusters head/clusters iam/account-a.json\n"
        "  rbacgraph diff base/rbac head/rbac -o markdown > comment.md\n"
        "  rbacgraph diff base.json head.json -o sarif > introduced.sarif\n"
        "  rbacgraph diff base/ head/ --audit audit.jsonl\n"
        "Docs: docs/diff.md, docs/ci.md");
    DiffCommand command;
    command.diff = diff;
    command.run = [options](std::ostream& out, std::ostream& err) { return run_diff(*options, out, err); };
    return command;
}

}  // namespace rbacgraph::cli
