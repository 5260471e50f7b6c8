// rbacgraph usage EXPORT... --audit LOGS...: translates options, streams the logs into the library's usage
// log, and prints what the library compares.
#include <algorithm>
#include <array>
#include <memory>

#include "cli/input.hpp"
#include "rbacgraph/audit.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/usage.hpp"

namespace rbacgraph::cli {
namespace {

constexpr std::array<std::string_view, 4> kUsageFormats = {"text", "json", "markdown", "yaml"};

struct UsageOptions {
    InputOptions input;
    std::vector<std::string> audit;
    std::vector<std::string> cloudtrail;
    std::vector<std::string> outputs;
    bool suggest = false;
    std::size_t max_names = 5;
};

int run_usage(const UsageOptions& options, std::ostream& out, std::ostream& err) {
    const auto targets = parse_outputs(options.outputs, kUsageFormats, err);
    if (!targets) {
        return kExitUsage;
    }
    if (options.audit.empty()) {
        err << "rbacgraph: usage needs audit logs: --audit FILE|DIR|- (JSON lines, a CloudWatch Logs export, "
               "or "
               "the JSON of aws logs filter-log-events)\n";
        return kExitUsage;
    }
    const auto stdin_uses = std::count(options.audit.begin(), options.audit.end(), "-") +
                            std::count(options.cloudtrail.begin(), options.cloudtrail.end(), "-") +
                            std::count(options.input.words.begin(), options.input.words.end(), "-");
    if (stdin_uses > 1) {
        err << "rbacgraph: '-' (standard input) can be given once\n";
        return kExitUsage;
    }
    const auto loaded = load(options.input.words, options.input, err);
    if (!loaded) {
        return kExitUsage;
    }
    if (!loaded->single()) {
        err << "rbacgraph: usage compares one cluster's export with its logs; "
            << loaded->estate->clusters().size() << " clusters were given (run usage once per cluster)\n";
        return kExitUsage;
    }
    AuditLogs audit = read_audit_logs(options.audit, {loaded->graph}, options.input, err);
    LoadLimits limits = options.input.limits;
    limits.max_file_bytes_setting = "--max-file-bytes";
    CloudTrailRead trail;
    for (const std::string& path : options.cloudtrail) {
        read_cloudtrail_path(path, trail, limits);
    }
    for (const Diagnostic& diagnostic : trail.diagnostics) {
        err << format_diagnostic(diagnostic) << '\n';
    }
    const UsageReport report =
        evaluate_usage(*loaded->graph, audit.log, audit.stats, trail.assumptions, trail.records);
    const bool suggest =
        options.suggest || std::any_of(targets->begin(), targets->end(),
                                       [](const OutputTarget& t) { return t.format == "yaml"; });
    std::vector<RoleSuggestion> suggestions;
    if (suggest) {
        suggestions = suggest_roles(*loaded->graph, report, {.max_names = options.max_names});
    }
    const std::vector<RoleSuggestion>* shown = suggest ? &suggestions : nullptr;
    const auto write = [&](std::string_view format, std::ostream& stream) {
        if (format == "json") {
            stream << json_text(usage_json(report, shown), 2) << '\n';
        } else if (format == "markdown") {
            write_usage_markdown(stream, report, shown);
        } else if (format == "yaml") {
            write_suggestions_yaml(stream, suggestions);
        } else {
            write_usage_text(stream, report, shown);
        }
    };
    if (!write_outputs(*targets, out, err, write)) {
        return kExitUsage;
    }
    // Evidence that was not read is not evidence: a CI gate must not pass on logs it skipped.
    if (loaded->status != 0 || audit.errors || count_errors(trail.diagnostics) != 0) {
        return kExitUsage;
    }
    return kExitYes;
}

}  // namespace

AuditLogs read_audit_logs(const std::vector<std::string>& paths, std::initializer_list<const Graph*> graphs,
                          const InputOptions& input, std::ostream& err) {
    AuditLogs out;
    for (const Graph* graph : graphs) {
        out.log.list_names_of(*graph);
    }
    LoadLimits limits = input.limits;
    limits.max_file_bytes_setting = "--max-file-bytes";
    AuditReader reader([&out](AuditRequest&& request) { out.log.add(std::move(request)); }, limits);
    for (const std::string& path : paths) {
        reader.read_path(path);
    }
    for (const Diagnostic& diagnostic : reader.diagnostics()) {
        err << format_diagnostic(diagnostic) << '\n';
    }
    out.stats = reader.stats();
    out.errors = count_errors(reader.diagnostics()) != 0;
    return out;
}

UsageCommand add_usage_command(CLI::App& app) {
    auto options = std::make_shared<UsageOptions>();
    CLI::App* usage = app.add_subcommand(
        "usage", "Granted against used: audit logs (and CloudTrail) compared with the export, per caller.");
    usage->add_option("inputs", options->input.words,
                      "export files or directories (RBAC, aws-auth, access entries, describe-cluster)");
    usage
        ->add_option(
            "--audit", options->audit,
            "audit log: a file, a directory or - (JSON lines of audit.k8s.io/v1 Events, a CloudWatch Logs "
            "export to S3, gzip or not, or the JSON of aws logs filter-log-events / get-log-events / "
            "get-query-results); repeatable")
        ->allow_extra_args(false);
    usage
        ->add_option(
            "--cloudtrail", options->cloudtrail,
            "CloudTrail: trail files ({\"Records\": [...]}, gzip or not) or aws cloudtrail lookup-events "
            "output; joins sessions to the role assumptions that minted them; repeatable")
        ->allow_extra_args(false);
    add_input_options(*usage, options->input, false);
    usage->add_flag(
        "--suggest", options->suggest,
        "also write, per caller, the roles that allow exactly what it was seen to do, checked by the "
        "grant table (-o yaml writes them alone, for kubectl apply)");
    usage
        ->add_option("--max-names", options->max_names,
                     "keep resourceNames in a suggestion where a verb was used on at most this many names")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, UsageLog::kMaxNames - 1));
    usage
        ->add_option("-o,--output", options->outputs,
                     "FORMAT or FORMAT=PATH: text (default), json, markdown, yaml (the suggested roles); "
                     "repeatable")
        ->check(format_names(kUsageFormats))
        ->allow_extra_args(false);
    usage->footer(
        "Reads the logs as a stream (one record per request: ResponseComplete, else ResponseStarted; never "
        "RequestReceived), asks the grant table about every request for its caller as the export maps it, "
        "and "
        "reports per caller what was used and through which grants, what was refused, which grants served no "
        "request, which mapped principals made none, and what the log shows that the export cannot explain "
        "(a stale export).\n"
        "Exit codes: 0 done, 2 usage or input errors (an unreadable event or file: evidence not read is not "
        "evidence).\n"
        "Examples:\n"
        "  rbacgraph usage cluster/ --audit audit.jsonl\n"
        "  aws logs filter-log-events --log-group-name /aws/eks/prod/cluster --log-stream-name-prefix "
        "kube-apiserver-audit > audit.json\n"
        "  rbacgraph usage cluster/ --audit audit.json --cloudtrail trail/ --suggest -o "
        "yaml=least-privilege.yaml\n"
        "Docs: docs/usage.md");
    UsageCommand command;
    command.usage = usage;
    command.run = [options](std::ostream& out, std::ostream& err) { return run_usage(*options, out, err); };
    return command;
}

}  // namespace rbacgraph::cli
