#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "load/interpret.hpp"
#include "model/wildcard.hpp"
#include "rbacgraph/arn.hpp"
#include "rbacgraph/parallel.hpp"

namespace rbacgraph {
namespace {

namespace fs = std::filesystem;

// kubectl reads any file whose first non-space byte is '{' as a JSON stream, whatever its name
// (k8s.io/apimachinery/pkg/util/yaml GuessJSONStream): a .yaml file in YAML flow style is a JSON error to it.
bool starts_like_kubectl_json(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    const std::size_t first = text.find_first_not_of(" \t\r\n\v\f");
    // "{{" opens a Helm template action, reported as such (helm_action_at_structure), not as bad JSON.
    return first != std::string_view::npos && text[first] == '{' && text.substr(first, 2) != "{{";
}

bool looks_like_json(const std::string& file, std::string_view text) {
    if (file.ends_with(".json") || starts_like_kubectl_json(text)) {
        return true;
    }
    if (file.ends_with(".yaml") || file.ends_with(".yml")) {
        return false;
    }
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && text[first] == '[';
}

std::optional<std::string> encoding_problem(std::string_view text) {
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
        return "the file is UTF-16 encoded; kubectl and the AWS CLI write UTF-8 (convert with iconv)";
    }
    if (text.find('\0') != std::string_view::npos) {
        return "the file contains NUL bytes; it is binary, not YAML or JSON";
    }
    return std::nullopt;
}

// A Go template action where YAML structure is, as in a chart's templates: a line (or a sequence item, or a
// mapping value) that starts with "{{", outside block scalars. Rendered manifests carry such text only as
// data: in block scalars (istio's injection templates, linkerd's values) or inside other scalars (Prometheus
// alert descriptions), which a chart's template never needs. Returns the 1-based line and the action's start.
std::optional<std::pair<int, std::string>> helm_action_at_structure(std::string_view text) {
    int line_number = 0;
    std::optional<std::size_t> block_indent;  // the indentation of the line that opened a block scalar
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++line_number;
        while (line.ends_with('\r') || line.ends_with(' ') || line.ends_with('\t')) {
            line.remove_suffix(1);
        }
        const std::size_t indent = line.find_first_not_of(' ');
        if (indent == std::string_view::npos) {
            continue;  // blank lines belong to any block scalar
        }
        if (block_indent && indent > *block_indent) {
            continue;
        }
        block_indent.reset();
        std::string_view content = line.substr(indent);
        if (content.starts_with('#')) {
            continue;
        }
        while (content.starts_with("- ")) {
            content = content.substr(content.find_first_not_of(' ', 1) == std::string_view::npos
                                         ? content.size()
                                         : content.find_first_not_of(' ', 1));
        }
        // A mapping value: the text after the first ": " (keys in templates are plain words).
        std::string_view value = content;
        if (const std::size_t colon = content.find(": ");
            colon != std::string_view::npos && !content.starts_with("{{") && !content.starts_with('"')) {
            value = content.substr(colon + 2);
            value.remove_prefix(std::min(value.size(), value.find_first_not_of(' ')));
        }
        if (content.starts_with("{{") || value.starts_with("{{")) {
            const std::string_view action = content.starts_with("{{") ? content : value;
            const std::size_t close = action.find("}}");
            constexpr std::size_t kShown = 40;
            return std::pair{line_number,
                             close != std::string_view::npos && close + 2 <= kShown
                                 ? std::string(action.substr(0, close + 2))
                                 : std::string(action.substr(0, std::min(action.size(), kShown))) + "..."};
        }
        // "key: |", "key: >-", "- |2": the lines after it that are indented deeper are text.
        const std::size_t bar = line.find_last_of("|>");
        if (bar != std::string_view::npos && bar + 3 >= line.size() && bar > 0 &&
            (line[bar - 1] == ' ' || line[bar - 1] == ':') &&
            line.find_first_not_of("+-0123456789", bar + 1) == std::string_view::npos) {
            block_indent = indent;
        }
    }
    return std::nullopt;
}

