#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rbacgraph/evaluate.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// A fixed RBAC export the AWS-side readers' targets load beside the fuzzed input, so that access entries and
/// policies meet real bindings (a group, and a User named by an assumed-role ARN).
inline constexpr std::string_view kFixedRbac = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {kind: ClusterRole, name: ops}
subjects: [{kind: Group, name: ops}, {kind: User, name: 'arn:aws:sts::111122223333:assumed-role/r/s'}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
rules: [{apiGroups: ['*'], resources: [secrets], verbs: [get]}]
)";

/// Asks what every mapped identity can do, what an ARN no mapping names can do, and who can delete nodes:
/// with access entries whose principal is known only after apply, the last two go through the undetermined
/// rows they add.
inline void ask_everyone_and_a_stranger(const Graph& graph) {
    for (const Identity& identity : mapped_identities(graph)) {
        (void)what_can(graph, Authorizer(graph, identity));
    }
    const Authorizer stranger(graph, resolve_arn(graph, "arn:aws:iam::111122223333:role/stranger"));
    (void)what_can(graph, stranger);
    Request request;
    request.verb = "delete";
    request.resource = "nodes";
    (void)stranger.authorize(request, true);
    (void)who_can(graph, request);
}

/// Small limits keep each execution fast; the limits themselves are part of what is fuzzed.
inline LoadOptions fuzz_options() {
    LoadOptions options;
    options.limits.max_depth = 64;
    options.limits.max_nodes_per_file = 200'000;
    return options;
}

/// Loads one buffer, builds the graph and asks every query once, so all layers see the fuzzed input.
inline void exercise(std::string_view text, const std::string& file) {
    Export loaded;
    load_text(text, file, loaded, fuzz_options());
    finish_export(loaded);
    const Graph graph(std::move(loaded), GraphOptions{"arn:aws:iam::111122223333:role/creator"});
    for (const Identity& identity : mapped_identities(graph)) {
        const Authorizer authorizer(graph, identity);
        (void)what_can(graph, authorizer);
    }
    Request request;
    request.verb = "get";
    request.resource = "secrets";
    request.ns = "kube-system";
    (void)who_can(graph, request);
}

}  // namespace rbacgraph::fuzz
