#include "cli/commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <tuple>

#include "cli/input.hpp"
#include "cli/output_file.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/version.hpp"

namespace rbacgraph::cli {

void add_input_options(CLI::App& command, InputOptions& options, bool estates) {
    command.add_option("--creator", options.creator,
                       "ARN of the IAM principal that created the cluster (the EKS API does not reveal it)");
    command.add_option("--default-namespace", options.default_namespace,
                       "namespace for Roles/RoleBindings that carry none (as `kubectl apply -n` would)");
    command
        .add_option("--exclude", options.exclude,
                    "GLOB: do not read files whose path (or a tail of it after a '/') matches, e.g. "
                    "'charts/*/templates/*' for unrendered Helm templates ('*' crosses '/'; repeatable; the "
                    "summary line counts them)")
        ->allow_extra_args(false);
    command
        .add_option("--kubernetes-version", options.kubernetes_version,
                    "the clusters' Kubernetes version (1.35) for answers that depend on it; overrides "
                    "describe-cluster's")
        ->check([](const std::string& value) {
            return KubernetesVersion::parse(value)
                       ? std::string()
                       : "expects a Kubernetes version such as 1.35, found '" + value + "'";
        });
    command
        .add_option("--cfn-parameter", options.template_parameters,
                    "NAME=VALUE: a CloudFormation template parameter, or a pseudo parameter such as "
                    "AWS::Partition=aws (repeatable); overrides the parameter's Default")
        ->check([](const std::string& value) {
            return value.find('=') == std::string::npos || value.front() == '='
                       ? "expects NAME=VALUE, found '" + value + "'"
                       : std::string();
        });
    command
        .add_option("--aws-account-id", options.account_id,
                    "the AWS account a CloudFormation template is deployed in (AWS::AccountId)")
        ->check([](const std::string& value) {
            return value.size() == 12 && std::all_of(value.begin(), value.end(), ::isdigit)
                       ? std::string()
                       : "expects a 12-digit account ID, found '" + value + "'";
        });
    command.add_flag("--allow-partial", options.allow_partial,
                     "input errors are still reported but do not make the exit code 2");
    command.add_flag("--allow-empty", options.allow_empty,
                     "an input with no access definition (RBAC, aws-auth, EKS, IAM) is answered instead of "
                     "exiting 2 with 'nothing to evaluate'");
    command.add_flag("-v,--verbose", options.verbose, "also print notes (assumptions) on stderr");
    command.add_flag("--no-builtin-objects", options.no_builtin_objects,
                     "do not add the roles and bindings every cluster has (the Kubernetes bootstrap policy) "
                     "where the export lacks them");
    command
        .add_option(
            "--max-depth", options.limits.max_depth,
            "maximum nesting of YAML/JSON input (1-1000: the readers recurse, and deeper would overrun "
            "the stack)")
        ->check(CLI::Range(std::size_t{1}, kMaxDepthCeiling).description(""))
        ->type_name("LEVELS")
        ->capture_default_str();
    command.add_option("--max-file-bytes", options.limits.max_file_bytes, "maximum size of one input file")
        ->capture_default_str();
    command
        .add_option("--max-alias-nodes", options.limits.max_alias_nodes,
                    "nodes YAML aliases may add to one file (0: the file's size in bytes, at least 100000)")
        ->capture_default_str();
    if (!estates) {
        return;
    }
    command
        .add_option("--cluster", options.clusters,
                    "NAME=PATH: a cluster of the estate (repeatable; PATHs are then IAM dumps shared by all)")
        ->allow_extra_args(false);
    command.add_option(
        "--clusters", options.clusters_dir,
        "DIR whose subdirectories are one cluster each (files directly in DIR: shared IAM dumps)");
}

namespace {

// --cluster NAME=PATH (repeatable; a NAME given again adds a PATH) and --clusters DIR; nullopt after saying
// what is wrong.
std::optional<std::vector<ClusterInput>> cluster_inputs(const InputOptions& options, std::ostream& err) {
    std::vector<ClusterInput> clusters;
    const auto add = [&](const std::string& name, const std::string& path) {
        const auto found = std::find_if(clusters.begin(), clusters.end(),
                                        [&](const ClusterInput& cluster) { return cluster.name == name; });
        if (found != clusters.end()) {
            found->paths.push_back(path);
        } else {
            clusters.push_back({name, {path}});
        }
    };
    for (const std::string& value : options.clusters) {
        const std::size_t equals = value.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == value.size()) {
            err << "rbacgraph: --cluster takes NAME=PATH, found '" << value << "'\n";
            return std::nullopt;
        }
        add(value.substr(0, equals), value.substr(equals + 1));
    }
    if (!options.clusters_dir.empty()) {
        std::vector<Diagnostic> problems;
        for (const ClusterInput& cluster : clusters_in_directory(options.clusters_dir, problems)) {
            add(cluster.name, cluster.paths.front());
        }
        if (!problems.empty()) {
            err << "rbacgraph: --clusters " << options.clusters_dir << ' ' << problems.front().message
                << '\n';
            return std::nullopt;
        }
    }
    return clusters;
}

void print_loaded(const std::string& label, const Export& source, const std::vector<Diagnostic>& diagnostics,
                  std::ostream& err) {
    err << "rbacgraph: " << label << summary_line(source, diagnostics) << '\n';
}

}  // namespace

