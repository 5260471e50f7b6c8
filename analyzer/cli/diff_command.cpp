// rbacgraph diff BASE HEAD: translates options, loads both sides, and prints what the library compares.
#include <filesystem>
#include <memory>

#include "cli/input.hpp"
#include "rbacgraph/diff.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::cli {
namespace {

struct DiffOptions {
    InputOptions input;
    std::string fail_on = "high";
    std::string sarif_category;
    std::size_t markdown_lines = 40;
};

// One side of the diff: its graph, its diagnostics and whether its input was fully understood.
struct Side {
    std::shared_ptr<const Graph> graph;
    std::vector<Diagnostic> diagnostics;
    int status = 0;
    bool empty = false;  ///< a directory without input files: no access at all (a new directory's BASE)
};

bool holds_input_files(const std::filesystem::path& directory) {
    std::error_code error;
    for (std::filesystem::recursive_directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error)) {
        const std::string extension = it->path().extension().string();
        if (it->is_regular_file(error) &&
            (extension == ".yaml" || extension == ".yml" || extension == ".json")) {
            return true;
        }
    }
    return false;
}

// A side with no access definition is compared as no access (--allow-empty for that side): a pull request
// that adds the first RBAC file has such a BASE. A directory without input files is the same, said on stderr.
std::optional<Side> load_side(std::string_view label, const std::string& path, const InputOptions& options,
                              std::ostream& err) {
    err << "rbacgraph: " << label << ' ' << path << '\n';
    Side side;
    std::error_code error;
    if (std::filesystem::is_directory(path, error) && !holds_input_files(path)) {
        err << "rbacgraph: " << label << " holds no input file: compared as no access\n";
        GraphOptions graph_options;
        graph_options.creator_arn = options.creator;
        graph_options.builtin_objects = !options.no_builtin_objects;
        side.graph = std::make_shared<const Graph>(Export{}, graph_options);
        keep_until_exit(side.graph);
        side.empty = true;
        return side;
    }
    InputOptions side_options = options;
    side_options.allow_empty = true;
    auto loaded = load({path}, side_options, err);
    if (!loaded) {
        return std::nullopt;
    }
    side.graph = std::shared_ptr<const Graph>(loaded->estate, loaded->graph);
    side.diagnostics = std::move(loaded->diagnostics);
    side.status = loaded->status;
    return side;
}

int run_diff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
    const std::vector<std::string>& words = options.input.words;
    if (words.size() != 2) {
        err << "rbacgraph: diff needs two inputs, BASE and HEAD (files or directories), found "
            << words.size() << '\n';
        return kExitUsage;
    }
    if (!options.input.clusters.empty() || !options.input.clusters_dir.empty()) {
        err << "rbacgraph: diff compares one cluster's inputs; --cluster and --clusters are not supported by "
               "diff yet\n";
        return kExitUsage;
    }
    const auto fail_on = options.fail_on == "never" ? std::nullopt : parse_risk_severity(options.fail_on);
    const std::optional<Side> base = load_side("BASE", words[0], options.input, err);
    if (!base) {
        return kExitUsage;
    }
    const std::optional<Side> head = load_side("HEAD", words[1], options.input, err);
    if (!head) {
        return kExitUsage;
    }
    if (base->empty && head->empty) {
        err << "rbacgraph: neither BASE nor HEAD holds an input file: nothing to compare\n";
        return kExitUsage;
    }
    CheckRun run;
    run.rules = builtin_rules();
    const CheckReport base_report = run_checks(*base->graph, run);
    const CheckReport head_report = run_checks(*head->graph, run);
    const AccessDiff diff = diff_access(*base->graph, *head->graph, base_report, head_report);
    if (options.input.output == "json") {
        out << diff_json(diff, fail_on).dump(2) << '\n';
    } else if (options.input.output == "markdown") {
        write_diff_markdown(out, diff, fail_on, options.markdown_lines);
    } else if (options.input.output == "sarif") {
        // Only what the change introduces: the new findings.
        CheckReport introduced;
        introduced.findings = diff.new_findings;
        std::error_code ignored;
        const SarifOptions sarif{.working_directory = std::filesystem::current_path(ignored).string(),
                                 .category = options.sarif_category};
        out << check_sarif(introduced, run.rules, head->diagnostics, &rule_doc, sarif).dump(2) << '\n';
    } else {
        write_diff_text(out, diff, fail_on, {.fail_on = "--fail-on"});
    }
    // A gate never passes over input it did not understand.
    if (base->status != 0 || head->status != 0) {
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
    diff->add_option("inputs", options->input.words, "BASE and HEAD: export files or directories");
    add_input_options(*diff, options->input);
    diff->add_option("-o,--output", options->input.output,
                     "output format (markdown: for a pull-request comment)")
        ->check(CLI::IsMember({"text", "json", "markdown", "sarif"}))
        ->capture_default_str();
    diff->add_option("--fail-on", options->fail_on,
                     "exit 1 when the change brings a new finding at or above this severity")
        ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "never"}))
        ->capture_default_str();
    diff->add_option("--sarif-category", options->sarif_category,
                     "SARIF automationDetails.id (GitHub's category)");
    diff->add_option("--markdown-lines", options->markdown_lines,
                     "Markdown: at most this many permission lines per principal (the JSON has them all)")
        ->capture_default_str();
    diff->footer(
        "Exit codes: 0 nothing gained at or above --fail-on, 1 gained access at or above it (a new finding "
        "of "
        "that severity), 2 usage or input errors, 3 nothing at or above it but gained permissions the input "
        "cannot decide.\n"
        "A gained permission is rated by the check rules it newly trips: gaining `get secrets` cluster-wide "
        "is "
        "high; gaining `get configmaps` is below every threshold.\n"
        "Examples:\n"
        "  rbacgraph diff base/ head/\n"
        "  rbacgraph diff base/rbac head/rbac -o markdown > comment.md\n"
        "  rbacgraph diff base.json head.json -o sarif > introduced.sarif\n"
        "Docs: docs/diff.md, docs/ci.md");
    DiffCommand command;
    command.diff = diff;
    command.run = [options](std::ostream& out, std::ostream& err) { return run_diff(*options, out, err); };
    return command;
}

}  // namespace rbacgraph::cli
