// eksctl ClusterConfig (eksctl.io/v1alpha5): eksctl-io/eksctl pkg/apis/eksctl.io/v1alpha5 (access_entry.go,
// iam.go), userdocs access-entries.md ("API_AND_CONFIG_MAP" is eksctl's default mode, eks-iam.md 5) and
// iamidentitymappings.md (each mapping is an aws-auth entry; `account` is mapAccounts). Corpus files:
// testdata/iac/eksctl (eksctl's own examples, SOURCES.md there).
#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

TEST_CASE("eksctl accessConfig: mode, creator bootstrap, access entries and their scoped policies") {
    const Export source = load_testdata("iac/eksctl/eksctl-examples-40-access-entries.yaml");
    REQUIRE(source.cluster);
    CHECK(source.cluster->name == "access-entries-cluster");
    CHECK(source.cluster->mode == AuthenticationMode::kApi);
    CHECK(source.cluster->bootstrap_creator_admin == false);
    REQUIRE(source.cluster->version);
    CHECK(source.cluster->version->display() == "1.29");
    REQUIRE(source.access_entries.size() == 4);
    CHECK(source.access_entries[0].kubernetes_groups == std::vector<std::string>{"group1", "group2"});
    CHECK(source.access_entries[3].type == "EC2_LINUX");
    REQUIRE(source.access_policies.size() == 2);
    CHECK_FALSE(source.access_policies[0].scope.cluster_wide);
    CHECK(source.access_policies[0].scope.namespaces ==
          std::vector<std::string>{"default", "my-namespace", "dev-*"});
    CHECK(source.access_policies[1].scope.cluster_wide);

    const Graph graph(load_testdata("iac/eksctl/eksctl-examples-40-access-entries.yaml"), test_options());
    // AmazonEKSViewPolicy in dev-*: reads pods in dev-a, not in prod; positive and negative controls.
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/role-name-1", "list", "pods", "dev-a") ==
          Verdict::kAllowed);
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/role-name-1", "list", "pods", "prod") ==
          Verdict::kDenied);
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/admin-role", "delete", "nodes") ==
          Verdict::kAllowed);
}

TEST_CASE(
    "eksctl iamIdentityMappings are aws-auth entries: role, user, account, serviceName is not guessed") {
    const Export source = load_testdata("iac/eksctl/eksctl-examples-35-iamidentitymappings.yaml");
    REQUIRE(source.aws_auth);
    REQUIRE(source.aws_auth->map_roles.size() == 1);
    CHECK(source.aws_auth->map_roles[0].groups == std::vector<std::string>{"system:masters"});
    REQUIRE(source.aws_auth->map_users.size() == 1);
    CHECK(source.aws_auth->map_users[0].username == "myUser");
    REQUIRE(source.aws_auth->map_accounts.size() == 1);
    CHECK(source.aws_auth->map_accounts[0].account == "000000000000");
    const bool service_warned =
        std::any_of(source.diagnostics.begin(), source.diagnostics.end(), [](const Diagnostic& diagnostic) {
            return diagnostic.message.find("serviceName 'emr-containers'") != std::string::npos;
        });
    CHECK(service_warned);
    // No accessConfig: eksctl's default mode, in which aws-auth is read.
    REQUIRE(source.cluster);
    CHECK(source.cluster->mode == AuthenticationMode::kApiAndConfigMap);
    CHECK(source.cluster->bootstrap_creator_admin == true);
    const Graph graph(load_testdata("iac/eksctl/eksctl-examples-35-iamidentitymappings.yaml"),
                      test_options());
    CHECK(resolve_arn(graph, "arn:aws:sts::000000000000:assumed-role/myAdminRole/s").is_masters());
    CHECK_FALSE(resolve_arn(graph, "arn:aws:iam::000000000000:user/myUser").is_masters());
}

TEST_CASE("eksctl identity mappings join an aws-auth ConfigMap of the input instead of replacing it") {
    const std::string config_map = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::1:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
    - rolearn: arn:aws:iam::1:role/ops
      username: ops-old
)";
    const std::string eksctl = R"(apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c, region: us-east-1}
