// Terraform's JSON plan (developer.hashicorp.com/terraform/internals/json-format): planned_values holds the
// resources that exist after apply (a deleted one is only in resource_changes); after_unknown marks values
// known only after apply, which are never guessed; configuration holds each attribute's references. Resource
// schemas: hashicorp/terraform-provider-aws (eks_*), hashicorp/terraform-provider-kubernetes (kubernetes_*).
// Files: testdata/iac/terraform (SOURCES.md in testdata/iac).
#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

constexpr std::string_view kAdminLabel = "(known after apply: aws_iam_role.platform_admin.arn)";

TEST_CASE("Terraform plan: EKS resources of every module level, deleted ones left out") {
    const Export source = load_testdata("iac/terraform/plan-access.json");
    REQUIRE(source.cluster);
    CHECK(source.cluster->name == "shop");
    CHECK(source.cluster->mode == AuthenticationMode::kApiAndConfigMap);
    CHECK(source.cluster->bootstrap_creator_admin == false);
    REQUIRE(source.cluster->version);
    CHECK(source.cluster->version->display() == "1.33");
    // platform_admin (unknown), ci, and module.eks's auditors; legacy is being deleted.
    REQUIRE(source.access_entries.size() == 3);
    for (const AccessEntry& entry : source.access_entries) {
        CHECK(entry.principal_arn.find("legacy") == std::string::npos);
    }
    CHECK(source.access_entries[0].principal_arn == kAdminLabel);
    CHECK(source.access_entries[0].principal_unknown);
    // user_name is computed: unknown when EKS picks the default.
    CHECK_FALSE(source.access_entries[0].username);
    CHECK(source.access_entries[1].kubernetes_groups == std::vector<std::string>{"ci-deployers"});
    CHECK_FALSE(source.access_entries[1].principal_unknown);
    REQUIRE(source.access_policies.size() == 2);
    // The association names aws_eks_access_entry.platform_admin.principal_arn: the entry's own principal.
    CHECK(source.access_policies[0].principal_arn == kAdminLabel);
    CHECK(source.access_policies[0].principal_unknown);
    CHECK(source.access_policies[1].scope.namespaces == std::vector<std::string>{"payments", "dev-*"});
    REQUIRE(source.aws_auth);
    CHECK(source.aws_auth->map_roles.size() == 2);
    CHECK(source.aws_auth->unknown_keys.empty());
    REQUIRE(source.pod_identity_associations.size() == 1);
    CHECK_FALSE(source.pod_identity_associations[0].role_arn);
    CHECK(source.pod_identity_associations[0].role_unknown.find("aws_iam_role.orders.arn") !=
          std::string::npos);
    // kubernetes_role_v1, kubernetes_*binding_v1 and both documents of the kubectl_manifest.
    CHECK(source.roles.size() == 2);
    CHECK(source.bindings.size() == 3);
    const auto role = std::find_if(source.roles.begin(), source.roles.end(),
                                   [](const Role& r) { return r.name == "secret-reader"; });
    REQUIRE(role != source.roles.end());
    CHECK(role->ns == "payments");
    CHECK(role->labels.at("team") == "payments");
    REQUIRE(role->rules.size() == 1);
    CHECK(role->rules[0].verbs == std::vector<std::string>{"get", "list", "watch"});
}

TEST_CASE("Terraform plan: a principal known only after apply is undetermined for every ARN it may be") {
    // With the built-in roles: ci-deployers are bound to edit.
    const Graph graph(load_testdata("iac/terraform/plan-access.json"));
    // Any ARN without an access entry of its own may be the role the plan creates, which is cluster admin.
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/someone-new", "delete", "nodes") ==
          Verdict::kUndetermined);
    // break-glass is in system:masters through aws-auth: allowed whatever the unknown principal is.
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/break-glass", "delete", "nodes") ==
          Verdict::kAllowed);
    // ci-deployer has its own entry, and EKS keeps one entry per principal: it is not the unknown one.
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/ci-deployer", "delete", "nodes") ==
          Verdict::kDenied);
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/ci-deployer", "create", "deployments.apps",
                      "shop") == Verdict::kAllowed);
    // The module's View policy in payments and dev-*.
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/auditors", "list", "pods", "dev-a") ==
          Verdict::kAllowed);
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/auditors", "list", "pods", "prod") ==
          Verdict::kDenied);
    // who-can lists the unknown principal itself, as allowed.
    const auto made = make_request({.verb = "delete", .resource = "nodes"});
    const WhoCan who = who_can(graph, std::get<Request>(made));
    CHECK(std::any_of(who.principals.begin(), who.principals.end(), [](const WhoCanPrincipal& principal) {
        return principal.identity.arn == kAdminLabel && !principal.undetermined;
    }));
}

