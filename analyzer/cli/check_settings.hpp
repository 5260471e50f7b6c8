#pragma once
// What check and diff share: the configuration file (--config, .rbacgraph.yaml, --no-config), the rules
// to run (--enable, --disable), the baseline and the fail-on threshold, read the same way by both (issue
// 31: a team's suppressions worked in check and not in the pull-request gate).

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/input.hpp"
#include "rbacgraph/check.hpp"

namespace rbacgraph::cli {

struct CheckSettings {
    std::string config;
    bool no_config = false;
    std::vector<std::string> enable;
    std::vector<std::string> disable;
    std::string baseline;
    std::optional<std::string> fail_on;       ///< unset: the config's, else high
    std::optional<std::string> min_severity;  ///< unset: the config's, else info
};

/// Adds --config, --no-config, --enable, --disable, --baseline and --fail-on (with its help text).
void add_check_settings(CLI::App& command, CheckSettings& settings, const std::string& fail_on_help);

/// The run the settings describe: the config read (or found) and applied under the command line, the baseline
/// loaded, the rules selected. nullopt after saying what is wrong (a usage error).
struct PreparedRun {
    CheckRun run;
    std::optional<RiskSeverity> fail_on;  ///< nullopt: never
    RiskSeverity min_severity = RiskSeverity::kInfo;
};
std::optional<PreparedRun> prepare_check_run(const CheckSettings& settings, std::ostream& err);

/// Each diagnostic on its own line, as every command prints them.
void print_diagnostics(const std::vector<Diagnostic>& diagnostics, std::ostream& err);

/// The input options with the config's exclude globs added to --exclude, and its default-namespace,
/// kubernetes-version and creator where the command line gives none.
InputOptions with_config_inputs(const InputOptions& input, const CheckConfig& config);

}  // namespace rbacgraph::cli
