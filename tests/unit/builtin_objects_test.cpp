// The objects every cluster has (k8s-rbac.md section 14): the Kubernetes bootstrap policy compiled into
// rbacgraph, added where the export lacks an object, never instead of one the export carries.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"
#include "load/builtin_policy.hpp"

namespace rbacgraph::test {
namespace {

GraphOptions with_builtin() {
    GraphOptions options;
    options.builtin_objects = true;
    return options;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST_CASE(
    "the embedded bootstrap policy is the vendored data, byte for byte, and loads without a diagnostic") {
    const std::filesystem::path data =
        std::filesystem::path(RBACGRAPH_SOURCE_DIR) / "data/kubernetes-bootstrap";
    const auto files = builtin_object_files();
    REQUIRE(files.size() == 6);
    for (const EmbeddedFile& file : files) {
        INFO(file.name);
        CHECK(file.text == read_file(data / std::string(file.name)));
    }
    const BuiltinPolicy& objects = builtin_policy_at_least(std::nullopt);
    CHECK(objects.diagnostics().empty());
    // 31 cluster roles, 38 controller roles, 7 namespaced roles; 10 + 38 + 7 bindings (the files' own
    // counts), and the 2 bindings of every supported release the older bindings file lacks.
    CHECK(objects.roles().size() == 76);
    CHECK(objects.bindings().size() == 57);
    for (const Role& role : objects.roles()) {
        CHECK(role.location.origin == Origin::kBuiltin);
    }
}

TEST_CASE("a binding to a role every cluster has resolves to the built-in role (k8s-rbac.md 14)") {
    // flux2 manifests/rbac/reconciler.yaml binds its controllers to cluster-admin without shipping it.
    constexpr std::string_view kFlux = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-reconciler}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: kustomize-controller, namespace: flux-system}]
)";
    const std::string controller = "system:serviceaccount:flux-system:kustomize-controller";
    const Request create_pods = resource_request("create", "pods", "default");
    CHECK(user_can(graph_of(kFlux, with_builtin()), controller, {}, create_pods));
    // Positive control for the option: without the built-in objects the role is missing and grants nothing.
    CHECK_FALSE(user_can(graph_of(kFlux), controller, {}, create_pods));

    // The namespaced built-in Role exists in kube-system only (a RoleBinding reads its own namespace's Role).
    const std::string reader = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: auth-reader, namespace: NS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects: [{kind: User, name: adapter}]
)";
    const auto reader_in = [&](const std::string& ns) {
        std::string text = reader;
        text.replace(text.find("NS"), 2, ns);
        return graph_of(text, with_builtin());
    };
    const Request read_config =
        resource_request("get", "configmaps", "kube-system", "extension-apiserver-authentication");
    CHECK(user_can(reader_in("kube-system"), "adapter", {}, read_config));
    Request elsewhere = read_config;
    elsewhere.ns = "monitoring";
    CHECK_FALSE(user_can(reader_in("monitoring"), "adapter", {}, elsewhere));
}

TEST_CASE("an object the export carries wins over the built-in one") {
    // An edited view ClusterRole (no aggregation) replaces the bootstrap one whole.
    constexpr std::string_view kEditedView = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewers, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: viewers}]
)";
    const Graph graph = graph_of(kEditedView, with_builtin());
    CHECK(user_can(graph, "u", {"viewers"}, resource_request("get", "configmaps", "app")));
    CHECK_FALSE(user_can(graph, "u", {"viewers"}, resource_request("get", "pods", "app")));
    // The bootstrap view grants pods: the positive control that the built-in role is otherwise used.
    std::string plain(kEditedView);
    plain.erase(0, plain.find("---") + 3);
    CHECK(
        user_can(graph_of(plain, with_builtin()), "u", {"viewers"}, resource_request("get", "pods", "app")));
}

TEST_CASE(
    "the export's aggregate-to-* ClusterRoles aggregate into the built-in admin, edit and view (k8s-rbac.md "
    "6)") {
    constexpr std::string_view kCrdViewer = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules: [{apiGroups: [example.com], resources: [widgets], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: editors, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: editors}]
)";
    const Graph graph = graph_of(kCrdViewer, with_builtin());
    // edit aggregates view, which aggregates the export's role.
    CHECK(user_can(graph, "u", {"editors"}, resource_request("list", "widgets", "app", "", "example.com")));
    CHECK_FALSE(
        user_can(graph, "u", {"editors"}, resource_request("delete", "widgets", "app", "", "example.com")));
}

TEST_CASE(
    "a binding to a missing eks: ClusterRole is undetermined, not dangling and not a no (eks-iam.md 11)") {
    constexpr std::string_view kEks = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: addon}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "eks:addon-manager"}
subjects: [{kind: User, name: "eks:addon-manager"}]
)";
    const Graph graph = graph_of(kEks, with_builtin());
    const Decision decision = Authorizer(graph, kubernetes_identity("eks:addon-manager", {}))
                                  .authorize(resource_request("get", "pods"));
    CHECK(decision.verdict == Verdict::kUndetermined);
    REQUIRE(decision.undetermined.size() == 1);
    CHECK(decision.undetermined[0].undetermined.find("ClusterRole eks:addon-manager is one EKS creates") !=
          std::string::npos);
    // Somebody else holds nothing through it: a plain no.
    CHECK(Authorizer(graph, kubernetes_identity("other", {}))
              .authorize(resource_request("get", "pods"))
              .verdict == Verdict::kDenied);
}

TEST_CASE(
    "every authenticated user has the built-in discovery grants, every explanation names them as built in") {
    const Graph graph = graph_of("", with_builtin());
    const Authorizer authorizer(graph, kubernetes_identity("anyone", {}));
    const Decision decision = authorizer.authorize(url_request("get", "/version"));
    REQUIRE(decision.allowed());
    CHECK(describe_grant(graph, decision.grants[0]).starts_with("ClusterRoleBinding system:"));
    const auto steps = explain_grant(graph, decision.grants[0]);
    REQUIRE(!steps.empty());
    CHECK(steps[0].location.origin == Origin::kBuiltin);
    CHECK(format_location(steps[0].location) == "built in, not in the export");
    // Anonymous users get only what the bootstrap policy gives system:unauthenticated: no discovery of APIs.
    const Authorizer anonymous(graph, kubernetes_identity("system:anonymous", {"system:unauthenticated"}));
    CHECK(anonymous.authorize(url_request("get", "/version")).allowed());
    CHECK_FALSE(anonymous.authorize(url_request("get", "/apis")).allowed());
}

TEST_CASE("every ServiceAccount reads the issuer discovery documents through the built-in binding") {
    // Kubernetes docs "Managing Service Accounts" (ServiceAccountIssuerDiscovery, GA 1.21): the ClusterRole
    // system:service-account-issuer-discovery is bound to system:serviceaccounts by default; the copied
    // bindings file predates it (data/kubernetes-bootstrap/SOURCE.md).
    constexpr std::string_view kAccount =
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: web}\n";
    const Graph graph = graph_of(kAccount, with_builtin());
    const Request jwks = url_request("get", "/openid/v1/jwks");
    const std::vector<std::string> groups = {"system:serviceaccounts", "system:authenticated"};
    CHECK(user_can(graph, "system:serviceaccount:web:app", groups, jwks));
    // Positive control: a user outside the group gets no grant from it.
    CHECK_FALSE(user_can(graph, "alice", {"system:authenticated"}, jwks));
    // Without the built-in objects nothing grants it.
    CHECK_FALSE(user_can(graph_of(kAccount), "system:serviceaccount:web:app", groups, jwks));
}

}  // namespace
}  // namespace rbacgraph::test
