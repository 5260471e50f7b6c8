#include "cli/check_settings.hpp"

#include <filesystem>

#include "cli/input.hpp"
#include "rbacgraph/output_text.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::cli {
namespace {

// The config file of the run: --config, else .rbacgraph.yaml found from the working directory (said on
// stderr, so that nobody wonders where a suppression came from), none with --no-config.
std::optional<std::string> config_file(const CheckSettings& settings, std::ostream& err) {
    if (settings.no_config) {
        return std::nullopt;
    }
    if (!settings.config.empty()) {
        return settings.config;
    }
    std::error_code ignored;
    std::optional<std::string> found = find_check_config(std::filesystem::current_path(ignored));
    if (found) {
        err << "rbacgraph: using config " << terminal_text(*found) << " (--no-config to read none)\n";
    }
    return found;
}

}  // namespace

void add_check_settings(CLI::App& command, CheckSettings& settings, const std::string& fail_on_help) {
    command.add_option("--fail-on", settings.fail_on, fail_on_help + " (default: the config's, else high)")
        ->check(one_of({"critical", "high", "medium", "low", "info", "never"}));
    command.add_option("--enable", settings.enable, "run only these rules (ID or slug; repeatable)")
        ->allow_extra_args(false);
    command.add_option("--disable", settings.disable, "do not run these rules (ID or slug; repeatable)")
        ->allow_extra_args(false);
    CLI::Option* config = command.add_option(
        "--config", settings.config,
        "YAML config: suppressions, enable, disable, fail-on, min-severity, baseline (docs/check.md); "
        "default: .rbacgraph.yaml here or in a parent, up to the repository root");
    command.add_flag("--no-config", settings.no_config, "read no config file, not even .rbacgraph.yaml")
        ->excludes(config);
    command.add_option("--baseline", settings.baseline,
                       "findings whose fingerprint is in this file are reported as known and do not fail");
}

std::optional<PreparedRun> prepare_check_run(const CheckSettings& settings, std::ostream& err) {
    PreparedRun prepared;
    CheckRun& run = prepared.run;
    run.rules = builtin_rules();
    std::vector<Diagnostic> setup;
    if (const std::optional<std::string> file = config_file(settings, err)) {
        run.config = load_check_config(*file, setup, run.rules);
    }
    // The command line wins over the config file, key by key.
    const std::string baseline =
        !settings.baseline.empty() ? settings.baseline : run.config.baseline.value_or("");
    if (!baseline.empty()) {
        run.baseline = load_baseline(baseline, setup);
    }
    print_diagnostics(setup, err);
    if (count_errors(setup) > 0) {
        err << "rbacgraph: fix the config or baseline file first\n";
        return std::nullopt;
    }
    const std::string fail_on = settings.fail_on.value_or(run.config.fail_on.value_or("high"));
    prepared.fail_on = fail_on == "never" ? std::nullopt : parse_risk_severity(fail_on);
    prepared.min_severity =
        *parse_risk_severity(settings.min_severity.value_or(run.config.min_severity.value_or("info")));
    const std::vector<std::string>& enabled = settings.enable.empty() ? run.config.enable : settings.enable;
    std::vector<std::string> disabled = settings.disable;
    disabled.insert(disabled.end(), run.config.disable.begin(), run.config.disable.end());
    auto selected = select_rules(run.rules, enabled, disabled);
    if (const auto* problem = std::get_if<std::string>(&selected)) {
        err << "rbacgraph: " << *problem
            << (problem->starts_with("unknown") ? " (see `rbacgraph rules`)\n" : "\n");
        return std::nullopt;
    }
    run.options.enabled = std::get<std::set<std::string>>(std::move(selected));
    return prepared;
}

void print_diagnostics(const std::vector<Diagnostic>& diagnostics, std::ostream& err) {
    for (const Diagnostic& diagnostic : diagnostics) {
        err << format_diagnostic(diagnostic) << '\n';
    }
}

InputOptions with_config_inputs(const InputOptions& input, const CheckConfig& config) {
    InputOptions out = input;
    if (!config.exclude.empty()) {
        out.exclude.insert(out.exclude.end(), config.exclude.begin(), config.exclude.end());
        out.exclude_setting =
            input.exclude.empty() ? "the config's exclude" : "--exclude and the config's exclude";
    }
    // The command line wins key by key, as for every other key.
    if (config.default_namespace && input.default_namespace.empty()) {
        out.default_namespace = *config.default_namespace;
        out.default_namespace_setting = config.file + ": default-namespace";
    }
    if (config.kubernetes_version && input.kubernetes_version.empty()) {
        out.kubernetes_version = *config.kubernetes_version;
    }
    if (config.creator && input.creator.empty()) {
        out.creator = *config.creator;
        out.creator_setting = config.file + ": creator";
    }
    return out;
}

}  // namespace rbacgraph::cli