TEST_CASE("Terraform plan: in CONFIG_MAP mode an unknown entry's principal changes nothing") {
    const Export source =
        load_files({{"plan.json", R"({"format_version": "1.2", "planned_values": {"root_module":
        {"resources": [{"address": "aws_eks_cluster.c", "mode": "managed", "type": "aws_eks_cluster", "name": "c",
        "values": {"name": "c", "access_config": [{"authentication_mode": "CONFIG_MAP"}]}},
        {"address": "aws_eks_access_entry.a", "mode": "managed", "type": "aws_eks_access_entry", "name": "a",
        "values": {"cluster_name": "c", "type": "STANDARD"}}]}},
        "resource_changes": [{"address": "aws_eks_access_entry.a", "change": {"actions": ["create"],
        "after_unknown": {"principal_arn": true}}}]})"}});
    CHECK(errors_in(source) == 0);
    const Graph graph(Export(source), test_options());
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/x", "get", "pods", "a") == Verdict::kDenied);
}

TEST_CASE("Terraform plan: aws-auth keys known only after apply make the ARNs they may map undetermined") {
    const Export source = load_testdata("rules/unknown-principal/fires-aws-auth-unknown.json");
    REQUIRE(source.aws_auth);
    CHECK(source.aws_auth->unknown_keys == std::vector<std::string>{"mapRoles"});
    const Graph graph(Export(source), test_options());
    CHECK(arn_verdict(graph, "arn:aws:iam::111122223333:role/any", "get", "pods", "a") ==
          Verdict::kUndetermined);
    // Positive control: with mapRoles known, a role it maps is decided.
    const Graph known(load_files({{"plan.json", R"({"format_version": "1.2", "planned_values": {"root_module":
        {"resources": [{"address": "kubernetes_config_map_v1_data.a", "mode": "managed",
        "type": "kubernetes_config_map_v1_data", "name": "a", "values": {"metadata": [{"name": "aws-auth",
        "namespace": "kube-system"}], "data": {"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/any\n  username: any\n  groups: [system:masters]\n"}}}]}},
        "resource_changes": [{"address": "kubernetes_config_map_v1_data.a", "change": {"actions": ["create"],
        "after_unknown": {"data": {"mapAccounts": true}}}}]})"}}),
                      test_options());
    CHECK(arn_verdict(known, "arn:aws:iam::111122223333:role/any", "get", "pods", "a") == Verdict::kAllowed);
    // mapAccounts is unknown: an ARN mapRoles does not name may be admitted by it.
    CHECK(arn_verdict(known, "arn:aws:iam::111122223333:role/other", "get", "pods", "a") ==
          Verdict::kUndetermined);
}

TEST_CASE("Terraform plan: [each.key] in a reference becomes the instance's key, each.value is not guessed") {
    const Export source =
        load_files({{"plan.json", R"({"format_version": "1.2", "planned_values": {"root_module":
        {"child_modules": [{"address": "module.m", "resources": [
        {"address": "module.m.aws_eks_access_entry.this[\"a\"]", "mode": "managed", "type": "aws_eks_access_entry",
         "name": "this", "index": "a", "values": {"type": "STANDARD"}},
        {"address": "module.m.aws_eks_access_entry.other[\"b\"]", "mode": "managed", "type": "aws_eks_access_entry",
         "name": "other", "index": "b", "values": {"type": "STANDARD"}}]}]}},
        "resource_changes": [
        {"address": "module.m.aws_eks_access_entry.this[\"a\"]", "change": {"actions": ["create"], "after_unknown": {"principal_arn": true}}},
        {"address": "module.m.aws_eks_access_entry.other[\"b\"]", "change": {"actions": ["create"], "after_unknown": {"principal_arn": true}}}],
        "configuration": {"root_module": {"module_calls": {"m": {"module": {"resources": [
        {"address": "aws_eks_access_entry.this", "expressions": {"principal_arn": {"references": ["aws_iam_role.this[each.key].arn", "aws_iam_role.this"]}}},
        {"address": "aws_eks_access_entry.other", "expressions": {"principal_arn": {"references": ["each.value.arn", "each.value"]}}}]}}}}}})"}});
    CHECK(errors_in(source) == 0);
    REQUIRE(source.access_entries.size() == 2);
    CHECK(source.access_entries[0].principal_arn ==
          R"((known after apply: module.m.aws_iam_role.this["a"].arn))");
    CHECK(source.access_entries[1].principal_arn ==
          R"((known after apply: module.m.aws_eks_access_entry.other["b"].principal_arn))");
}

