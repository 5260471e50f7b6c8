// Times every phase of rbacgraph on one export, in process, and the bare parse of the same files with the
// same parsers (yaml-cpp events, nlohmann/json SAX) that is the floor for loading.
//   rbacgraph-bench DIR [--requests FILE] [--repeat N]
// Prints one "name value unit" line per figure; bench/run collects them.
#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "load/document.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/evaluate.hpp"
#include "rbacgraph/graph.hpp"
#include "rbacgraph/identity.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/query.hpp"
#include "rbacgraph/rules.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The best of `repeat` runs, in seconds: the figure least disturbed by the rest of the machine.
double best_of(int repeat, const std::function<void()>& run) {
    double best = 1e30;
    for (int i = 0; i < repeat; ++i) {
        const auto start = Clock::now();
        run();
        best = std::min(best, seconds_since(start));
    }
    return best;
}

class NullYamlHandler : public YAML::EventHandler {
  public:
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {
        ++scalars;
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
    std::size_t scalars = 0;
};

class MemoryBuffer : public std::streambuf {
  public:
    explicit MemoryBuffer(std::string& text) { setg(text.data(), text.data(), text.data() + text.size()); }
};

struct File {
    std::string path;
    std::string text;
    bool json = false;
};

std::vector<File> read_files(const std::vector<std::string>& paths) {
    std::vector<File> files;
    for (const std::string& path : paths) {
        std::ifstream stream(path, std::ios::binary);
        std::ostringstream text;
        text << stream.rdbuf();
        files.push_back({path, text.str(), path.ends_with(".json")});
    }
    return files;
}

// yaml-cpp and nlohmann/json reading every byte and building nothing.
std::size_t bare_parse(std::vector<File>& files) {
    std::size_t values = 0;
    for (File& file : files) {
        if (file.json) {
            struct Counter : nlohmann::json_sax<nlohmann::json> {
                std::size_t count = 0;
                bool null() override { return ++count != 0; }
                bool boolean(bool) override { return ++count != 0; }
                bool number_integer(number_integer_t) override { return ++count != 0; }
                bool number_unsigned(number_unsigned_t) override { return ++count != 0; }
                bool number_float(number_float_t, const string_t&) override { return ++count != 0; }
                bool string(string_t&) override { return ++count != 0; }
                bool binary(binary_t&) override { return ++count != 0; }
                bool start_object(std::size_t) override { return true; }
                bool key(string_t&) override { return true; }
                bool end_object() override { return true; }
                bool start_array(std::size_t) override { return true; }
                bool end_array() override { return true; }
                bool parse_error(std::size_t, const std::string&,
                                 const nlohmann::detail::exception&) override {
                    return false;
                }
            } counter;
            // Several JSON values may follow each other, as in the generated access entry files.
            std::istringstream stream(file.text);
            while (stream >> std::ws && stream.peek() != EOF) {
                if (!nlohmann::json::sax_parse(stream, &counter, nlohmann::json::input_format_t::json,
                                               false)) {
                    break;
                }
            }
            values += counter.count;
        } else {
            MemoryBuffer buffer(file.text);
            std::istream stream(&buffer);
            YAML::Parser parser(stream);
            NullYamlHandler handler;
            while (parser.HandleNextDocument(handler)) {
            }
            values += handler.scalars;
        }
    }
    return values;
}

class Discard final : public rbacgraph::load::DocumentConsumer {
  public:
    void document(rbacgraph::load::Node&& /*document*/) override { ++documents; }
    bool list_item(rbacgraph::load::Node& /*item*/) override { return ++documents != 0; }
    std::size_t documents = 0;
};

// Our readers building their trees (one at a time), without interpreting them.
std::size_t tree_parse(const std::vector<File>& files) {
    Discard discard;
    std::vector<rbacgraph::Diagnostic> diagnostics;
    for (const File& file : files) {
        if (file.json) {
            rbacgraph::load::parse_json(file.text, file.path, {}, discard, diagnostics);
        } else {
            rbacgraph::load::parse_yaml(file.text, file.path, {}, discard, diagnostics);
        }
    }
    return discard.documents;
}

void report(std::string_view name, double value, std::string_view unit) {
    std::cout << fmt::format("{} {:.4f} {}\n", name, value, unit);
}

void count(std::string_view name, std::size_t value) {
    std::cout << fmt::format("{} {}\n", name, value);
}

}  // namespace