std::optional<Loaded> load(const std::vector<std::string>& paths, const InputOptions& options,
                           std::ostream& err) {
    auto clusters = cluster_inputs(options, err);
    if (!clusters) {
        return std::nullopt;
    }
    EstateInput input;
    if (clusters->empty()) {
        input.clusters.push_back({"", paths});
    } else {
        input.clusters = std::move(*clusters);
        input.shared_paths = paths;
    }
    input.shared_paths.insert(input.shared_paths.end(), options.iam_paths.begin(), options.iam_paths.end());
    if (!options.clusters_dir.empty()) {
        // Files beside the cluster subdirectories: the IAM dumps they share.
        for (std::string& path : shared_files_in_directory(options.clusters_dir)) {
            input.shared_paths.push_back(std::move(path));
        }
    }
    input.load.limits = options.limits;
    input.load.limits.max_file_bytes_setting = "--max-file-bytes";
    input.load.limits.max_alias_nodes_setting = "--max-alias-nodes";
    input.load.default_namespace = options.default_namespace;
    input.load.default_namespace_setting = options.default_namespace_setting;
    input.load.exclude = options.exclude;
    input.load.exclude_setting = options.exclude_setting;
    for (const std::string& parameter : options.template_parameters) {
        const std::size_t equals = parameter.find('=');
        input.load.template_parameters[parameter.substr(0, equals)] = parameter.substr(equals + 1);
    }
    if (!options.account_id.empty()) {
        input.load.template_parameters["AWS::AccountId"] = options.account_id;
    }
    input.load.template_parameter_setting = "--cfn-parameter";
    input.load.account_id_setting = "--aws-account-id";
    input.graph.creator_arn = options.creator;
    input.graph.creator_origin = SourceLocation::setting(options.creator_setting);
    input.graph.builtin_objects = !options.no_builtin_objects;
    if (!options.kubernetes_version.empty()) {
        input.graph.kubernetes_version = KubernetesVersion::parse(options.kubernetes_version);
    }
    input.cluster_option = options.cluster_option;
    LoadedEstate estate = load_estate(input);
    Loaded loaded;
    loaded.estate = estate.estate;
    keep_until_exit(loaded.estate);
    loaded.graph = loaded.estate->clusters().front().graph.get();
    loaded.input.summary = estate.summary;
    std::vector<Diagnostic>& diagnostics = estate.diagnostics;
    for (const Diagnostic& diagnostic : diagnostics) {
        if (diagnostic.severity != Severity::kNote || options.verbose) {
            err << format_diagnostic(diagnostic) << '\n';
        }
    }
    if (estate.summary.files == 0) {
        err << "rbacgraph: no input files were read; nothing to answer\n";
        return std::nullopt;
    }
    // Always said, so that a skipped or rejected document is never silent.
    for (const Cluster& cluster : loaded.estate->clusters()) {
        print_loaded(cluster.name.empty() ? "" : "cluster " + cluster.name + ": ", cluster.graph->source(),
                     cluster.name.empty() ? diagnostics : cluster.graph->source().diagnostics, err);
    }
    if (estate.shared) {
        print_loaded("IAM dumps: ", *estate.shared, estate.shared->diagnostics, err);
    }
    // A gate never passes over nothing: an input with no access definition is a usage error.
    if (!estate.evaluable && !options.allow_empty) {
        err << "rbacgraph: " << nothing_to_evaluate(estate) << "; --allow-empty answers anyway\n";
        return std::nullopt;
    }
    const std::size_t errors = count_errors(diagnostics);
    if (errors > 0 && !options.allow_partial) {
        err << "rbacgraph: the input was not fully understood; answers may miss permissions (exit code 2; "
               "--allow-partial accepts this)\n";
        loaded.status = kExitUsage;
    }
    loaded.diagnostics = std::move(diagnostics);
    return loaded;
}

// Every spelling of a command's options, with their dashes ("-o", "--output").
std::vector<std::string> option_names(const CLI::App& command) {
    std::vector<std::string> names;
    for (const CLI::Option* option : command.get_options()) {
        for (const std::string& name : option->get_lnames()) {
            names.push_back("--" + name);
        }
        for (const std::string& name : option->get_snames()) {
            names.push_back("-" + name);
        }
    }
    return names;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& known) {
    const std::vector<std::string> near = nearest_words(word, known, 1);
    return near.empty() ? std::string() : "; did you mean '" + near.front() + "'?";
}

CLI::Validator one_of(std::vector<std::string> values) {
    const std::string listed = fmt::format("{}", fmt::join(values, ", "));
    std::string description = "{" + fmt::format("{}", fmt::join(values, ",")) + "}";  // as CLI11 writes sets
    return CLI::Validator(
        [values = std::move(values), listed](std::string& value) -> std::string {
            if (std::find(values.begin(), values.end(), value) != values.end()) {
                return {};
            }
            return fmt::format("'{}' is not one of {}{}", terminal_text(value), listed,
                               did_you_mean(value, values));
        },
        std::move(description));
}

CLI::Validator format_names(std::span<const std::string_view> formats) {
    return CLI::Validator([](const std::string& /*value*/) { return std::string(); },
                          "{" + fmt::format("{}", fmt::join(formats, ",")) + "}");
}