iamIdentityMappings:
  - arn: arn:aws:iam::1:role/ops
    username: ops
    groups: [ops]
)";
    for (const bool eksctl_first : {true, false}) {
        CAPTURE(eksctl_first);
        const Export source = eksctl_first ? load_files({{"a.yaml", eksctl}, {"b.yaml", config_map}})
                                           : load_files({{"a.yaml", config_map}, {"b.yaml", eksctl}});
        REQUIRE(source.aws_auth);
        CHECK(source.aws_auth->map_roles.size() == 3);
        for (const Diagnostic& diagnostic : source.diagnostics) {
            CHECK(diagnostic.message.find("second kube-system/aws-auth") == std::string::npos);
        }
        const Graph graph(load_files({{"a.yaml", eksctl}, {"b.yaml", config_map}}), test_options());
        // eksctl adds its mapping after the ConfigMap's entries; of two entries for one ARN the later wins.
        CHECK(resolve_arn(graph, "arn:aws:iam::1:role/ops").username.literal_text() == "ops");
        CHECK(resolve_arn(graph, "arn:aws:iam::1:role/nodes").authenticated);  // the ConfigMap's own entry
    }
}

TEST_CASE(
    "eksctl IRSA and Pod Identity: a given role is read, a role eksctl creates is an announced unknown") {
    const Export irsa = load_testdata("iac/eksctl/eksctl-examples-13-iamserviceaccounts.yaml");
    const auto annotated =
        std::find_if(irsa.service_accounts.begin(), irsa.service_accounts.end(),
                     [](const ServiceAccount& account) { return account.name == "some-app"; });
    REQUIRE(annotated != irsa.service_accounts.end());
    CHECK(annotated->annotations.at("eks.amazonaws.com/role-arn") ==
          "arn:aws:iam::123:role/already-created-role-for-app");
    const auto created =
        std::find_if(irsa.service_accounts.begin(), irsa.service_accounts.end(),
                     [](const ServiceAccount& account) { return account.name == "s3-reader"; });
    REQUIRE(created != irsa.service_accounts.end());
    CHECK(created->ns == "backend-apps");
    CHECK_FALSE(created->annotations.contains("eks.amazonaws.com/role-arn"));

    const Export pods = load_testdata("iac/eksctl/eksctl-examples-39-pod-identity-association.yaml");
    REQUIRE(pods.pod_identity_associations.size() == 5);
    CHECK(pods.pod_identity_associations[0].role_arn == "arn:aws:iam::111122223333:role/role-1");
    CHECK_FALSE(pods.pod_identity_associations[1].role_arn);
    CHECK_FALSE(pods.pod_identity_associations[1].role_unknown.empty());
    CHECK(pods.pod_identity_associations[3].target_role_arn == "arn:aws:iam::444455556666:role/role-b");
    const auto warnings =
        std::count_if(pods.diagnostics.begin(), pods.diagnostics.end(), [](const Diagnostic& d) {
            return d.severity == Severity::kWarning && d.message.starts_with("eksctl creates");
        });
    CHECK(warnings == 3);
}

TEST_CASE("eksctl ClusterConfig errors name the field, the rest is still read") {
    const Export source = load_yaml(R"(apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c}
accessConfig:
  authenticationMode: API
  accessEntries:
    - type: STANDARD
    - principalARN: arn:aws:iam::1:role/ok
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
          accessScope: {type: everywhere}
)");
    CHECK(count_errors(source.diagnostics) == 2);  // the missing principalARN, the scope type
    REQUIRE(source.access_entries.size() == 1);
    CHECK(source.access_entries[0].principal_arn == "arn:aws:iam::1:role/ok");
    CHECK(source.access_policies.empty());
    REQUIRE(source.cluster);
    CHECK(source.cluster->mode == AuthenticationMode::kApi);
}

}  // namespace
}  // namespace rbacgraph::test