int main(int argc, char** argv) {
    constexpr std::string_view kUsage =
        "usage: rbacgraph-bench DIR [--requests FILE] [--repeat N]\n"
        "  DIR: an export made by rbacgraph-gen (its .yaml and .json files are read; requests.jsonl is the\n"
        "  batch); prints each phase's best time of N runs (default 3)\n";
    std::error_code error;
    if (argc < 2 || !fs::is_directory(argv[1], error)) {
        std::cerr << (argc < 2 || std::string_view(argv[1]).starts_with("-")
                          ? std::string()
                          : fmt::format("rbacgraph-bench: {} is not a directory\n", argv[1]))
                  << kUsage;
        return 2;
    }
    const std::string dir = argv[1];
    std::string requests_file = dir + "/requests.jsonl";
    int repeat = 3;
    for (int i = 2; i < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc || (flag != "--requests" && flag != "--repeat")) {
            std::cerr << fmt::format("rbacgraph-bench: unknown option or missing value: {}\n", flag)
                      << kUsage;
            return 2;
        }
        if (flag == "--requests") {
            requests_file = argv[i + 1];
        } else {
            repeat = std::max(1, std::atoi(argv[i + 1]));
        }
    }
    std::vector<std::string> paths;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string path = entry.path().string();
        if (path.ends_with(".yaml") || path.ends_with(".json")) {
            paths.push_back(path);
        }
    }
    std::sort(paths.begin(), paths.end());

    std::vector<File> files;
    report("read", best_of(repeat, [&] { files = read_files(paths); }), "s");
    std::size_t bytes = 0;
    for (const File& file : files) {
        bytes += file.text.size();
    }
    report("input", static_cast<double>(bytes) / 1e6, "MB");
    report("bare_parse", best_of(repeat, [&] { bare_parse(files); }), "s");
    report("tree_parse", best_of(repeat, [&] { tree_parse(files); }), "s");

    rbacgraph::Export loaded;
    for (const unsigned threads : {1U, 0U}) {
        rbacgraph::LoadOptions options;
        options.threads = threads;
        report(threads == 1 ? "load_1_thread" : "load",
               best_of(repeat, [&] { loaded = rbacgraph::load_paths(paths, options); }), "s");
    }
    count("objects", loaded.summary.used);
    std::optional<rbacgraph::Graph> graph;
    report("graph_build", best_of(1, [&] { graph.emplace(std::move(loaded)); }), "s");

    rbacgraph::CheckRun run{rbacgraph::builtin_rules(), {}, {}, std::nullopt};
    std::size_t findings = 0;
    report("check_rules", best_of(1, [&] { findings = rbacgraph::run_checks(*graph, run).findings.size(); }),
           "s");
    count("findings", findings);

    std::vector<rbacgraph::Identity> identities;
    const double resolve = best_of(1, [&] { identities = rbacgraph::mapped_identities(*graph); });
    std::size_t rows = 0;
    const double answer = best_of(1, [&] {
        rows = 0;
        for (const rbacgraph::WhatCan& answered : rbacgraph::what_can_each(*graph, identities)) {
            rows += answered.rows.size();
        }
    });
    count("what_can_arns", identities.size());
    report("what_can_all", resolve + answer, "s");
    count("what_can_rows", rows);

    const std::vector<std::array<const char*, 4>> who_can_requests = {
        {"get", "secrets", "", ""},
        {"create", "pods/exec", "", ""},
        {"patch", "configmaps", "kube-system", ""},
        {"delete", "deployments.apps", "ns-1", ""},
        {"list", "pods", "ns-2", ""},
        {"escalate", "clusterroles.rbac.authorization.k8s.io", "", ""},
        {"impersonate", "users", "", ""},
        {"create", "serviceaccounts/token", "ns-3", ""},
        {"*", "*.*", "", ""},
        {"get", "/healthz", "", ""}};
    // The mapped identities are resolved once (what a session answering several questions keeps), then each
    // request is answered against them: the setup and the per-request cost are separate figures.
    std::optional<rbacgraph::MappedAccess> access;
    report("who_can_setup", best_of(1, [&] { access.emplace(*graph); }), "s");
    std::size_t principals = 0;
    const double who = best_of(repeat, [&] {
        principals = 0;
        for (const auto& words : who_can_requests) {
            const auto request =
                rbacgraph::make_request({.verb = words[0], .resource = words[1], .ns = words[2]});
            if (const auto* made = std::get_if<rbacgraph::Request>(&request)) {
                principals += rbacgraph::who_can(*access, *made).principals.size();
            }
        }
    });
    report("who_can_10", who, "s");
    report("who_can_per_request", who / static_cast<double>(who_can_requests.size()), "s");
    count("who_can_principals", principals);

    std::ifstream requests_stream(requests_file);
    std::stringstream requests;
    requests << requests_stream.rdbuf();
    const std::string request_text = requests.str();
    const auto request_count =
        static_cast<double>(std::count(request_text.begin(), request_text.end(), '\n'));
    const double batch = best_of(repeat, [&] {
        std::istringstream in(request_text);
        std::ostringstream out;
        rbacgraph::run_batch(*graph, in, out);
    });
    count("batch_requests", static_cast<std::size_t>(request_count));
    report("batch", batch, "s");
    count("batch_rate", static_cast<std::size_t>(request_count / batch));
    return 0;
}