// Sources that must be rendered before anything can read them: the error names the command that does it,
// instead of a YAML parse error at line 1.
std::optional<Diagnostic> unrendered_source(const std::string& file, std::string_view text) {
    if (file.ends_with(".tf") || file.ends_with(".hcl")) {
        return Diagnostic{Severity::kError,
                          {file, 0, 0},
                          "",
                          "Terraform configuration (HCL) is not read: give the plan as JSON instead "
                          "(terraform plan -out plan && terraform show -json plan > plan.json)"};
    }
    // Go template actions that only Helm charts use (aws-auth's {{SessionName}} and the like are not these).
    // A chart's values file may quote them as data; its Chart.yaml says what the directory is.
    const std::string base = fs::path(file).filename().string();
    if (base == "Chart.yaml") {
        return Diagnostic{
            Severity::kError,
            {file, 0, 0},
            "",
            "a Helm chart is not read: render it first (helm template RELEASE CHART > rendered.yaml) "
            "and give the rendered YAML"};
    }
    if (base.starts_with("values") && (base.ends_with(".yaml") || base.ends_with(".yml"))) {
        return std::nullopt;
    }
    if (const auto found = looks_like_json(file, text) ? std::nullopt : helm_action_at_structure(text)) {
        return Diagnostic{
            Severity::kError,
            {file, found->first, 0},
            "",
            fmt::format("an unrendered Helm template ('{}'): render it first (helm template RELEASE "
                        "CHART > rendered.yaml) and give the rendered YAML",
                        found->second)};
    }
    return std::nullopt;
}

void error(Export& out, const std::string& file, std::string message) {
    out.diagnostics.push_back({Severity::kError, {file, 0, 0}, "", std::move(message)});
}

void warning(Export& out, const std::string& file, std::string message) {
    out.diagnostics.push_back({Severity::kWarning, {file, 0, 0}, "", std::move(message)});
}

// Reads a whole input with read(2): a regular file, stdin ("-"), a pipe, a FIFO named on the command line,
// /dev/stdin or a process substitution (<(cmd)), all as kubectl -f reads them. Every failure (a directory on
// stdin, a closed descriptor, EIO) is an error naming the input, never an exception or a short read taken for
// the whole.
std::optional<std::string> read_input(const std::string& path, const LoadOptions& options, Export& out) {
    const bool standard_input = path == "-";
    const std::string name = standard_input ? "<stdin>" : path;
    const int fd = standard_input ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error(out, name, fmt::format("cannot open: {}", std::strerror(errno)));
        return std::nullopt;
    }
    struct Closer {
        int fd;
        bool own;
        ~Closer() {
            if (own) {
                ::close(fd);
            }
        }
    } closer{fd, !standard_input};
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        error(out, name, fmt::format("cannot read: {}", std::strerror(errno)));
        return std::nullopt;
    }
    if (S_ISDIR(info.st_mode)) {
        error(out, name, "cannot read: it is a directory");
        return std::nullopt;
    }
    if (S_ISREG(info.st_mode) && static_cast<std::uintmax_t>(info.st_size) > options.limits.max_file_bytes) {
        error(out, name,
              fmt::format("file is {} bytes, larger than the limit of {}; raise {}", info.st_size,
                          options.limits.max_file_bytes, options.limits.max_file_bytes_setting));
        return std::nullopt;
    }
    std::string text;
    if (S_ISREG(info.st_mode)) {
        text.reserve(static_cast<std::size_t>(info.st_size));
    }
    std::array<char, 1 << 16> chunk{};
    for (;;) {
        const ssize_t got = ::read(fd, chunk.data(), chunk.size());
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            error(out, name, fmt::format("cannot read: {}", std::strerror(errno)));
            return std::nullopt;
        }
        if (got == 0) {
            break;
        }
        if (text.size() + static_cast<std::size_t>(got) > options.limits.max_file_bytes) {
            error(out, name,
                  fmt::format("input is larger than {} bytes; raise {}", options.limits.max_file_bytes,
                              options.limits.max_file_bytes_setting));
            return std::nullopt;
        }
        text.append(chunk.data(), static_cast<std::size_t>(got));
    }
    return text;
}