TEST_CASE("Terraform plan: an RBAC value known only after apply is an error naming it, the rest is read") {
    const Export source =
        load_files({{"plan.json", R"({"format_version": "1.2", "planned_values": {"root_module":
        {"resources": [
        {"address": "kubernetes_cluster_role_binding_v1.x", "mode": "managed", "type": "kubernetes_cluster_role_binding_v1",
         "name": "x", "values": {"metadata": [{"name": "x"}], "role_ref": [{"api_group": "rbac.authorization.k8s.io",
         "kind": "ClusterRole", "name": "cluster-admin"}], "subject": [{"kind": "User", "namespace": ""}]}},
        {"address": "kubernetes_cluster_role_binding_v1.y", "mode": "managed", "type": "kubernetes_cluster_role_binding_v1",
         "name": "y", "values": {"metadata": [{"name": "y"}], "role_ref": [{"api_group": "rbac.authorization.k8s.io",
         "kind": "ClusterRole", "name": "view"}], "subject": [{"kind": "User", "name": "alice", "namespace": ""}]}}]}},
        "resource_changes": [{"address": "kubernetes_cluster_role_binding_v1.x", "change": {"actions": ["create"],
        "after_unknown": {"subject": [{"name": true}]}}}]})"}});
    REQUIRE(errors_in(source) == 1);
    const auto error = std::find_if(source.diagnostics.begin(), source.diagnostics.end(),
                                    [](const Diagnostic& d) { return d.severity == Severity::kError; });
    CHECK(error->message.find("subject is known only after apply") != std::string::npos);
    CHECK(error->object == "kubernetes_cluster_role_binding_v1.x");
    CHECK(error->location.line == 3);
    REQUIRE(source.bindings.size() == 1);
    CHECK(source.bindings[0].name == "y");
}

TEST_CASE(
    "Terraform plan: an unknown IRSA annotation or ConfigMap data is no error, only aws-auth's data counts") {
    const Export source =
        load_files({{"plan.json", R"({"format_version": "1.2", "planned_values": {"root_module":
        {"resources": [
        {"address": "kubernetes_service_account_v1.app", "mode": "managed", "type": "kubernetes_service_account_v1",
         "name": "app", "values": {"metadata": [{"name": "app", "namespace": "shop"}]}},
        {"address": "kubernetes_config_map_v1.settings", "mode": "managed", "type": "kubernetes_config_map_v1",
         "name": "settings", "values": {"metadata": [{"name": "settings", "namespace": "shop"}]}}]}},
        "resource_changes": [
        {"address": "kubernetes_service_account_v1.app", "change": {"actions": ["create"],
         "after_unknown": {"metadata": [{"annotations": true, "uid": true}]}}},
        {"address": "kubernetes_config_map_v1.settings", "change": {"actions": ["create"],
         "after_unknown": {"data": true}}}]})"}});
    CHECK(errors_in(source) == 0);
    REQUIRE(source.service_accounts.size() == 1);
    CHECK(source.service_accounts[0].annotations.empty());
    CHECK(source.summary.skipped_by_kind.at("ConfigMap") == 1);
    CHECK(std::any_of(source.diagnostics.begin(), source.diagnostics.end(), [](const Diagnostic& d) {
        return d.severity == Severity::kWarning && d.message.find("IRSA role") != std::string::npos;
    }));
}

TEST_CASE("Terraform plan (real, checkov's runner fixture): a cluster created without access_config") {
    const Export source = load_testdata("iac/terraform/checkov-tests-runner-plan-tfplan.json");
    REQUIRE(source.cluster);
    // eks-iam.md 5: CreateCluster's defaults, which the provider passes on.
    CHECK(source.cluster->mode == AuthenticationMode::kConfigMap);
    CHECK(source.cluster->bootstrap_creator_admin == true);
    CHECK(source.access_entries.empty());
    CHECK(source.summary.used_by_kind.at("aws_eks_cluster (Terraform)") == 1);
}

}  // namespace
}  // namespace rbacgraph::test