std::optional<std::vector<OutputTarget>> parse_outputs(const std::vector<std::string>& values,
                                                       std::span<const std::string_view> formats,
                                                       std::ostream& err) {
    std::vector<OutputTarget> targets;
    for (const std::string& value : values) {
        const std::size_t equals = value.find('=');
        OutputTarget target{value.substr(0, equals),
                            equals == std::string::npos ? "" : value.substr(equals + 1)};
        if (std::find(formats.begin(), formats.end(), target.format) == formats.end()) {
            const std::vector<std::string> known(formats.begin(), formats.end());
            err << "rbacgraph: unknown output format '" << terminal_text(target.format)
                << "' (one of: " << fmt::format("{}", fmt::join(formats, ", "))
                << "; FORMAT=PATH writes it to a file)" << did_you_mean(target.format, known) << "\n";
            return std::nullopt;
        }
        if (equals != std::string::npos && target.path.empty()) {
            err << "rbacgraph: -o " << value << ": the path after '=' is empty\n";
            return std::nullopt;
        }
        targets.push_back(std::move(target));
    }
    if (targets.empty()) {
        targets.push_back({std::string(formats.front()), ""});
    }
    // Two outputs to one file would overwrite each other: whichever is written last wins, silently.
    for (std::size_t i = 0; i < targets.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            std::error_code ignored;
            if (!targets[i].path.empty() && !targets[j].path.empty() &&
                std::filesystem::weakly_canonical(targets[i].path, ignored) ==
                    std::filesystem::weakly_canonical(targets[j].path, ignored)) {
                err << "rbacgraph: -o " << targets[j].format << "=" << targets[j].path << " and -o "
                    << targets[i].format << "=" << targets[i].path
                    << " write the same file; give each output its own path\n";
                return std::nullopt;
            }
        }
    }
    if (std::count_if(targets.begin(), targets.end(), [](const OutputTarget& t) { return t.path.empty(); }) >
        1) {
        err << "rbacgraph: only one -o may write to stdout; give the others a file (-o sarif=report.sarif)\n";
        return std::nullopt;
    }
    return targets;
}

void add_color_option(CLI::App& command, std::string& setting) {
    command
        .add_option("--color", setting,
                    "colours in text output: auto (a terminal, unless NO_COLOR is set), always, never")
        ->check(one_of({"auto", "always", "never"}))
        ->capture_default_str();
}

namespace {
const std::ostream* standard_output = &std::cout;
}  // namespace

void set_standard_output(const std::ostream* out) {
    standard_output = out;
}

bool use_color(const std::string& setting, const std::ostream& out) {
    if (setting == "always" || setting == "never") {
        return setting == "always";
    }
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return &out == standard_output && isatty(STDOUT_FILENO) != 0 &&
           (no_color == nullptr || *no_color == '\0') &&
           (term == nullptr || std::string_view(term) != "dumb");
}

void fit_tables(const std::string& output, const std::ostream& out) {
    std::size_t columns = 0;
    if (output == "text" && &out == standard_output && isatty(STDOUT_FILENO) != 0) {
        winsize size{};
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
            columns = size.ws_col;
        } else if (const char* env = std::getenv("COLUMNS"); env != nullptr && std::atoi(env) > 0) {
            columns = static_cast<std::size_t>(std::atoi(env));
        } else {
            columns = 80;
        }
    }
    set_table_width(columns);
}

bool write_outputs(const std::vector<OutputTarget>& targets, std::ostream& out, std::ostream& err,
                   const std::function<void(std::string_view format, std::ostream& stream)>& write) {
    for (const OutputTarget& target : targets) {
        if (target.path.empty()) {
            write(target.format, out);
            continue;
        }
        const std::string problem =
            write_file_atomically(target.path, [&](std::ostream& file) { write(target.format, file); });
        if (!problem.empty()) {
            err << "rbacgraph: cannot write " << target.format << " output to " << target.path << ": "
                << problem << " (the file is unchanged)\n";
            return false;
        }
    }
    return true;
}

namespace {

struct IdentityOptions {
    std::string arn;
    std::string user;
    std::vector<std::string> groups;
    std::string oidc_provider;
    std::optional<std::string> oidc_user;
    std::vector<std::string> oidc_groups;