// What a directory walk does with one entry: read it, go into it, or say why not.
void walk(const fs::path& directory, std::vector<std::string>& found, Export& out,
          bool (*wanted)(std::string_view name)) {
    std::error_code code;
    fs::directory_iterator it(directory, code);
    if (code) {
        error(out, directory.generic_string(),
              fmt::format("cannot list the directory: {}; its files are not analyzed", code.message()));
        return;
    }
    std::vector<fs::path> subdirectories;
    // The entries' own checks below reuse `code`; a failed increment sets it and ends the loop (reported
    // after).
    for (; !code && it != fs::directory_iterator(); it.increment(code)) {
        const fs::path& path = it->path();
        const std::string shown = path.generic_string();
        const fs::file_status own = it->symlink_status(code);
        if (code) {
            error(out, shown, fmt::format("cannot read: {}", code.message()));
            continue;
        }
        if (fs::is_directory(own)) {
            subdirectories.push_back(path);  // hidden ones too: kubectl apply -R walks them
            continue;
        }
        const bool input_name = wanted(path.filename().string());
        if (fs::is_symlink(own)) {
            const fs::file_status target = fs::status(path, code);
            if (code || !fs::exists(target)) {
                if (input_name) {
                    error(out, shown,
                          "dangling symbolic link: its target does not exist, so it is not analyzed");
                }
                continue;
            }
            if (fs::is_directory(target)) {
                // filepath.Walk, which kubectl -R uses, does not follow links to directories either.
                warning(
                    out, shown,
                    "symbolic link to a directory, not followed (nor by kubectl apply -R); name it on the "
                    "command line to analyze it");
                continue;
            }
            if (input_name && !fs::is_regular_file(target)) {
                warning(
                    out, shown,
                    "symbolic link to a FIFO, socket or device, not read in a directory walk (it could block "
                    "forever); name it on the command line to read it");
                continue;
            }
        } else if (input_name && !fs::is_regular_file(own)) {
            warning(
                out, shown,
                "a FIFO, socket or device, not read in a directory walk (it could block forever); name it on "
                "the command line to read it");
            continue;
        }
        if (input_name) {
            found.push_back(shown);  // hidden files too: kubectl apply -f DIR applies .x.yaml
        }
    }
    if (code) {
        error(
            out, directory.generic_string(),
            fmt::format("cannot list the directory: {}; some of its files are not analyzed", code.message()));
    }
    for (const fs::path& subdirectory : subdirectories) {
        walk(subdirectory, found, out, wanted);
    }
}

}  // namespace

bool is_input_file_name(std::string_view name) {
    return name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json");
}

std::vector<std::string> input_files_in(const std::string& directory, std::vector<Diagnostic>& problems) {
    return files_in(directory, problems, is_input_file_name);
}

std::vector<std::string> files_in(const std::string& directory, std::vector<Diagnostic>& problems,
                                  bool (*wanted)(std::string_view name)) {
    Export out;
    std::vector<std::string> found;
    walk(fs::path(directory), found, out, wanted);
    std::sort(found.begin(), found.end());
    problems = std::move(out.diagnostics);
    return found;
}

namespace {

std::vector<std::string> expand_paths(const std::vector<std::string>& paths, Export& out) {
    std::vector<std::string> files;
    for (const std::string& path : paths) {
        std::error_code code;
        if (path != "-" && fs::is_directory(path, code)) {
            std::vector<Diagnostic> problems;
            const std::vector<std::string> found = input_files_in(path, problems);
            out.diagnostics.insert(out.diagnostics.end(), problems.begin(), problems.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (path == "-" || fs::exists(path, code)) {
            files.push_back(path);  // a FIFO, /dev/stdin or <(cmd) named here is read (read_input)
        } else if (fs::is_symlink(fs::symlink_status(path, code))) {
            error(out, path, "dangling symbolic link: its target does not exist");
        } else {
            error(out, path, "no such file or directory");
        }
    }
    return files;
}

// Keys of objects as views of their names: building a map of copies of every name was a visible part of
// loading 1M objects.
using ObjectKey = std::tuple<bool, std::string_view, std::string_view>;
using PairKey = std::pair<std::string_view, std::string_view>;

struct KeyHash {
    static std::size_t mix(std::size_t seed, std::size_t value) {
        return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
    }
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
    std::size_t operator()(const PairKey& key) const { return mix((*this)(key.first), (*this)(key.second)); }
    std::size_t operator()(const ObjectKey& key) const {
        return mix(mix(std::get<0>(key) ? 1 : 0, (*this)(std::get<1>(key))), (*this)(std::get<2>(key)));
    }
};

// Keeps the last of several objects with the same key, as successive `kubectl apply`s would. key_of returns
// views into the item, so every winner is found before any item moves.
template <typename Item, typename KeyOf, typename Describe>
void keep_last(std::vector<Item>& items, KeyOf key_of, Describe describe,
               std::vector<Diagnostic>& diagnostics) {
    std::unordered_map<decltype(key_of(items.front())), std::size_t, KeyHash> last;
    last.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        last[key_of(items[i])] = i;
    }
    if (last.size() == items.size()) {
        return;
    }
    std::vector<std::size_t> winners(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        winners[i] = last.at(key_of(items[i]));
    }
    last.clear();
    std::vector<Item> kept;
    kept.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::size_t winner = winners[i];
        if (winner == i) {
            kept.push_back(std::move(items[i]));
        } else {
            diagnostics.push_back({Severity::kWarning, items[i].location, describe(items[i]),
                                   fmt::format("defined again at {}; the later definition is used",
                                               format_location(items[winner].location))});
        }
    }
    items = std::move(kept);
}

}  // namespace

