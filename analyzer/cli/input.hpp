#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "rbacgraph/graph.hpp"
#include "rbacgraph/load.hpp"

namespace rbacgraph::cli {

inline constexpr int kExitYes = 0;
inline constexpr int kExitNo = 1;
inline constexpr int kExitUsage = 2;

/// Options every command that reads an export takes.
struct InputOptions {
    std::vector<std::string> words;  ///< positionals: command words, then paths
    std::string creator;
    std::string output = "text";
    std::string default_namespace;
    bool allow_partial = false;
    bool verbose = false;
    LoadLimits limits;
};

void add_input_options(CLI::App& command, InputOptions& options);

/// The loaded export with every diagnostic (load and graph).
struct Loaded {
    std::shared_ptr<const Graph> graph;  ///< also kept until the process ends (keep_until_exit)
    std::vector<Diagnostic> diagnostics;
    int status = 0;  ///< kExitUsage when input errors must fail the run
};

/// Keeps `object` alive until finish() ends the process (see finish in commands.hpp).
void keep_until_exit(std::shared_ptr<const void> object);

/// Loads, prints the diagnostics and the summary line; nullopt when not a single file could be read.
std::optional<Loaded> load(const std::vector<std::string>& paths, const InputOptions& options,
                           std::ostream& err);

/// The check and rules subcommands.
struct CheckCommands {
    CLI::App* check = nullptr;
    CLI::App* rules = nullptr;
    std::function<int(std::ostream&, std::ostream&)> run_check;
    std::function<int(std::ostream&, std::ostream&)> run_rules;
};

CheckCommands add_check_commands(CLI::App& app);

}  // namespace rbacgraph::cli
