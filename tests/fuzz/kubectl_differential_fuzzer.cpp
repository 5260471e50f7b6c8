// rbacgraph's readers against the real ones (issue 28): the fuzzed bytes are read as a YAML manifest stream
// and as the mapRoles, mapUsers and mapAccounts strings of aws-auth, by rbacgraph and by the oracle
// (tests/oracle/oracle_readings.go: go-yaml v2 + sigs.k8s.io/yaml as kubectl reads manifests, and
// aws-iam-authenticator's ParseMap for aws-auth, linked in as a Go C archive). Where the readings differ,
// rbacgraph must have said so (a warning or an error): a confident answer over bytes read differently from
// kubectl or the authenticator is the defect. A silent difference aborts.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fuzz_support.hpp"
#include "load/document.hpp"
#include "rbacgraph/output_text.hpp"
#include "typed_reading.hpp"

extern "C" {
char* rbacgraph_oracle_kubectl_documents(const char* data, std::size_t size);
char* rbacgraph_oracle_authenticator_entries(const char* data, std::size_t size, int userarn);
char* rbacgraph_oracle_authenticator_accounts(const char* data, std::size_t size);
}

namespace {

using rbacgraph::Diagnostic;
using rbacgraph::Severity;
using rbacgraph::test::same_reading;

std::string take(char* text) {
    const std::unique_ptr<char, decltype(&std::free)> owned(text, &std::free);
    return owned ? std::string(owned.get()) : std::string();
}

bool said_something(const std::vector<Diagnostic>& diagnostics) {
    for (const Diagnostic& diagnostic : diagnostics) {
        if (diagnostic.severity == Severity::kError || diagnostic.severity == Severity::kWarning) {
            return true;
        }
    }
    return false;
}

[[noreturn]] void silent_difference(const char* what, const nlohmann::json& oracle,
                                    const nlohmann::json& ours) {
    std::fprintf(stderr,
                 "%s read differently from the real reader, and rbacgraph said nothing\n  oracle:    %s\n  "
                 "rbacgraph: %s\n",
                 what, rbacgraph::json_text(oracle).c_str(), rbacgraph::json_text(ours).c_str());
    std::abort();
}

bool is_refusal(const nlohmann::json& document) {
    return document.is_object() && document.contains("rbacgraph-oracle-error");
}

// The manifest stream: each document kubectl reads must read the same, or rbacgraph warned or refused.
void compare_documents(std::string_view text) {
    // kubectl's YAMLOrJSONDecoder reads input that starts with '{' as a JSON stream, not as YAML
    // (k8s.io/apimachinery/pkg/util/yaml GuessJSONStream); rbacgraph's JSON reader is nlohmann's, exact.
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') {
        return;
    }
    nlohmann::json oracle = nlohmann::json::array();
    std::istringstream lines(take(rbacgraph_oracle_kubectl_documents(text.data(), text.size())));
    for (std::string line; std::getline(lines, line);) {
        oracle.push_back(nlohmann::json::parse(line));
    }
    std::vector<rbacgraph::load::Node> documents;
    std::vector<Diagnostic> diagnostics;
    rbacgraph::load::DocumentCollector collector(documents);
    rbacgraph::load::parse_yaml(text, "fuzz.yaml", rbacgraph::fuzz::fuzz_options().limits, collector,
                                diagnostics);
    if (said_something(diagnostics)) {
        return;  // rbacgraph told the reader how it read the bytes (or that it could not)
    }
    nlohmann::json ours = nlohmann::json::array();
    for (const rbacgraph::load::Node& document : documents) {
        if (document.type != rbacgraph::load::NodeType::kNull) {
            ours.push_back(rbacgraph::test::typed(document));
        }
    }
    // A document kubectl refuses that rbacgraph reads without a word is a difference too.
    if (!same_reading(oracle, ours) || std::any_of(oracle.begin(), oracle.end(), is_refusal)) {
        silent_difference("a manifest stream", oracle, ours);
    }
}

// One aws-auth string: the entries (or accounts) the authenticator stores must be those rbacgraph stores.
void compare_aws_auth(std::string_view text) {
    if (rbacgraph::valid_utf8(text) != text) {
        return;  // a ConfigMap's data values are UTF-8 strings; the API server stores nothing else
    }
    for (const char* key : {"mapRoles", "mapUsers", "mapAccounts"}) {
        const nlohmann::json config_map = {{"apiVersion", "v1"},
                                           {"kind", "ConfigMap"},
                                           {"metadata", {{"name", "aws-auth"}, {"namespace", "kube-system"}}},
                                           {"data", {{key, std::string(text)}}}};
        rbacgraph::Export loaded;
        rbacgraph::load_text(config_map.dump(), "aws-auth.json", loaded, rbacgraph::fuzz::fuzz_options());
        if (said_something(loaded.diagnostics)) {
            continue;
        }
        nlohmann::json ours = nlohmann::json::array();
        nlohmann::json oracle;
        if (std::string_view(key) == "mapAccounts") {
            // An empty account ID matches no caller, as an entry without an ARN matches none: such entries
            // are left out on both sides (go-yaml v2 decodes an empty tagged scalar to one).
            oracle = nlohmann::json::array();
            for (const nlohmann::json& account : nlohmann::json::parse(
                     take(rbacgraph_oracle_authenticator_accounts(text.data(), text.size())))) {
                if (account != "") {
                    oracle.push_back(account);
                }
            }
            if (loaded.aws_auth) {
                for (const rbacgraph::AwsAuthAccount& account : loaded.aws_auth->map_accounts) {
                    if (!account.account.empty()) {
                        ours.push_back(account.account);
                    }
                }
            }
        } else {
            const bool users = std::string_view(key) == "mapUsers";
            const nlohmann::json decoded = nlohmann::json::parse(
                take(rbacgraph_oracle_authenticator_entries(text.data(), text.size(), users ? 1 : 0)));
            oracle = nlohmann::json::array();
            for (const nlohmann::json& entry : decoded) {
                if (!entry.at("arn").get<std::string>().empty()) {  // an entry without an ARN matches nobody
                    oracle.push_back(entry);
                }
            }
            if (loaded.aws_auth) {
                for (const rbacgraph::AwsAuthEntry& entry :
                     users ? loaded.aws_auth->map_users : loaded.aws_auth->map_roles) {
                    if (!entry.arn.empty()) {
                        ours.push_back(
                            {{"arn", entry.arn}, {"username", entry.username}, {"groups", entry.groups}});
                    }
                }
            }
        }
        if (!same_reading(oracle, ours)) {
            silent_difference(key, oracle, ours);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = rbacgraph::fuzz::as_text(data, size);
    compare_documents(text);
    compare_aws_auth(text);
    return 0;
}