    bool oidc() const { return !oidc_provider.empty() || oidc_user || !oidc_groups.empty(); }
};

struct RequestOptions {
    std::string ns;
    std::string api_group;
    std::string subresource;
    std::string name;
    bool all_namespaces = false;
    bool quiet = false;
};

void add_output_option(CLI::App& command, InputOptions& options) {
    command
        .add_option("-o,--output", options.output,
                    "output format: text (tables cut to the terminal's width), wide (text, every column "
                    "whole), json")
        ->check(one_of({"text", "wide", "json"}))
        ->capture_default_str();
}

void add_request_options(CLI::App& command, RequestOptions& request) {
    command.add_option("-n,--namespace", request.ns, "namespace of the request (none: cluster scope)");
    command.add_flag("-A,--all-namespaces", request.all_namespaces,
                     "the request in any namespace (kubectl's -A; rbacgraph asks it at cluster scope, which "
                     "covers every namespace)");
    command.add_option("--api-group", request.api_group,
                       "API group of the resource (or write RESOURCE.GROUP)");
    command.add_option("--subresource", request.subresource,
                       "subresource (pods/exec also works where the catalog knows the subresource)");
    command.add_option("--name", request.name, "object name (or write TYPE/NAME, as kubectl does)");
}

void add_user_options(CLI::App& command, IdentityOptions& identity) {
    command.add_option("--user,--as", identity.user,
                       "Kubernetes username to ask about (instead of an ARN); --as as in kubectl");
    // One value per --group: a vector option would otherwise swallow the input PATHs that follow it.
    command.add_option("--group,--as-group", identity.groups, "Kubernetes group of --user (repeatable)")
        ->allow_extra_args(false);
    command.add_option("--oidc-user", identity.oidc_user,
                       "a user of the cluster's OIDC identity provider: the value of its username claim "
                       "(the provider's prefix is added as the API server adds it)");
    command
        .add_option("--oidc-group", identity.oidc_groups,
                    "a value of the provider's groups claim (repeatable; its groupsPrefix is added)")
        ->allow_extra_args(false);
    command.add_option(
        "--oidc-provider", identity.oidc_provider,
        "the OIDC identity provider's configuration name (needed when the cluster has several)");
}

void add_identity_options(CLI::App& command, IdentityOptions& identity) {
    command.add_option("--arn", identity.arn, "IAM user, role or assumed-role session ARN to ask about");
    add_user_options(command, identity);
}

bool is_input_path(const std::string& word) {
    std::error_code code;
    return word == "-" || std::filesystem::exists(word, code);
}

bool names_clusters(const InputOptions& options) {
    return !options.clusters.empty() || !options.clusters_dir.empty();
}

// VERB RESOURCE [NAME] PATH...: a third word is the NAME unless it names a file or directory. A word that
// could be both (no '/', and a file or directory of that name exists) is a usage error, never a guess.
struct CommandWords {
    std::string verb;
    std::string resource;
    std::string name;
    std::vector<std::string> paths;
};

// With --cluster/--clusters the clusters are the input and PATHs (IAM dumps) are optional.
std::optional<CommandWords> split_request_words(const std::vector<std::string>& words, bool clusters_named,
                                                bool name_given, std::ostream& err) {
    if (words.size() < (clusters_named ? 2U : 3U)) {
        err << "rbacgraph: expected VERB RESOURCE [NAME] PATH... (see --help)\n";
        return std::nullopt;
    }
    CommandWords out{words[0], words[1], {}, {}};
    std::size_t next = 2;
    // (A URL takes no name; after TYPE/NAME a second name is resolve_request's usage error.)
    const bool could_be_name =
        words.size() >= (clusters_named ? 3U : 4U) && !name_given && !words[1].starts_with("/");
    if (could_be_name && !is_input_path(words[2])) {
        out.name = words[2];
        next = 3;
    } else if (could_be_name && words[2].find('/') == std::string::npos && words[2] != "-") {
        err << "rbacgraph: '" << terminal_text(words[2])
            << "' is both an object name and a file or directory here; write the name as TYPE/NAME ("
            << terminal_text(words[1]) << "/" << terminal_text(words[2]) << ") or --name, or the path as ./"
            << terminal_text(words[2]) << "\n";
        return std::nullopt;
    }
    out.paths.assign(words.begin() + static_cast<std::ptrdiff_t>(next), words.end());
    return out;
}

struct ParsedRequest {
    RequestWords words;
    std::vector<std::string> paths;
};

// VERB RESOURCE [NAME] PATH... plus -n/-A/--api-group/--subresource/--name, as can-i and who-can take them.
// The words are read (resolve_words) once the input is loaded: its CRDs are part of the catalog.
std::optional<ParsedRequest> parse_request(const InputOptions& options, const RequestOptions& request_options,
                                           std::ostream& err) {
    if (request_options.all_namespaces && !request_options.ns.empty()) {
        err << "rbacgraph: -A (any namespace) and -n " << terminal_text(request_options.ns)
            << " ask different questions; give one\n";
        return std::nullopt;
    }
    const auto words =
        split_request_words(options.words, names_clusters(options), !request_options.name.empty(), err);
    if (!words) {
        return std::nullopt;
    }
    ParsedRequest parsed{{.verb = words->verb,
                          .resource = words->resource,
                          .name = request_options.name.empty() ? words->name : request_options.name,
                          .ns = request_options.ns,
                          .api_group = request_options.api_group,
                          .subresource = request_options.subresource},
                         words->paths};
    // Words that cannot be a request whatever the input declares are a usage error before any input is read.
    if (const auto early = resolve_request(parsed.words, ApiCatalog::builtin());
        const auto* problem = std::get_if<std::string>(&early)) {
        err << "rbacgraph: " << terminal_text(*problem) << '\n';
        return std::nullopt;
    }
    return parsed;
}

// The request as kubectl reads the words, against the input's catalog; its warnings go to stderr.
std::optional<ResolvedRequest> resolve_words(const ParsedRequest& parsed, const Estate& estate,
                                             std::ostream& err) {
    auto resolved = resolve_request(parsed.words, catalog_of(estate));
    if (const auto* problem = std::get_if<std::string>(&resolved)) {
        err << "rbacgraph: " << terminal_text(*problem) << '\n';
        return std::nullopt;
    }
    ResolvedRequest request = std::get<ResolvedRequest>(std::move(resolved));
    for (const std::string& warning : request.warnings) {
        err << "rbacgraph: warning: " << terminal_text(warning) << '\n';
    }
    return request;
}

// Usage errors in the identity options are reported before any input is read.
bool check_identity_options(const IdentityOptions& options, std::ostream& err) {
    const int askers = static_cast<int>(!options.arn.empty()) + static_cast<int>(!options.user.empty()) +
                       static_cast<int>(options.oidc());
    if (askers != 1) {
        err << "rbacgraph: give exactly one of --arn, --user, or an OIDC user (--oidc-user, --oidc-group)\n";
        return false;
    }
    if (options.oidc() && !options.groups.empty()) {
        err << "rbacgraph: --group goes with --user; an OIDC user's groups are given with --oidc-group\n";
        return false;
    }
    if (!options.arn.empty() && !options.groups.empty()) {
        err << "rbacgraph: --group goes with --user; an ARN's groups come from its mapping\n";
        return false;
    }
    return true;
}

Asker asker_of(const IdentityOptions& options) {
    Asker asker{.arn = options.arn, .user = options.user, .groups = options.groups};
    if (options.oidc()) {
        asker.oidc = OidcAsk{options.oidc_provider, options.oidc_user, options.oidc_groups};
    }
    return asker;
}

void print_json(std::ostream& out, nlohmann::json document, const Loaded& loaded) {
    document["diagnostics"] = diagnostics_json(loaded.diagnostics);
    if (loaded.single()) {
        document["input"] = summary_json(loaded.graph->source(), loaded.diagnostics);
    } else {
        nlohmann::json inputs = nlohmann::json::array();
        for (const Cluster& cluster : loaded.estate->clusters()) {
            nlohmann::json input = summary_json(cluster.graph->source(), cluster.graph->source().diagnostics);
            input["cluster"] = cluster.name;
            inputs.push_back(std::move(input));
        }
        document["input"] = std::move(inputs);
    }
    out << json_text(document, 2) << '\n';
}

int run_batch_mode(const std::string& batch, const std::vector<std::string>& paths,
                   const InputOptions& options, std::ostream& out, std::ostream& err) {
    if (paths.empty()) {
        err << "rbacgraph: can-i --batch FILE needs at least one input PATH\n";
        return kExitUsage;
    }
    if (!options.clusters.empty() || !options.clusters_dir.empty()) {
        err << "rbacgraph: can-i --batch answers for one cluster; run it once per cluster (IAM dumps among "
               "the "
               "PATHs are loaded but not followed: batch requests name mapped ARNs)\n";
        return kExitUsage;
    }
    const auto loaded = load(paths, options, err);
    if (!loaded) {
        return kExitUsage;
    }
    BatchStats stats;
    if (batch == "-") {
        stats = run_batch(*loaded->graph, std::cin, out);
    } else {
        std::ifstream in(batch);
        if (!in) {
            err << "rbacgraph: cannot open batch file " << batch << '\n';
            return kExitUsage;
        }
        stats = run_batch(*loaded->graph, in, out);
    }
    if (stats.errors > 0) {
        err << "rbacgraph: " << stats.errors << " of " << stats.requests << " batch lines had errors\n";
        return kExitUsage;
    }
    return loaded->status;
}

// kubectl auth can-i --list: the rules the identity holds in one namespace (kubectl's default is the
// context's namespace, "default" in a fresh kubeconfig; rbacgraph has no kubeconfig and takes "default" too);
// -A asks, as kubectl does, a rules review of no namespace: the cluster-wide rules only.
int run_rules_list(const InputOptions& options, const IdentityOptions& identity_options,
                   const RequestOptions& request_options, std::ostream& out, std::ostream& err) {
    if (request_options.all_namespaces && !request_options.ns.empty()) {
        err << "rbacgraph: -A (cluster-wide rules only) and -n " << terminal_text(request_options.ns)
            << " ask different questions; give one\n";
        return kExitUsage;
    }
    if (!request_options.api_group.empty() || !request_options.subresource.empty() ||
        !request_options.name.empty()) {
        err << "rbacgraph: can-i --list lists every rule; --api-group, --subresource and --name ask about "
               "one "
               "request (drop --list to ask it)\n";
        return kExitUsage;
    }
    if (request_options.ns == "*") {
        err << "rbacgraph: -n '*' is no namespace; use -A for the cluster-wide rules, or what-can for every "
               "namespace\n";
        return kExitUsage;
    }
    for (const std::string& word : options.words) {
        if (!is_input_path(word)) {
            err << "rbacgraph: can-i --list takes only input PATHs, and '" << terminal_text(word)
                << "' is not a file or directory (ask one request without --list: can-i VERB RESOURCE ...)\n";
            return kExitUsage;
        }
    }
    if (options.words.empty() && !names_clusters(options)) {
        err << "rbacgraph: no input PATH given\n";
        return kExitUsage;
    }
    if (!check_identity_options(identity_options, err)) {
        return kExitUsage;
    }
    const auto loaded = load(options.words, options, err);
    if (!loaded) {
        return kExitUsage;
    }
    const std::string ns = request_options.all_namespaces ? ""
                           : request_options.ns.empty()   ? "default"
                                                          : request_options.ns;
    const EstateWhatCan result = what_can_estate(*loaded->estate, asker_of(identity_options));
    if (request_options.quiet) {
        // Nothing to print; the exit code says whether the input loaded.
    } else if (options.output == "json") {
        print_json(out, rules_list_answer_json(*loaded->estate, result, ns), *loaded);
    } else {
        fit_tables(options.output, out);
        write_rules_list(out, *loaded->estate, result, ns);
    }
    return loaded->status;
}

int run_can_i(const InputOptions& options, const IdentityOptions& identity_options,
              const RequestOptions& request_options, const std::string& batch, bool explain, bool list,
              std::ostream& out, std::ostream& err) {
    if (list && (!batch.empty() || explain)) {
        err << "rbacgraph: can-i --list lists the rules; it goes with neither --batch nor --explain "
               "(what-can "
               "shows the path of each grant)\n";
        return kExitUsage;
    }
    if (list) {
        return run_rules_list(options, identity_options, request_options, out, err);
    }
    if (!batch.empty()) {
        return run_batch_mode(batch, options.words, options, out, err);
    }
    const auto parsed = parse_request(options, request_options, err);
    if (!parsed || !check_identity_options(identity_options, err)) {
        return kExitUsage;
    }
    const auto loaded = load(parsed->paths, options, err);
    if (!loaded) {
        return kExitUsage;
    }
    const auto request = resolve_words(*parsed, *loaded->estate, err);
    if (!request) {
        return kExitUsage;
    }
    // One question over the estate, a single cluster being an estate of one.
    const EstateCanI result = can_i_estate(*loaded->estate, asker_of(identity_options), *request, explain);
    if (request_options.quiet) {
        // kubectl auth can-i -q: the exit code alone.
    } else if (options.output == "json") {
        nlohmann::json answer = can_i_answer_json(*loaded->estate, result, request->request);
        add_request_resolution(answer, *request);
        print_json(out, std::move(answer), *loaded);
    } else {
        fit_tables(options.output, out);
        if (explain) {
            write_request_line(out, *request);
        }
        write_can_i(out, *loaded->estate, result, explain);
    }
    if (loaded->status != 0) {
        return loaded->status;
    }
    const Verdict verdict = result.verdict();
    return verdict == Verdict::kAllowed  ? kExitYes
           : verdict == Verdict::kDenied ? kExitNo
                                         : kExitUndetermined;
}

int run_what_can(const InputOptions& options, const IdentityOptions& identity_options, std::ostream& out,
                 std::ostream& err) {
    IdentityOptions chosen = identity_options;
    std::vector<std::string> paths = options.words;
    if (chosen.user.empty() && !chosen.oidc()) {
        if (paths.empty() || !paths.front().starts_with("arn:")) {
            err << "rbacgraph: expected ARN PATH... (or --user USER [--group G]... PATH..., or --oidc-user "
                   "U [--oidc-group G]... PATH...)\n";
            return kExitUsage;
        }
        chosen.arn = paths.front();
        paths.erase(paths.begin());
    }
    if (paths.empty() && !names_clusters(options)) {
        err << "rbacgraph: no input PATH given\n";
        return kExitUsage;
    }
    if (!check_identity_options(chosen, err)) {
        return kExitUsage;
    }
    const auto loaded = load(paths, options, err);
    if (!loaded) {
        return kExitUsage;
    }
    const EstateWhatCan result = what_can_estate(*loaded->estate, asker_of(chosen));
    if (options.output == "json") {
        print_json(out, what_can_answer_json(*loaded->estate, result), *loaded);
    } else {
        fit_tables(options.output, out);
        write_what_can(out, *loaded->estate, result);
    }
    return loaded->status;
}

int run_who_can(const InputOptions& options, const RequestOptions& request_options, std::ostream& out,
                std::ostream& err) {
    const auto parsed = parse_request(options, request_options, err);
    if (!parsed) {
        return kExitUsage;
    }
    const auto loaded = load(parsed->paths, options, err);
    if (!loaded) {
        return kExitUsage;
    }
    const auto request = resolve_words(*parsed, *loaded->estate, err);
    if (!request) {
        return kExitUsage;
    }
    const ReachIndex reach(loaded->estate->iam());
    const EstateWhoCan result = who_can_estate(*loaded->estate, reach, request->request);
    if (options.output == "json") {
        nlohmann::json answer = who_can_answer_json(*loaded->estate, result);
        add_request_resolution(answer, *request);
        print_json(out, std::move(answer), *loaded);
    } else {
        fit_tables(options.output, out);
        write_who_can(out, *loaded->estate, result);
        for (const std::string& doubt : request->doubts) {
            out << "note: " << terminal_text(doubt)
                << "; a short or empty list is not the answer to the request "
                << "you meant\n";
        }
    }
    return loaded->status;
}

int run_graph(const InputOptions& options, const std::string& focus, std::ostream& out, std::ostream& err) {
    if (options.words.empty() && !names_clusters(options)) {
        err << "rbacgraph: graph needs at least one input PATH (or --cluster/--clusters)\n";
        return kExitUsage;
    }
    const auto loaded = load(options.words, options, err);
    if (!loaded) {
        return kExitUsage;
    }
    AccessGraph graph = build_access_graph(*loaded->estate);
    if (!focus.empty()) {
        graph = focus_access_graph(graph, focus);
        if (graph.nodes.empty()) {
            err << "rbacgraph: --focus '" << focus
                << "' names no node (give an ARN, or a node as the graph labels it: \"User NAME\", \"Group "
                   "NAME\", \"ServiceAccount NS/NAME\", \"ClusterRole NAME\", \"RoleBinding NS/NAME\"; or a "
                   "bare "
                   "user, group, role or binding name)\n";
            return kExitUsage;
        }
    }
    if (options.output == "json") {
        write_graph_json(out, graph);
    } else if (options.output == "mermaid") {
        write_graph_mermaid(out, graph);
    } else {
        write_graph_dot(out, graph);
    }
    return loaded->status;
}

}  // namespace

