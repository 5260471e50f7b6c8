// can-i --batch contract (issue 3): one JSON answer per line, in order; a bad line gives an error and the
// rest go on.
#include <sstream>

#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

constexpr std::string_view kExport = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ns-reader}
rules: [{apiGroups: [''], resources: [namespaces], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: team}
roleRef: {kind: ClusterRole, name: ns-reader}
subjects: [{kind: Group, name: system:authenticated}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapUsers: |
    - userarn: arn:aws:iam::1:user/admin
      username: admin
      groups: [system:masters]
)";

std::vector<std::string> run(std::string_view input) {
    const Graph graph = graph_of(kExport);
    std::istringstream in{std::string(input)};
    std::ostringstream out;
    run_batch(graph, in, out);
    std::vector<std::string> lines;
    std::istringstream lines_in(out.str());
    for (std::string line; std::getline(lines_in, line);) {
        lines.push_back(line);
    }
    return lines;
}

TEST_CASE("answers in order, echoing ids; bad lines answer with an error") {
    const auto lines =
        run(R"({"id": 1, "arn": "arn:aws:iam::1:user/admin", "verb": "delete", "resource": "nodes"}
{"id": "two", "user": "jane", "verb": "get", "resource": "namespaces", "name": "team"}
{"id": 3, "user": "jane", "verb": "get", "resource": "namespaces", "name": "other"}
not json
{"id": 5, "verb": "get", "resource": "pods"}
{"id": 6, "user": "jane", "groups": "devs", "verb": "get", "resource": "pods"}
{"id": 7, "arn": "arn:aws:iam::1:user/nobody", "verb": "get", "path": "/healthz"}
{"id": 8, "user": "system:anonymous", "groups": ["system:unauthenticated"], "verb": "get", "resource": "namespaces", "name": "team"}
{"id": 9, "arn": "arn:aws:iam::1:user/admin", "verb": "get", "path": "healthz"}
)");
    REQUIRE(lines.size() == 9);
    CHECK(lines[0] == R"({"allowed":true,"id":1})");
    // A request on a named namespace is filed under that namespace; "user" identities carry
    // system:authenticated.
    CHECK(lines[1] == R"({"allowed":true,"id":"two"})");
    CHECK(lines[2] == R"({"allowed":false,"id":3})");
    CHECK(lines[3] == R"({"error":"not a JSON object"})");
    CHECK(lines[4].find("exactly one of") != std::string::npos);
    CHECK(lines[5].find("list of strings") != std::string::npos);
    CHECK(lines[6] == R"({"allowed":false,"authenticated":false,"id":7})");
    CHECK(lines[7] == R"({"allowed":false,"id":8})");
    CHECK(lines[8].find("must start with '/'") != std::string::npos);
}

TEST_CASE("resource words: RESOURCE/SUB, RESOURCE.GROUP and conflicts") {
    auto request = make_request("update", "deployments.apps/scale", "web", "ns", "", "");
    REQUIRE(std::holds_alternative<Request>(request));
    const Request& parsed = std::get<Request>(request);
    CHECK(parsed.resource == "deployments");
    CHECK(parsed.api_group == "apps");
    CHECK(parsed.subresource == "scale");
    CHECK(std::holds_alternative<std::string>(make_request("get", "pods/log", "", "", "", "exec")));
    CHECK(std::holds_alternative<std::string>(
        make_request("get", "deployments.apps", "", "", "extensions", "")));
    CHECK(std::holds_alternative<std::string>(make_request("get", "/healthz", "", "ns", "", "")));
}

}  // namespace
}  // namespace rbacgraph::test
