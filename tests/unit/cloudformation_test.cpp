// CloudFormation templates: AWS CloudFormation user guide, aws-resource-eks-cluster (AccessConfig defaults:
// CONFIG_MAP, creator bootstrapped, eks-iam.md 5), aws-resource-eks-accessentry, intrinsic-function-reference
// (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split and their YAML short tags), pseudo-parameter-
// reference. A value that neither the template nor a setting makes literal stays unknown. Files:
// testdata/iac/cloudformation (SOURCES.md in testdata/iac).
#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

Export load_template(std::string_view name, std::map<std::string, std::string> parameters = {}) {
    LoadOptions options;
    options.template_parameters = std::move(parameters);
    const std::string path =
        std::string(RBACGRAPH_SOURCE_DIR) + "/testdata/iac/cloudformation/" + std::string(name);
    REQUIRE_MESSAGE(std::filesystem::exists(path), path);
    Export source = load_paths({path}, options);
    CHECK(count_errors(source.diagnostics) == 0);
    return source;
}

TEST_CASE("CloudFormation (eksctl-generated, real): AccessEntry with groups, username and scoped policies") {
    const Export source = load_template("eksctl-cfn-builder-access_entry-3.json");
    REQUIRE(source.access_entries.size() == 1);
    const AccessEntry& entry = source.access_entries[0];
    CHECK(entry.principal_arn == "arn:aws:iam::111122223333:role/role-1");
    CHECK(entry.username == "user1");
    CHECK(entry.kubernetes_groups == std::vector<std::string>{"viewers"});
    REQUIRE(source.access_policies.size() == 2);
    CHECK(source.access_policies[0].scope.namespaces == std::vector<std::string>{"kube-system", "default"});
    CHECK(source.access_policies[1].scope.cluster_wide);
    // No cluster in the template: access entries exist only in the API modes, so they apply.
    const Graph graph(Export(source), test_options());
    CHECK(graph.mode_inferred());
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/role-1", "list", "pods", "default") ==
          Verdict::kAllowed);
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/other", "list", "pods", "default") ==
          Verdict::kDenied);
}

TEST_CASE("CloudFormation YAML: short tags, parameter defaults, principals known only after deploy") {
    const Export source = load_template("cluster-access.yaml");
    REQUIRE(source.cluster);
    CHECK(source.cluster->name == "shop");  // !Ref ClusterName -> its Default
    CHECK(source.cluster->mode == AuthenticationMode::kApi);
    CHECK(source.cluster->bootstrap_creator_admin == false);
    REQUIRE(source.access_entries.size() == 3);
    // !GetAtt of a named role needs the account and partition; !Ref of a parameter without Default is
    // unknown.
    CHECK(source.access_entries[0].principal_arn ==
          "(known after deploy: arn:${AWS::Partition}:iam::${AWS::AccountId}:role/platform-admin)");
    CHECK(source.access_entries[0].principal_unknown);
    CHECK(source.access_entries[1].principal_arn == "(known after deploy: ${DeveloperRoleArn})");
    // The policy is named whatever the partition; a CommaDelimitedList default gives the namespaces.
    REQUIRE(source.access_policies.size() == 2);
    CHECK(source.access_policies[0].policy_arn.ends_with("/AmazonEKSClusterAdminPolicy"));
    CHECK(source.access_policies[0].principal_arn == source.access_entries[0].principal_arn);
    CHECK(source.access_policies[1].scope.namespaces == std::vector<std::string>{"payments", "orders"});
    REQUIRE(source.pod_identity_associations.size() == 1);
    CHECK_FALSE(source.pod_identity_associations[0].role_arn);

    const Graph graph(Export(source), test_options());
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/anyone", "delete", "nodes") ==
          Verdict::kUndetermined);
}

TEST_CASE("CloudFormation: --aws-account-id and --cfn-parameter make the principals literal") {
    const Export source = load_template("cluster-access.yaml",
                                        {{"AWS::AccountId", "111122223333"},
                                         {"AWS::Partition", "aws"},
                                         {"DeveloperRoleArn", "arn:aws:iam::111122223333:role/developers"}});
    REQUIRE(source.access_entries.size() == 3);
    CHECK(source.access_entries[0].principal_arn == "arn:aws:iam::111122223333:role/platform-admin");
    CHECK(source.access_entries[1].principal_arn == "arn:aws:iam::111122223333:role/developers");
    CHECK(source.access_entries[2].principal_arn ==
          "arn:aws:iam::111122223333:role/ci-deployer");  // Fn::Join
    for (const AccessEntry& entry : source.access_entries) {
        CHECK_FALSE(entry.principal_unknown);
    }
    const Graph graph(Export(source), test_options());
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/platform-admin", "delete", "nodes") ==
          Verdict::kAllowed);
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/anyone", "delete", "nodes") == Verdict::kDenied);
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/developers", "create", "deployments.apps",
                      "orders") == Verdict::kAllowed);
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/developers", "create", "deployments.apps",
                      "kube-system") == Verdict::kDenied);
}

TEST_CASE(
    "CloudFormation (CDK): an aws-auth manifest around generated role ARNs is a key known after deploy") {
    const Export source = load_template("cdk-aws-auth.template.json");
    REQUIRE(source.aws_auth);
    CHECK(source.aws_auth->unknown_keys == std::vector<std::string>{"mapRoles"});
    // The literal manifest beside it is read whole.
    REQUIRE(source.bindings.size() == 1);
    CHECK(source.bindings[0].name == "auditors-view");
    const Graph graph(Export(source), test_options());
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/any", "get", "pods", "a") ==
          Verdict::kUndetermined);
}

TEST_CASE("CloudFormation: Sub with variables and ${!Literal}, Select over Split, unsupported functions") {
    const Export source = load_files({{"t.yaml", R"(Resources:
  A:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: c
      PrincipalArn: !Sub
        - "arn:aws:iam::${Account}:role/${Name}"
        - {Account: "111122223333", Name: !Select [1, !Split [",", "x,deployer,y"]]}
      Username: "${!NotAVariable}"
      KubernetesGroups: [!Select ["99999999999999999999999", [a, b]]]
  B:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: c
      PrincipalArn: !If [IsProd, arn:aws:iam::111122223333:role/p, arn:aws:iam::111122223333:role/d]
)"}});
    REQUIRE(source.access_entries.size() == 2);
    CHECK(source.access_entries[0].principal_arn == "arn:aws:iam::111122223333:role/deployer");
    CHECK(source.access_entries[0].username == "${!NotAVariable}");  // only Fn::Sub substitutes
    CHECK(source.access_entries[0].kubernetes_groups.empty());  // an index past the list: unknown (an error)
    CHECK(source.access_entries[1].principal_unknown);
    CHECK(source.access_entries[1].principal_arn == "(known after deploy: ${Fn::If})");
}

TEST_CASE("CloudFormation tags become the JSON form, a document that is not a template is not read as one") {
    const Export source = load_files({{"t.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata: {name: x, namespace: default}
data: {a: !Ref b}
)"}});
    CHECK(source.access_entries.empty());
    CHECK(source.summary.skipped_by_kind.count("ConfigMap") == 1);
}

}  // namespace
}  // namespace rbacgraph::test