namespace {

// diff loads BASE and HEAD on two threads, and each keeps its estate.
struct KeptObjects {
    std::mutex mutex;
    std::vector<std::shared_ptr<const void>> objects;
};

KeptObjects& kept_objects() {
    static KeptObjects kept;
    return kept;
}

}  // namespace

void keep_until_exit(std::shared_ptr<const void> object) {
    KeptObjects& kept = kept_objects();
    const std::lock_guard lock(kept.mutex);
    kept.objects.push_back(std::move(object));
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kLeakChecked = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kLeakChecked = true;
#else
constexpr bool kLeakChecked = false;
#endif
#else
constexpr bool kLeakChecked = false;
#endif

int finish(int code, std::ostream& out, std::ostream& err) {
    out.flush();
    std::cout.flush();
    const int write_errno = errno;
    bool written = !out.bad() && !std::cout.bad();
    // close() reports what a deferred write could not do (NFS, a quota); stdout is not used after this.
    if (written && ::close(STDOUT_FILENO) != 0 && errno != EBADF) {
        written = false;
    }
    if (!written) {
        err << "rbacgraph: could not write the output to standard output: "
            << std::strerror(write_errno != 0 ? write_errno : errno) << "; the report is incomplete\n";
        code = kExitUsage;
    }
    err.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    if (!kLeakChecked) {
        std::_Exit(code);
    }
    kept_objects().objects.clear();
    return code;
}

// One subcommand and what runs it: run() dispatches through a table of these, so a new command is one
// registration and cannot fall through to another.
struct Command {
    CLI::App* app = nullptr;
    std::function<int(std::ostream&, std::ostream&)> run;
};

Command add_can_i_command(CLI::App& app) {
    struct State {
        InputOptions options;
        IdentityOptions identity;
        RequestOptions request;
        std::string batch;
        bool explain = false;
        bool list = false;
    };
    auto state = std::make_shared<State>();
    InputOptions& can_options = state->options;
    IdentityOptions& can_identity = state->identity;
    RequestOptions& can_request = state->request;
    std::string& batch = state->batch;
    bool& explain = state->explain;
    CLI::App* can_i = app.add_subcommand(
        "can-i",
        "Can this ARN (or user) do VERB on RESOURCE? Prints yes, no, or undetermined with the "
        "reason.");
    can_i->add_option("words", can_options.words,
                      "VERB RESOURCE[/SUBRESOURCE] [NAME] PATH...  or  VERB /url PATH...");
    add_identity_options(*can_i, can_identity);
    add_request_options(*can_i, can_request);
    add_input_options(*can_i, can_options);
    add_output_option(*can_i, can_options);
    can_i->add_flag("--explain", explain,
                    "print the request as read, and every grant as ARN -> mapping -> identity -> binding -> "
                    "role -> rule");
    can_i->add_flag("-q,--quiet", can_request.quiet,
                    "print nothing; the exit code is the answer (as kubectl's -q)");
    can_i->add_option("--batch", batch, "JSON-lines requests (- for stdin); positionals are then only PATHs");
    can_i->add_flag("--list", state->list,
                    "list the identity's rules in the namespace (-n, default \"default\"; -A: cluster-wide "
                    "rules only) as kubectl auth can-i --list does; positionals are then only PATHs");
    can_i->footer(
        "Examples:\n"
        "  rbacgraph can-i create pods/exec -n test --arn arn:aws:sts::111122223333:assumed-role/dev/alice "
        "./export/\n"
        "  rbacgraph can-i list deployments.apps -n web --user jane --group devs ./export/ --explain\n"
        "  rbacgraph can-i get /healthz --arn arn:aws:iam::111122223333:user/ops ./export/\n"
        "  rbacgraph can-i --batch requests.jsonl ./export/\n"
        "  rbacgraph can-i --list -n shop-checkout --as jane --as-group devs ./export/\n"
        "  rbacgraph can-i get secrets -n web --oidc-user alice --oidc-group admins ./export/\n"
        "  rbacgraph can-i get pods -n web --arn arn:aws:iam::111122223333:user/alice --clusters "
        "./estate/clusters "
        "./estate/iam/\n"
        "With an IAM dump (get-account-authorization-details) among the PATHs, any IAM user or role ARN is "
        "answered by\n"
        "following sts:AssumeRole to the roles it reaches (docs/iam.md, docs/estate.md).");

    return {can_i, [state](std::ostream& out, std::ostream& err) {
                return run_can_i(state->options, state->identity, state->request, state->batch,
                                 state->explain, state->list, out, err);
            }};
}

Command add_what_can_command(CLI::App& app) {
    struct State {
        InputOptions options;
        IdentityOptions identity;
    };
    auto state = std::make_shared<State>();
    InputOptions& what_options = state->options;
    IdentityOptions& what_identity = state->identity;
    CLI::App* what =
        app.add_subcommand("what-can", "Everything an ARN (or user) can do, with the path that grants it.");
    what->add_option("words", what_options.words, "ARN PATH...  (or --user U [--group G]... PATH...)");
    add_user_options(*what, what_identity);
    add_input_options(*what, what_options);
    add_output_option(*what, what_options);
    what->footer(
        "Examples:\n  rbacgraph what-can arn:aws:iam::111122223333:role/KubernetesAdmin ./export/\n"
        "  rbacgraph what-can arn:aws:iam::111122223333:user/alice --cluster prod=./prod --cluster dev=./dev "
        "./iam.json\n"
        "  rbacgraph what-can --oidc-group platform-admins ./export/   (a group of the cluster's OIDC "
        "identity "
        "provider)\n"
        "With an IAM dump, the answer covers every role the ARN can assume, in every cluster "
        "(docs/estate.md).");

    return {what, [state](std::ostream& out, std::ostream& err) {
                return run_what_can(state->options, state->identity, out, err);
            }};
}

Command add_who_can_command(CLI::App& app) {
    struct State {
        InputOptions options;
        RequestOptions request;
    };
    auto state = std::make_shared<State>();
    InputOptions& who_options = state->options;
    RequestOptions& who_request = state->request;
    CLI::App* who =
        app.add_subcommand("who-can", "Every mapped IAM principal and Kubernetes subject allowed a request.");
    who->add_option("words", who_options.words, "VERB RESOURCE[/SUBRESOURCE] [NAME] PATH...");
    add_request_options(*who, who_request);
    add_input_options(*who, who_options);
    add_output_option(*who, who_options);
    who->footer(
        "Examples:\n  rbacgraph who-can get secrets -n kube-system ./export/\n"
        "  rbacgraph who-can delete pods -n web --clusters ./estate/clusters ./estate/iam/\n"
        "With an IAM dump, it also lists the IAM principals that reach each allowed ARN by sts:AssumeRole.");

    return {who, [state](std::ostream& out, std::ostream& err) {
                return run_who_can(state->options, state->request, out, err);
            }};
}

Command add_graph_command(CLI::App& app) {
    struct State {
        InputOptions options;
        std::string focus;
    };
    auto state = std::make_shared<State>();
    InputOptions& graph_options = state->options;
    std::string& focus = state->focus;
    graph_options.output = "dot";
    CLI::App* graph_command = app.add_subcommand(
        "graph", "Draw the access graph: IAM principals -> mappings -> users/groups -> bindings -> roles.");
    graph_command->add_option("paths", graph_options.words, "export files or directories (- for stdin)");
    add_input_options(*graph_command, graph_options);
    graph_command->add_option("-o,--output", graph_options.output, "output format")
        ->check(one_of({"dot", "mermaid", "json"}))
        ->capture_default_str();
    graph_command->add_option(
        "--focus", focus,
        "only what this node reaches and what reaches it: an ARN, or a node as the graph labels it (\"Group "
        "ops\", \"ClusterRole cluster-admin\", \"RoleBinding web/devs\"), or a bare user, group, role or "
        "binding "
        "name");
    graph_command->footer(
        "Cluster admin (system:masters, full-admin roles and policies) and every way into it are red; edges "
        "that\n"
        "hold only under a condition or an unknown value are dashed; the picture carries a legend.\n"
        "Examples:\n"
        "  rbacgraph graph ./export/ --focus \"Group developers\" | dot -Tsvg > developers.svg\n"
        "  rbacgraph graph ./export/ --focus \"ClusterRole cluster-admin\"   # who reaches cluster-admin\n"
        "  rbacgraph graph -o mermaid --focus arn:aws:iam::111122223333:user/carol --clusters "
        "./estate/clusters "
        "./estate/iam/\n"
        "Docs: docs/graph.md");

    return {graph_command, [state](std::ostream& out, std::ostream& err) {
                return run_graph(state->options, state->focus, out, err);
            }};
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    CLI::App app{
        "rbacgraph: offline analyzer of Kubernetes RBAC and the AWS EKS IAM-to-Kubernetes mapping.\n"
        "Point it at exported objects (kubectl get -o yaml|json, aws-auth, aws eks describe-* JSON).",
        "rbacgraph"};
    app.set_version_flag("--version", fmt::format("rbacgraph {} (commit {})", version(), commit()));
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 yes/success, 1 no (can-i) or failing findings (check), 2 usage or input errors, 3\n"
        "undetermined (can-i: the input cannot decide, e.g. an access policy AWS publishes no rules for).\n"
        "Docs: docs/cli.md, docs/check.md, docs/semantics.md, docs/json-output.md");

    // In the order --help, the manual page and the completions list them.
    std::vector<Command> commands;
    commands.push_back(add_can_i_command(app));
    commands.push_back(add_what_can_command(app));
    commands.push_back(add_who_can_command(app));
    commands.push_back(add_graph_command(app));
    const CheckCommands check_commands = add_check_commands(app);
    commands.push_back({check_commands.check, check_commands.run_check});
    commands.push_back({check_commands.rules, check_commands.run_rules});
    const DiffCommand diff_command = add_diff_command(app);
    commands.push_back({diff_command.diff, diff_command.run});
    const MigrateCommand migrate_command = add_migrate_command(app);
    commands.push_back({migrate_command.migrate, migrate_command.run});
    const UsageCommand usage_command = add_usage_command(app);
    commands.push_back({usage_command.usage, usage_command.run});
    const DocsCommands docs_commands = add_docs_commands(app);
    commands.push_back(
        {docs_commands.completion, [&docs_commands](std::ostream& to, std::ostream& /*unused*/) {
             return docs_commands.run_completion(to);
         }});
    commands.push_back({docs_commands.man, [&docs_commands](std::ostream& to, std::ostream& /*unused*/) {
                            return docs_commands.run_man(to);
                        }});

    // A bare `rbacgraph` teaches: the usage, on stdout, and the usage exit code.
    if (argc <= 1) {
        out << app.help();
        return kExitUsage;
    }
    // A first word that is no command and no option is most likely a misspelt command: say which one.
    std::vector<std::string> names;
    names.reserve(commands.size());
    for (const Command& command : commands) {
        names.push_back(command.app->get_name());
    }
    if (const std::string first = argv[1];
        !first.starts_with('-') && std::find(names.begin(), names.end(), first) == names.end()) {
        err << "rbacgraph: '" << terminal_text(first) << "' is not a command" << did_you_mean(first, names)
            << "\n"
            << "Commands: " << fmt::format("{}", fmt::join(names, ", ")) << " (rbacgraph --help)\n";
        return kExitUsage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ExtrasError& error) {
        // An option the command does not have is most likely a misspelt one: name the nearest.
        for (const Command& command : commands) {
            if (!command.app->parsed()) {
                continue;
            }
            for (const std::string& extra : command.app->remaining()) {
                if (!extra.starts_with('-')) {
                    continue;
                }
                const std::string hint = did_you_mean(extra, option_names(*command.app));
                err << "rbacgraph " << command.app->get_name() << ": unknown option '" << terminal_text(extra)
                    << "'" << hint << " (rbacgraph " << command.app->get_name() << " --help)\n";
                return kExitUsage;
            }
        }
        return app.exit(error, out, err) == 0 ? 0 : kExitUsage;
    } catch (const CLI::ParseError& error) {
        return app.exit(error, out, err) == 0 ? 0 : kExitUsage;
    }
    for (const Command& command : commands) {
        if (command.app->parsed()) {
            return command.run(out, err);
        }
    }
    // require_subcommand(1) makes this unreachable; say so rather than answer another command's question.
    err << "rbacgraph: a subcommand is required (rbacgraph --help lists them)\n";
    return kExitUsage;
}

}  // namespace rbacgraph::cli
