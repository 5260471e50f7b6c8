#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/evaluate.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::test {

/// A file of the source tree (docs, fixtures) as text; a file that cannot be read fails the test.
inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read ", path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Loads in-memory files (name -> text) the way load_paths would.
inline Export load_files(const std::vector<std::pair<std::string, std::string>>& files,
                         LoadOptions options = {}) {
    Export out;
    for (const auto& [name, text] : files) {
        load_text(text, name, out, options);
    }
    finish_export(out);
    return out;
}

inline Export load_yaml(std::string_view text) {
    return load_files({{"test.yaml", std::string(text)}});
}

/// Graph options for a unit test: only the objects the test writes (the built-in bootstrap policy is tested
/// on its own, in builtin_objects_test.cpp).
inline GraphOptions test_options() {
    GraphOptions options;
    options.builtin_objects = false;
    return options;
}

inline Graph graph_of(std::string_view yaml, GraphOptions options = test_options()) {
    return Graph(load_yaml(yaml), options);
}

inline Graph graph_of_files(const std::vector<std::pair<std::string, std::string>>& files,
                            GraphOptions options = test_options()) {
    return Graph(load_files(files), options);
}

inline Request resource_request(std::string verb, std::string resource, std::string ns = "",
                                std::string name = "", std::string group = "", std::string subresource = "") {
    Request request;
    request.verb = std::move(verb);
    request.resource = std::move(resource);
    request.ns = std::move(ns);
    request.name = std::move(name);
    request.api_group = std::move(group);
    request.subresource = std::move(subresource);
    return request;
}

inline Request url_request(std::string verb, std::string path) {
    Request request;
    request.non_resource = true;
    request.verb = std::move(verb);
    request.path = std::move(path);
    return request;
}

inline bool user_can(const Graph& graph, const std::string& user, const std::vector<std::string>& groups,
                     const Request& request) {
    return Authorizer(graph, kubernetes_identity(user, groups)).authorize(request).allowed();
}

inline bool arn_can(const Graph& graph, std::string_view arn, const Request& request) {
    return Authorizer(graph, resolve_arn(graph, arn)).authorize(request).allowed();
}

/// The verdict for an ARN on a request worded as a user would (kubectl-like words).
inline Verdict arn_verdict(const Graph& graph, std::string_view arn, std::string verb, std::string resource,
                           std::string ns = {}) {
    const auto made =
        make_request({.verb = std::move(verb), .resource = std::move(resource), .ns = std::move(ns)});
    REQUIRE(std::holds_alternative<Request>(made));
    return Authorizer(graph, resolve_arn(graph, arn)).authorize(std::get<Request>(made)).verdict;
}

/// Loads a file of testdata/ (which must exist: a missing file fails, never passes) and checks it has no
/// error.
inline Export load_testdata(std::string_view relative_path) {
    const std::filesystem::path path =
        std::filesystem::path(RBACGRAPH_SOURCE_DIR) / "testdata" / relative_path;
    REQUIRE_MESSAGE(std::filesystem::exists(path), path.string());
    Export source = load_paths({path.string()});
    CHECK(count_errors(source.diagnostics) == 0);
    return source;
}

inline std::size_t errors_in(const Export& out) {
    return count_errors(out.diagnostics);
}

/// A ClusterRole "r" with one rule, bound cluster-wide to user "u"; `rule` is the YAML of the rule mapping.
inline std::string bound_cluster_rule(std::string_view rule) {
    return std::string(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
- )") + std::string(rule) +
           R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects: [{kind: User, name: u}]
)";
}

}  // namespace rbacgraph::test
