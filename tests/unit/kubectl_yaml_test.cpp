// YAML as kubectl reads it (go-yaml v2 through sigs.k8s.io/yaml), where that differs from the YAML
// specification or from a naive reader (issue 28). tests/reader_oracle_test.sh compares the whole testdata
// tree with the real libraries; these pin each rule with its source.
#include <doctest/doctest.h>

#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

constexpr std::string_view kBindMallory = R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: m}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: sneaky}
subjects: [{kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}]
)";

// gopkg.in/yaml.v2 decode.go mapping(): entries are decoded in order and a merge key's mapping sets its keys
// there, so a merge after an explicit key overrides it (the YAML merge specification would keep the explicit
// key). A merge of a list: earlier mappings win (merge() walks the list backwards).
TEST_CASE("merge keys: a later '<<' overrides an earlier explicit key, as go-yaml v2 does") {
    const std::string role =
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: sneaky}\n";
    const std::string everything = "{rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]}";
    const Graph merged_after =
        graph_of(role + "rules: []\n<<: " + everything + "\n" + std::string(kBindMallory));
    CHECK(user_can(merged_after, "mallory", {}, resource_request("delete", "nodes")));
    // Positive control: the explicit key after the merge wins in both readings.
    const Graph explicit_after =
        graph_of(role + "<<: " + everything + "\nrules: []\n" + std::string(kBindMallory));
    CHECK_FALSE(user_can(explicit_after, "mallory", {}, resource_request("delete", "nodes")));
    // A list of merged mappings: the first one's value.
    const Export listed = load_yaml("a:\n  <<: [{x: first}, {x: second, y: only}]\n");
    REQUIRE(errors_in(listed) == 0);
}

// go-yaml v2 decode.go scalar(): a !!binary scalar is its base64-decoded bytes.
TEST_CASE("!!binary values are their decoded bytes: a roleRef to cluster-admin in base64 is cluster-admin") {
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: m}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: !!binary Y2x1c3Rlci1hZG1pbg==}
subjects: [{kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}]
)");
    CHECK(user_can(graph, "mallory", {}, resource_request("delete", "nodes")));
    const Export bad =
        load_yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: !!binary '%%%', namespace: a}\n");
    CHECK(errors_in(bad) > 0);  // not base64: kubectl refuses the document
}

// YAML 1.1 (go-yaml v2 resolve.go): a plain key y/yes/on/true is the boolean true, which sigs.k8s.io/yaml
// writes as the JSON key "true"; a quoted key stays text.
TEST_CASE("plain keys resolve as YAML 1.1 values: y is the key true, a quoted key stays text") {
    const Export out = load_yaml(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n  labels: {y: a, "
        "'n': b, "
        "010: c}\nrules: []\n");
    REQUIRE(out.roles.size() == 1);
    const auto& labels = out.roles.front().labels;
    CHECK(labels.contains("true"));
    CHECK(labels.contains("n"));  // quoted: text
    CHECK(labels.contains("8"));  // YAML 1.1 octal 010
    CHECK_FALSE(labels.contains("y"));
}

}  // namespace
}  // namespace rbacgraph::test