namespace load {

void interpret_document(const Node& document, const Sink& sink) {
    if (document.is_mapping() && document.find("kind") != nullptr) {
        interpret_kubernetes_object(document, sink, 0);
        return;
    }
    if (is_terraform_plan(document)) {
        read_terraform_plan(document, sink);
        return;
    }
    if (is_cloudformation_template(document)) {
        read_cloudformation_template(document, sink);
        return;
    }
    if (interpret_aws_cli(document, sink)) {
        return;
    }
    if (const Node* data = document.find("data");
        data != nullptr && data->is_mapping() &&
        (data->find("mapRoles") || data->find("mapUsers") || data->find("mapAccounts"))) {
        FieldReader reader(sink.file, "", sink.out.diagnostics);
        interpret_aws_auth(document, sink, reader);
        return;
    }
    sink.out.diagnostics.push_back(
        {Severity::kWarning,
         {sink.file, document.line, document.column},
         "",
         fmt::format("a {} that is neither a Kubernetes object nor a known AWS CLI output; "
                     "skipped",
                     document.type_name())});
    ++sink.out.summary.skipped_by_kind["unrecognized document"];
}

namespace {

// A file of five million empty documents gave five million identical warnings (1.2 GB held, 600 MB of
// stderr). Each warning message is kept for its first kShownPerMessage places in a file, then counted; errors
// are all kept.
class WarningCap {
  public:
    static constexpr std::size_t kShownPerMessage = 10;

    /// Drops the warnings of diagnostics[from, end) beyond the first kShownPerMessage of their message.
    void trim(std::vector<Diagnostic>& diagnostics, std::size_t from) {
        std::size_t kept = from;
        for (std::size_t i = from; i < diagnostics.size(); ++i) {
            if (diagnostics[i].severity == Severity::kWarning) {
                const auto [found, added] = seen_.try_emplace(diagnostics[i].message, 0);
                if (++found->second > kShownPerMessage) {
                    if (found->second == kShownPerMessage + 1) {
                        hidden_.push_back(diagnostics[i].message);
                    }
                    continue;
                }
            }
            if (kept != i) {
                diagnostics[kept] = std::move(diagnostics[i]);
            }
            ++kept;
        }
        diagnostics.resize(kept);
    }

    /// One warning per message that was cut: how many more there were.
    void finish(std::vector<Diagnostic>& diagnostics, const std::string& file) {
        for (const std::string& message : hidden_) {
            diagnostics.push_back({Severity::kWarning,
                                   {file, 0, 0},
                                   "",
                                   fmt::format("{} more warnings \"{}\" in this file are not shown",
                                               seen_[message] - kShownPerMessage, message)});
        }
        hidden_.clear();
    }

  private:
    std::unordered_map<std::string, std::size_t> seen_;
    std::vector<std::string> hidden_;  ///< messages cut, in the order first cut
};

// Interprets documents as the parser completes them. The items of a root `items` list are read before the
// document's `kind` is known (kubectl prints `items` first), so what they added is rolled back if the
// document turns out not to be read as a List, or never completes.
class StreamingInterpreter final : public DocumentConsumer {
  public:
    explicit StreamingInterpreter(const Sink& sink) : sink_(sink), trimmed_(sink.out.diagnostics.size()) {}
    ~StreamingInterpreter() override {
        rollback();
        cap_.trim(sink_.out.diagnostics, std::min(trimmed_, sink_.out.diagnostics.size()));
        cap_.finish(sink_.out.diagnostics, sink_.file);
    }
    StreamingInterpreter(const StreamingInterpreter&) = delete;
    StreamingInterpreter& operator=(const StreamingInterpreter&) = delete;

