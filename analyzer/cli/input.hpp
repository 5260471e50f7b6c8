#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "rbacgraph/estate.hpp"
#include "rbacgraph/graph.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/usage.hpp"

namespace rbacgraph::cli {

inline constexpr int kExitYes = 0;
inline constexpr int kExitNo = 1;
inline constexpr int kExitUsage = 2;
/// can-i: the input cannot decide (an access policy known only in part, a value unknown offline, a route that
/// hinges on a condition).
inline constexpr int kExitUndetermined = 3;

/// Options every command that reads an export takes.
struct InputOptions {
    std::vector<std::string> words;  ///< positionals: command words, then paths
    std::string creator;
    std::string creator_setting = "--creator";  ///< what set it, for the messages about it
    std::string output = "text";
    std::string default_namespace;
    std::string default_namespace_setting = "--default-namespace";
    std::vector<std::string> exclude;  ///< --exclude GLOB (and a config file's exclude)
    std::string exclude_setting = "--exclude";
    std::string kubernetes_version;  ///< --kubernetes-version
    bool allow_partial = false;
    bool verbose = false;
    bool no_builtin_objects = false;
    bool allow_empty = false;
    LoadLimits limits;
    std::vector<std::string> template_parameters;  ///< --cfn-parameter NAME=VALUE
    std::string account_id;                        ///< --aws-account-id
    std::vector<std::string> clusters;             ///< --cluster NAME=PATH
    std::string clusters_dir;                      ///< --clusters DIR: each subdirectory is a cluster
    /// IAM dumps every cluster shares, apart from the cluster's paths (diff: the paths after BASE and HEAD).
    std::vector<std::string> iam_paths;
    /// What names a cluster's paths, for the error about cluster objects among shared paths.
    std::string cluster_option = "--cluster NAME=PATH";
};

/// The options above; without `estates`, not --cluster and --clusters (diff has its own --clusters).
void add_input_options(CLI::App& command, InputOptions& options, bool estates = true);

/// The loaded estate with every diagnostic (load, graphs, IAM index).
struct Loaded {
    std::shared_ptr<const Estate> estate;  ///< also kept until the process ends (keep_until_exit)
    const Graph* graph = nullptr;          ///< the first cluster's (the only one without --cluster)
    std::vector<Diagnostic> diagnostics;
    int status = 0;  ///< kExitUsage when input errors must fail the run
    Export input;    ///< only its summary: the counts over every cluster and the shared IAM dumps

    /// One unnamed cluster and no IAM dump: answers keep the single-cluster form.
    bool single() const { return estate->single(); }
};

/// Keeps `object` alive until finish() ends the process (see finish in commands.hpp).
void keep_until_exit(std::shared_ptr<const void> object);

/// Loads the clusters (PATHs, or --cluster/--clusters with PATHs then holding IAM dumps only), prints the
/// diagnostics and a summary line per cluster; nullopt on a usage error or when no file could be read.
std::optional<Loaded> load(const std::vector<std::string>& paths, const InputOptions& options,
                           std::ostream& err);

/// One -o value: FORMAT, written to stdout, or FORMAT=PATH, written to that file; several in one run.
struct OutputTarget {
    std::string format;
    std::string path;  ///< empty: stdout
};

/// Every -o value checked against the formats a command writes (none given: the first format, to stdout); at
/// most one may go to stdout. nullopt after saying what is wrong.
std::optional<std::vector<OutputTarget>> parse_outputs(const std::vector<std::string>& values,
                                                       std::span<const std::string_view> formats,
                                                       std::ostream& err);

/// Writes every target with `write` (stdout or its file); false after saying which file failed.
bool write_outputs(const std::vector<OutputTarget>& targets, std::ostream& out, std::ostream& err,
                   const std::function<void(std::string_view format, std::ostream& stream)>& write);

/// "; did you mean 'json'?" when a known word is near `word` (rbacgraph's nearest_words), else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

/// An option value that must be one of `values`: the error lists them and names the nearest, where CLI11's
/// IsMember says only "not in {...}".
CLI::Validator one_of(std::vector<std::string> values);

/// Text tables cut to the terminal's width when `output` is "text" and `out` is a terminal's standard output;
/// whole for "wide", pipes and files (report.hpp set_table_width).
void fit_tables(const std::string& output, const std::ostream& out);

/// The formats -o FORMAT[=PATH] takes, described for --help and completion; parse_outputs checks the values.
CLI::Validator format_names(std::span<const std::string_view> formats);

/// --color auto|always|never for a command whose text has colours (check, diff).
void add_color_option(CLI::App& command, std::string& setting);

/// Whether text written to `out` gets colours: always, never, or (auto) when `out` is the terminal's standard
/// output, NO_COLOR is unset or empty (no-color.org) and TERM is not "dumb".
bool use_color(const std::string& setting, const std::ostream& out);

/// The check and rules subcommands.
struct CheckCommands {
    CLI::App* check = nullptr;
    CLI::App* rules = nullptr;
    std::function<int(std::ostream&, std::ostream&)> run_check;
    std::function<int(std::ostream&, std::ostream&)> run_rules;
};

CheckCommands add_check_commands(CLI::App& app);

/// The diff subcommand.
struct DiffCommand {
    CLI::App* diff = nullptr;
    std::function<int(std::ostream&, std::ostream&)> run;
};

DiffCommand add_diff_command(CLI::App& app);

/// The migrate subcommand.
struct MigrateCommand {
    CLI::App* migrate = nullptr;
    std::function<int(std::ostream&, std::ostream&)> run;
};

MigrateCommand add_migrate_command(CLI::App& app);

/// Audit logs (--audit of usage, check and diff) read into one usage log.
struct AuditLogs {
    UsageLog log;
    AuditReadStats stats;
    bool errors = false;  ///< an event or file could not be read: evidence not read is not evidence
};

/// Reads `paths` as audit logs for `graphs` (names their rules list are kept apart), printing each
/// diagnostic.
AuditLogs read_audit_logs(const std::vector<std::string>& paths, std::initializer_list<const Graph*> graphs,
                          const InputOptions& input, std::ostream& err);

/// The usage subcommand.
struct UsageCommand {
    CLI::App* usage = nullptr;
    std::function<int(std::ostream&, std::ostream&)> run;
};

UsageCommand add_usage_command(CLI::App& app);

/// The completion and man subcommands; they describe `app`, which must outlive their run functions.
struct DocsCommands {
    CLI::App* completion = nullptr;
    CLI::App* man = nullptr;
    std::function<int(std::ostream&)> run_completion;
    std::function<int(std::ostream&)> run_man;
};

DocsCommands add_docs_commands(CLI::App& app);

}  // namespace rbacgraph::cli
