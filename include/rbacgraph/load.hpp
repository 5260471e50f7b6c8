#pragma once

#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "rbacgraph/model.hpp"

namespace rbacgraph {

/// The deepest nesting --max-depth accepts: the readers and the writers recurse once per level, and 1,000
/// levels stay far inside a thread's 8 MiB stack in every build (sanitizers make frames several times
/// larger).
constexpr std::size_t kMaxDepthCeiling = 1000;

/// Bounds applied to untrusted input before and while it is parsed.
struct LoadLimits {
    std::size_t max_depth = 200;  ///< nesting of mappings and lists (at most kMaxDepthCeiling)
    std::size_t max_file_bytes = std::size_t{1} << 30;  ///< one file or stdin
    std::size_t max_nodes_per_file = 50'000'000;        ///< after YAML alias expansion
    /// Nodes that YAML aliases may add to one file; 0 = the larger of 100,000 and the file's size in bytes.
    std::size_t max_alias_nodes = 0;
    /// How the caller names the settings that raise these limits, for messages (the CLI: its options).
    std::string max_file_bytes_setting = "the max-file-bytes limit";
    std::string max_alias_nodes_setting = "the max-alias-nodes limit";
};

struct LoadOptions {
    LoadLimits limits;
    /// Namespace for namespaced objects that carry none (as `kubectl apply -n` would); empty = error.
    std::string default_namespace;
    /// How the caller names that setting, for messages (the CLI: its option).
    std::string default_namespace_setting = "the default namespace setting";
    /// Values of CloudFormation template parameters and pseudo parameters ("AWS::AccountId"), which override
    /// a parameter's Default; a value neither gives stays unknown.
    std::map<std::string, std::string> template_parameters;
    /// How the caller names those settings, for messages (the CLI: its options).
    std::string template_parameter_setting = "the template-parameter setting";
    std::string account_id_setting = "the account-id setting";
    /// Files parsed at once; 0 = one per core. The result does not depend on it.
    unsigned threads = 0;
    /// Globs ('*' any run of characters, '/' included) of files not to read: one matches a file's path as
    /// named (the argument, joined with the directory walk) or any tail of it after a '/'. Each file left out
    /// is counted in a note.
    std::vector<std::string> exclude;
    std::string exclude_setting = "the exclude setting";
};

/// Whether a path is one an exclude glob names (LoadOptions::exclude).
bool excluded_path(std::string_view path, const std::vector<std::string>& globs);

/// A file name load_paths reads from a directory: .yaml, .yml or .json.
bool is_input_file_name(std::string_view name);

/// The files load_paths reads from a directory: .yaml, .yml and .json, recursively, hidden ones included (as
/// kubectl apply -R reads them), in name order. What it cannot read or will not (an unreadable subdirectory,
/// a dangling symbolic link, a FIFO that could block, a link to a directory) is a diagnostic in `problems`
/// naming the path; the rest is still listed.
std::vector<std::string> input_files_in(const std::string& directory, std::vector<Diagnostic>& problems);

/// The files of a directory whose names `wanted` accepts, walked as input_files_in walks (recursively, hidden
/// ones included, in name order, links to directories and FIFOs not followed, each problem a diagnostic).
std::vector<std::string> files_in(const std::string& directory, std::vector<Diagnostic>& problems,
                                  bool (*wanted)(std::string_view name));

/// Loads files and directories (recursively: .yaml, .yml, .json; "-" is stdin) into one export.
/// Problems become diagnostics; loading always goes on with the rest.
Export load_paths(const std::vector<std::string>& paths, const LoadOptions& options = {});

/// Loads one buffer as if it were the file `file` (format from the extension, else sniffed).
void load_text(std::string_view text, const std::string& file, Export& out, const LoadOptions& options = {});

/// Resolves duplicates among loaded objects (the last one wins, as with kubectl apply) and sorts
/// diagnostics; load_paths calls it, callers of load_text call it once when done.
void finish_export(Export& out);

}  // namespace rbacgraph