    void document(Node&& document) override {
        if (!is_read_as_list(document)) {
            rollback();
        }
        checkpoint_.reset();
        ++sink_.out.summary.documents;
        interpret_document(document, sink_);
        // Between documents no checkpoint holds a diagnostics position, so the new ones can be trimmed.
        cap_.trim(sink_.out.diagnostics, trimmed_);
        trimmed_ = sink_.out.diagnostics.size();
    }

    void list_items_begin() override {
        rollback();  // a repeated `items` key: the last list is the one read
        checkpoint_ = Checkpoint::of(sink_.out);
    }

    bool list_item(Node& item) override {
        // An item with no kind is no object (an aggregated discovery document's groups): it stays in the tree
        // for its document, where a List reports it and a discovery list reads it.
        if (item.is_mapping() && item.find("kind") == nullptr) {
            return false;
        }
        ++sink_.out.summary.documents;
        interpret_kubernetes_object(item, sink_, 1);
        return true;
    }

    /// Undoes the items of a document that did not complete.
    void rollback() {
        if (checkpoint_) {
            std::move(*checkpoint_).restore(sink_.out);
            checkpoint_.reset();
        }
    }

  private:
    struct Checkpoint {
        std::size_t roles = 0, bindings = 0, service_accounts = 0, workloads = 0, namespaces = 0,
                    access_entries = 0, access_policies = 0, pod_identities = 0, capabilities = 0, iam = 0,
                    diagnostics = 0, ack_role_selectors = 0, oidc_providers = 0;
        std::optional<AwsAuth> aws_auth;
        std::optional<ClusterConfig> cluster;
        LoadSummary summary;

        static Checkpoint of(const Export& out) {
            return {out.roles.size(),
                    out.bindings.size(),
                    out.service_accounts.size(),
                    out.workloads.size(),
                    out.namespaces.size(),
                    out.access_entries.size(),
                    out.access_policies.size(),
                    out.pod_identity_associations.size(),
                    out.capabilities.size(),
                    out.iam.size(),
                    out.diagnostics.size(),
                    out.ack_role_selectors.size(),
                    out.oidc_providers.size(),
                    out.aws_auth,
                    out.cluster,
                    out.summary};
        }
        void restore(Export& out) && {
            out.roles.resize(roles);
            out.bindings.resize(bindings);
            out.service_accounts.resize(service_accounts);
            out.workloads.resize(workloads);
            out.namespaces.resize(namespaces);
            out.access_entries.resize(access_entries);
            out.access_policies.resize(access_policies);
            out.pod_identity_associations.resize(pod_identities);
            out.capabilities.resize(capabilities);
            out.iam.resize(iam);
            out.diagnostics.resize(diagnostics);
            out.ack_role_selectors.resize(ack_role_selectors);
            out.oidc_providers.resize(oidc_providers);
            out.aws_auth = std::move(aws_auth);
            out.cluster = std::move(cluster);
            out.summary = std::move(summary);
        }
    };

    // The test interpret_kubernetes_object makes before it reads `items` (from the root, list_depth 0).
    static bool is_read_as_list(const Node& document) {
        const Node* kind = document.is_mapping() ? document.find("kind") : nullptr;
        const auto text = kind == nullptr ? std::nullopt : kind->as_string();
        return text && text->ends_with("List");
    }

    const Sink& sink_;
    std::optional<Checkpoint> checkpoint_;
    WarningCap cap_;
    std::size_t trimmed_;  ///< diagnostics before this were trimmed already
};

// `kubectl api-resources -o wide` (or without -o wide): a table whose header names NAME, SHORTNAMES,
// APIVERSION, NAMESPACED and KIND. kubectl pads every column to its widest cell, so a cell starts where its
// header does; SHORTNAMES may be empty. VERBS is "[get list]" (or "get,list" from older kubectl).
bool is_api_resources_table(std::string_view text) {
    const std::string_view header = text.substr(0, text.find('\n'));
    return header.starts_with("NAME ") && header.find(" SHORTNAMES ") != std::string_view::npos &&
           header.find(" APIVERSION ") != std::string_view::npos &&
           header.find(" NAMESPACED ") != std::string_view::npos &&
           header.find(" KIND") != std::string_view::npos;
}

std::vector<std::string> table_words(std::string_view cell) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : cell) {
        if (c == '[' || c == ']' || c == ',' || c == ' ') {
            if (!word.empty()) {
                words.push_back(std::move(word));
                word.clear();
            }
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) {
        words.push_back(std::move(word));
    }
    return words;
}

void read_api_resources_table(std::string_view text, const std::string& file, Export& out) {
    std::vector<std::string_view> lines;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    const std::string_view header = lines.front();
    std::vector<std::pair<std::string, std::size_t>> columns;  // name, start
    for (std::size_t at = 0; at < header.size();) {
        const std::size_t end = std::min(header.find(' ', at), header.size());
        columns.emplace_back(std::string(header.substr(at, end - at)), at);
        at = std::min(header.find_first_not_of(' ', end), header.size());
    }
    const auto cell = [&](std::string_view line, std::string_view name) -> std::string_view {
        for (std::size_t c = 0; c < columns.size(); ++c) {
            if (columns[c].first == name) {
                const std::size_t start = std::min(columns[c].second, line.size());
                const std::size_t end =
                    c + 1 < columns.size() ? std::min(columns[c + 1].second, line.size()) : line.size();
                std::string_view value = line.substr(start, end - start);
                while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) {
                    value.remove_suffix(1);
                }
                return value;
            }
        }
        return {};
    };
    std::size_t read = 0;
    for (std::size_t number = 1; number < lines.size(); ++number) {
        const std::string_view line = lines[number];
        if (line.find_first_not_of(" \r") == std::string_view::npos) {
            continue;
        }
        ApiResource resource;
        resource.resource = std::string(cell(line, "NAME"));
        resource.short_names = table_words(cell(line, "SHORTNAMES"));
        const std::string_view api_version = cell(line, "APIVERSION");
        const std::size_t slash = api_version.find('/');
        resource.group = slash == std::string_view::npos ? "" : std::string(api_version.substr(0, slash));
        resource.versions = {
            std::string(api_version.substr(slash == std::string_view::npos ? 0 : slash + 1))};
        const std::string_view namespaced = cell(line, "NAMESPACED");
        resource.namespaced = namespaced != "false";
        resource.kind = std::string(cell(line, "KIND"));
        resource.singular = ascii_lower(resource.kind);
        resource.verbs = table_words(cell(line, "VERBS"));
        if (resource.resource.empty() || resource.kind.empty() || api_version.empty() ||
            (namespaced != "true" && namespaced != "false") ||
            resource.resource.find(' ') != std::string::npos) {
            out.diagnostics.push_back({Severity::kError,
                                       {file, static_cast<int>(number) + 1, 1},
                                       "",
                                       "this line of a `kubectl api-resources` table does not have its "
                                       "columns under the header's; it is not read"});
            ++out.summary.rejected;
            continue;
        }
        resource.source =
            fmt::format("kubectl api-resources {} ({}:{})", resource.qualified(), file, number + 1);
        out.custom_resources.push_back(std::move(resource));
        ++read;
    }
    out.summary.documents += 1;
    ++out.summary.used;
    ++out.summary.used_by_kind["kubectl api-resources table"];
    if (read == 0) {
        out.diagnostics.push_back(
            {Severity::kWarning, {file, 1, 1}, "", "a `kubectl api-resources` table with no resource line"});
    }
}

}  // namespace

}  // namespace load

void load_text(std::string_view text, const std::string& file, Export& out, const LoadOptions& options) {
    ++out.summary.files;
    if (const auto problem = encoding_problem(text)) {
        error(out, file, *problem);
        return;
    }
    if (auto unrendered = unrendered_source(file, text)) {
        out.diagnostics.push_back(std::move(*unrendered));
        return;
    }
    if (load::is_api_resources_table(text)) {
        load::read_api_resources_table(text, file, out);
        return;
    }
    const load::Sink sink{file, out, options};
    const std::size_t first_diagnostic = out.diagnostics.size();
    std::vector<Diagnostic> parse_diagnostics;
    {
        load::StreamingInterpreter interpreter(sink);
        if (looks_like_json(file, text)) {
            load::parse_json(text, file, options.limits, interpreter, parse_diagnostics);
            if ((file.ends_with(".yaml") || file.ends_with(".yml")) && count_errors(parse_diagnostics) > 0) {
                parse_diagnostics.push_back(
                    {Severity::kNote,
                     {file, 1, 1},
                     "",
                     "the file starts with '{', so it is read as JSON, as kubectl reads "
                     "it (a YAML flow mapping there is a JSON error to kubectl too)"});
            }
        } else {
            load::parse_yaml(text, file, options.limits, interpreter, parse_diagnostics);
        }
    }
    // Parser diagnostics go first, as they come first among equal locations once sorted.
    out.diagnostics.insert(out.diagnostics.begin() + static_cast<std::ptrdiff_t>(first_diagnostic),
                           std::make_move_iterator(parse_diagnostics.begin()),
                           std::make_move_iterator(parse_diagnostics.end()));
}

namespace {

template <typename T>
void append(std::vector<T>& into, std::vector<T>&& from) {
    if (into.empty()) {
        into = std::move(from);
        return;
    }
    into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

void add_counts(std::map<std::string, std::size_t>& into, const std::map<std::string, std::size_t>& from) {
    for (const auto& [key, count] : from) {
        into[key] += count;
    }
}

// Adds one file's objects after those of the files before it, so the result equals loading them in order.
void append_export(Export& into, Export&& from) {
    append(into.roles, std::move(from.roles));
    append(into.bindings, std::move(from.bindings));
    append(into.service_accounts, std::move(from.service_accounts));
    append(into.workloads, std::move(from.workloads));
    append(into.namespaces, std::move(from.namespaces));
    append(into.access_entries, std::move(from.access_entries));
    append(into.access_policies, std::move(from.access_policies));
    append(into.pod_identity_associations, std::move(from.pod_identity_associations));
    append(into.capabilities, std::move(from.capabilities));
    append(into.ack_role_selectors, std::move(from.ack_role_selectors));
    append(into.oidc_providers, std::move(from.oidc_providers));
    append(into.iam, std::move(from.iam));
    append(into.custom_resources, std::move(from.custom_resources));
    append(into.extension_groups, std::move(from.extension_groups));
    append(into.diagnostics, std::move(from.diagnostics));
    if (from.aws_auth) {
        load::store_aws_auth(into, std::move(*from.aws_auth));
    }
    if (from.cluster) {
        load::store_cluster(into, std::move(*from.cluster));
    }
    into.summary.files += from.summary.files;
    into.summary.excluded += from.summary.excluded;
    into.summary.documents += from.summary.documents;
    into.summary.used += from.summary.used;
    into.summary.rejected += from.summary.rejected;
    add_counts(into.summary.used_by_kind, from.summary.used_by_kind);
    add_counts(into.summary.skipped_by_kind, from.summary.skipped_by_kind);
}

Export load_file(const std::string& file, const LoadOptions& options) {
    Export out;
    try {
        if (const auto text = read_input(file, options, out)) {
            load_text(*text, file == "-" ? "<stdin>" : file, out, options);
        }
    } catch (const std::bad_alloc&) {
        out = Export{};
        error(out, file, "out of memory while loading this file; it is not analyzed");
    }
    return out;
}

unsigned worker_count(const LoadOptions& options, std::size_t files) {
    const unsigned wanted = options.threads != 0 ? options.threads : core_count();
    return static_cast<unsigned>(std::min<std::size_t>(wanted, files));
}

}  // namespace

bool excluded_path(std::string_view path, const std::vector<std::string>& globs) {
    for (const std::string& glob : globs) {
        // The whole path, or a tail after a '/': "templates/*" names deploy/chart/templates/a.yaml.
        for (std::size_t start = 0; start != std::string_view::npos;) {
            if (wildcard_match(glob, path.substr(start), {})) {
                return true;
            }
            const std::size_t slash = path.find('/', start);
            start = slash == std::string_view::npos ? slash : slash + 1;
        }
    }
    return false;
}

Export load_paths(const std::vector<std::string>& paths, const LoadOptions& options) {
    Export out;
    std::vector<std::string> files = expand_paths(paths, out);
    if (!options.exclude.empty()) {
        const auto kept = std::remove_if(files.begin(), files.end(), [&](const std::string& file) {
            return excluded_path(file, options.exclude);
        });
        const auto left_out = static_cast<std::size_t>(files.end() - kept);
        files.erase(kept, files.end());
        out.summary.excluded = left_out;
        if (left_out > 0) {
            // Nothing is dropped without a word.
            out.diagnostics.push_back({Severity::kNote,
                                       {},
                                       "",
                                       fmt::format("{} file{} left out by {}", left_out,
                                                   left_out == 1 ? "" : "s", options.exclude_setting)});
        }
    }
    // Files are parsed in parallel, largest first so that one big file does not finish last alone, and
    // merged in the order given.
    std::vector<Export> loaded(files.size());
    std::vector<std::size_t> order(files.size());
    std::vector<std::uintmax_t> sizes(files.size(), 0);
    for (std::size_t i = 0; i < files.size(); ++i) {
        order[i] = i;
        std::error_code ignored;
        sizes[i] = files[i] == "-" ? 0 : fs::file_size(files[i], ignored);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
    for_each_index(order.size(), worker_count(options, files.size()),
                   [&](std::size_t i) { loaded[order[i]] = load_file(files[order[i]], options); });
    for (Export& file : loaded) {
        append_export(out, std::move(file));
        file = Export{};
    }
    finish_export(out);
    return out;
}

void finish_export(Export& out) {
    auto& diagnostics = out.diagnostics;
    if (!out.roles.empty()) {
        keep_last(
            out.roles,
            [](const Role& r) {
                return ObjectKey{r.cluster_scoped, r.ns, r.name};
            },
            [](const Role& r) { return r.display(); }, diagnostics);
    }
    if (!out.bindings.empty()) {
        keep_last(
            out.bindings,
            [](const Binding& b) {
                return ObjectKey{b.cluster_scoped, b.ns, b.name};
            },
            [](const Binding& b) { return b.display(); }, diagnostics);
    }
    if (!out.access_policies.empty()) {
        // Associating a policy again replaces its scope (EKS user guide, access policies).
        keep_last(
            out.access_policies,
            [](const AccessPolicyAssociation& a) {
                return PairKey{a.principal_arn, a.policy_arn};
            },
            [](const AccessPolicyAssociation& a) { return "access policy of " + a.principal_arn; },
            diagnostics);
    }
    if (!out.access_entries.empty()) {
        // An entry named only by list-access-entries yields to a described one, whatever the order.
        std::set<std::string> described;
        for (const AccessEntry& entry : out.access_entries) {
            if (entry.described) {
                described.insert(entry.principal_arn);
            }
        }
        std::erase_if(out.access_entries, [&](const AccessEntry& entry) {
            return !entry.described && described.count(entry.principal_arn) > 0;
        });
        keep_last(
            out.access_entries, [](const AccessEntry& e) { return std::string_view(e.principal_arn); },
            [](const AccessEntry& e) { return "access entry " + e.principal_arn; }, diagnostics);
    }
    if (!out.pod_identity_associations.empty()) {
        // A described association (with its role) yields to nothing; a listed one yields to a described one.
        std::set<std::pair<std::string, std::string>> described;
        for (const PodIdentityAssociation& association : out.pod_identity_associations) {
            if (association.role_arn) {
                described.insert({association.ns, association.service_account});
            }
        }
        std::erase_if(out.pod_identity_associations, [&](const PodIdentityAssociation& association) {
            return !association.role_arn && described.contains({association.ns, association.service_account});
        });
        keep_last(
            out.pod_identity_associations,
            [](const PodIdentityAssociation& a) {
                return PairKey{a.ns, a.service_account};
            },
            [](const PodIdentityAssociation& a) {
                return "Pod Identity association " + a.ns + "/" + a.service_account;
            },
            diagnostics);
    }
    if (!out.capabilities.empty()) {
        std::set<std::string> described;
        for (const EksCapability& capability : out.capabilities) {
            if (capability.role_arn) {
                described.insert(capability.name);
            }
        }
        std::erase_if(out.capabilities, [&](const EksCapability& capability) {
            return !capability.role_arn && described.contains(capability.name);
        });
        keep_last(
            out.capabilities, [](const EksCapability& c) { return std::string_view(c.name); },
            [](const EksCapability& c) { return "EKS capability " + c.name; }, diagnostics);
    }
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.location.file, a.location.line, a.location.column) <
               std::tie(b.location.file, b.location.line, b.location.column);
    });
}

}  // namespace rbacgraph
