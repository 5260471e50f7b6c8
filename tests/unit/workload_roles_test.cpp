// ServiceAccount -> IAM role edges (eks-iam.md 9.4 Pod Identity, 9.7 IRSA trust) and the readers of Pod
// Identity associations and EKS capabilities. "UG-irsa" is the EKS User Guide's IRSA trust page, "UG-podid"
// its Pod Identity pages, "BOTO" botocore's eks shapes.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/estate.hpp"
#include "rbacgraph/iam.hpp"
#include "rbacgraph/rules.hpp"

using namespace rbacgraph;
using rbacgraph::test::load_files;
using rbacgraph::test::load_yaml;

namespace {

constexpr std::string_view kIssuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC";
constexpr std::string_view kProvider =
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";

// A role whose trust is one statement with this Condition (JSON, or empty).
IamRole web_identity_role(const std::string& condition,
                          const std::string& provider = std::string(kProvider)) {
    const std::string text =
        R"({"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": ")" +
        provider + R"("}, "Action": "sts:AssumeRoleWithWebIdentity")" +
        (condition.empty() ? "" : ", \"Condition\": " + condition) + "}]}}]}";
    Export source = load_files({{"iam.json", text}});
    REQUIRE(source.iam.size() == 1);
    REQUIRE(source.iam[0].roles.size() == 1);
    return source.iam[0].roles[0];
}

IamEffect irsa(const IamRole& role, std::string_view subject, std::string_view issuer = kIssuer) {
    return web_identity_trust(role, issuer, subject).effect;
}

constexpr std::string_view kSubjectKey = "\"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub\"";
constexpr std::string_view kAudienceKey = "\"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud\"";

std::string condition(std::string_view op, std::string_view key, std::string_view value) {
    return fmt::format(R"({{"{}": {{{}: {}}}}})", op, key, value);
}

// An estate of one cluster (its YAML) and IAM dumps (JSON), for workload_roles.
struct World {
    std::unique_ptr<Estate> estate;
    std::vector<WorkloadRole> edges;
};

World world(const std::string& cluster_yaml, const std::string& iam_json) {
    Export source = load_files({{"cluster.yaml", cluster_yaml}, {"iam.json", iam_json}});
    std::vector<IamAccountDetails> iam = std::move(source.iam);
    World out;
    out.estate = std::make_unique<Estate>(
        std::vector<Cluster>{{"", std::make_shared<const Graph>(std::move(source), test::test_options())}},
        std::move(iam));
    out.edges = workload_roles(*out.estate->clusters()[0].graph, &out.estate->iam());
    return out;
}

constexpr std::string_view kCluster = R"(
cluster:
  name: prod
  identity: {oidc: {issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"}}
)";

}  // namespace

TEST_CASE("IRSA trust: sub under StringEquals matches exactly, under StringLike as a glob (UG-irsa)") {
    const IamRole exact =
        web_identity_role(condition("StringEquals", kSubjectKey, R"("system:serviceaccount:ci:deployer")"));
    CHECK(irsa(exact, "system:serviceaccount:ci:deployer") == IamEffect::kAllow);
    CHECK(irsa(exact, "system:serviceaccount:ci:other") == IamEffect::kImplicitDeny);
    const IamRole namespace_wide =
        web_identity_role(condition("StringLike", kSubjectKey, R"("system:serviceaccount:ci:*")"));
    CHECK(irsa(namespace_wide, "system:serviceaccount:ci:anything") == IamEffect::kAllow);
    CHECK(irsa(namespace_wide, "system:serviceaccount:web:anything") == IamEffect::kImplicitDeny);
    // Several values are OR.
    const IamRole two = web_identity_role(condition(
        "StringEquals", kSubjectKey, R"(["system:serviceaccount:a:x", "system:serviceaccount:b:y"])"));
    CHECK(irsa(two, "system:serviceaccount:b:y") == IamEffect::kAllow);
    CHECK(irsa(two, "system:serviceaccount:a:y") == IamEffect::kImplicitDeny);
    // StringEquals is literal: a '*' there is a character.
    const IamRole literal =
        web_identity_role(condition("StringEquals", kSubjectKey, R"("system:serviceaccount:ci:*")"));
    CHECK(irsa(literal, "system:serviceaccount:ci:deployer") == IamEffect::kImplicitDeny);
}

TEST_CASE("IRSA trust: no sub condition admits every ServiceAccount, the issuer must be the cluster's") {
    const IamRole open = web_identity_role(condition("StringEquals", kAudienceKey, R"("sts.amazonaws.com")"));
    CHECK(irsa(open, "system:serviceaccount:any:one") == IamEffect::kAllow);
    REQUIRE(web_identity_trusts(open).size() == 1);
    CHECK(web_identity_trusts(open)[0].subjects.empty());
    // The issuer compares without https:// and a trailing slash; another cluster's provider admits nothing.
    CHECK(irsa(open, "system:serviceaccount:any:one", "oidc.eks.eu-west-1.amazonaws.com/id/ABC/") ==
          IamEffect::kAllow);
    CHECK(irsa(open, "system:serviceaccount:any:one", "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER") ==
          IamEffect::kImplicitDeny);
}

TEST_CASE("IRSA trust: an aud other than sts.amazonaws.com or another condition makes it conditional") {
    // eks-iam.md 9.7: "aud other than sts.amazonaws.com, or any other condition key: conditional".
    const IamRole other_audience = web_identity_role(condition("StringEquals", kAudienceKey, R"("my-app")"));
    CHECK(irsa(other_audience, "system:serviceaccount:ci:x") == IamEffect::kConditional);
    const IamRole other_key = web_identity_role(
        R"({"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ci:x", "aws:SourceIp": "10.0.0.1"}})");
    CHECK(irsa(other_key, "system:serviceaccount:ci:x") == IamEffect::kConditional);
    CHECK(irsa(other_key, "system:serviceaccount:ci:y") == IamEffect::kImplicitDeny);
    // A sub condition under an operator that is not evaluated: any subject, conditionally.
    const IamRole unknown_operator =
        web_identity_role(condition("StringNotEquals", kSubjectKey, R"("system:serviceaccount:ci:x")"));
    CHECK(irsa(unknown_operator, "system:serviceaccount:ci:y") == IamEffect::kConditional);
}

TEST_CASE("IRSA trust: SAML and non-OIDC federated principals are not web identities of a cluster") {
    const IamRole saml = web_identity_role("", "arn:aws:iam::111122223333:saml-provider/corp");
    CHECK(web_identity_trusts(saml).empty());
    CHECK(irsa(saml, "system:serviceaccount:ci:x") == IamEffect::kImplicitDeny);
}

TEST_CASE(
    "Pod Identity trust needs pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession (UG-podid)") {
    const auto role_with = [](const std::string& statements) {
        Export source = load_files({{"iam.json", R"({"RoleDetailList": [{"RoleName": "p",
            "Arn": "arn:aws:iam::111122223333:role/p", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
            "Statement": )" + statements + "}}]}"}});
        return source.iam.at(0).roles.at(0);
    };
    CHECK(pod_identity_trust(
              role_with(R"([{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}])"))
              .effect == IamEffect::kAllow);
    CHECK(pod_identity_trust(
              role_with(R"([{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": "sts:AssumeRole"}])"))
              .effect == IamEffect::kImplicitDeny);
    CHECK(pod_identity_trust(role_with(R"([{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}])"))
              .effect == IamEffect::kImplicitDeny);
    CHECK(pod_identity_trust(
              role_with(R"([{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {"aws:RequestTag/kubernetes-namespace": "ci"}}}])"))
              .effect == IamEffect::kConditional);
}

TEST_CASE("workload roles: an annotation grants nothing by itself, a trust grants without an annotation") {
    const std::string iam = R"({"RoleDetailList": [
      {"RoleName": "annotated", "Arn": "arn:aws:iam::111122223333:role/annotated",
       "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/OTHER"},
         "Action": "sts:AssumeRoleWithWebIdentity"}]}},
      {"RoleName": "open", "Arn": "arn:aws:iam::111122223333:role/open",
       "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ci:*"}}}]}}]})";
    const World w = world(std::string(kCluster) + R"(---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: ci
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/annotated"}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: web}
)",
                          iam);
    REQUIRE(w.edges.size() == 2);
    CHECK(w.edges[0].via == WorkloadRole::Via::kIrsaAnnotation);
    CHECK(w.edges[0].trust == IamEffect::kImplicitDeny);
    CHECK_FALSE(w.edges[0].may_grant());
    CHECK(w.edges[1].via == WorkloadRole::Via::kIrsaTrust);
    CHECK(w.edges[1].service_account == "deployer");
    CHECK(w.edges[1].role_arn == "arn:aws:iam::111122223333:role/open");
    CHECK(w.edges[1].trust == IamEffect::kAllow);  // ServiceAccount web/web is outside the ci:* pattern
}

TEST_CASE("workload roles: without the role in a dump, or without the issuer, the answer says so") {
    const std::string annotated = R"(
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: ci
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/unknown"}
)";
    const World no_dump = world(annotated, R"({"RoleDetailList": []})");
    REQUIRE(no_dump.edges.size() == 1);
    CHECK_FALSE(no_dump.edges[0].trust);
    CHECK(no_dump.edges[0].may_grant());
    CHECK(no_dump.edges[0].trust_text().starts_with("trust not checked"));
    // No describe-cluster: a trust that admits the subject from some provider is conditional on the issuer.
    const World no_issuer =
        world(std::string(annotated).replace(annotated.find("role/unknown"), 12, "role/r"),
              R"({"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
            "Action": "sts:AssumeRoleWithWebIdentity"}]}}]})");
    REQUIRE(no_issuer.edges.size() == 1);
    CHECK(no_issuer.edges[0].trust == IamEffect::kConditional);
    CHECK(no_issuer.edges[0].why.find("describe-cluster") != std::string::npos);
}

TEST_CASE("Pod Identity: describe gives the role, list does not, a target role is what the pods get (BOTO)") {
    const std::string trust_pods = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]})";
    const std::string iam = R"({"RoleDetailList": [
      {"RoleName": "first", "Arn": "arn:aws:iam::111122223333:role/first", "AssumeRolePolicyDocument": )" +
                            trust_pods + R"(,
       "RolePolicyList": [{"PolicyName": "chain", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
         {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::444455556666:role/target"}]}}]},
      {"RoleName": "target", "Arn": "arn:aws:iam::444455556666:role/target", "AssumeRolePolicyDocument":
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::111122223333:role/first"}, "Action": "sts:AssumeRole"}]}},
      {"RoleName": "untrusting", "Arn": "arn:aws:iam::111122223333:role/untrusting", "AssumeRolePolicyDocument":
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}]})";
    const World w = world(R"(
association:
  clusterName: prod
  namespace: ci
  serviceAccount: deployer
  roleArn: arn:aws:iam::111122223333:role/first
  targetRoleArn: arn:aws:iam::444455556666:role/target
  associationArn: arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/a-1
---
association: {clusterName: prod, namespace: web, serviceAccount: app, roleArn: "arn:aws:iam::111122223333:role/untrusting"}
---
associations:
- {clusterName: prod, namespace: batch, serviceAccount: jobs, associationId: a-3}
)",
                          iam);
    REQUIRE(w.edges.size() == 3);
    CHECK(w.edges[0].role_arn == "arn:aws:iam::444455556666:role/target");
    CHECK(w.edges[0].association_role_arn == "arn:aws:iam::111122223333:role/first");
    CHECK(w.edges[0].trust == IamEffect::kAllow);
    CHECK(w.edges[1].trust == IamEffect::kImplicitDeny);
    CHECK_FALSE(w.edges[1].may_grant());
    CHECK(w.edges[2].role_arn.empty());
    CHECK_FALSE(w.edges[2].trust);
    CHECK(w.edges[2].why.find("describe-pod-identity-association") != std::string::npos);
}

TEST_CASE("EKS capabilities are read from describe-capability and list-capabilities (BOTO Capability)") {
    const Export source = load_yaml(R"(
capability:
  capabilityName: argo
  type: ARGOCD
  roleArn: arn:aws:iam::111122223333:role/argo
  configuration:
    argoCd:
      namespace: gitops
      rbacRoleMappings:
      - role: ADMIN
        identities: [{id: "g-123", type: SSO_GROUP}]
---
capabilities:
- {capabilityName: ack, type: ACK}
- {capabilityName: odd, type: SOMETHING}
)");
    REQUIRE(source.capabilities.size() == 3);
    CHECK(source.capabilities[0].role_arn == "arn:aws:iam::111122223333:role/argo");
    CHECK(source.capabilities[0].argocd_namespace == "gitops");
    REQUIRE(source.capabilities[0].rbac_role_mappings.size() == 1);
    CHECK(source.capabilities[0].rbac_role_mappings[0].role == "ADMIN");
    CHECK(source.capabilities[0].rbac_role_mappings[0].identities ==
          std::vector<std::string>{"SSO_GROUP g-123"});
    CHECK_FALSE(source.capabilities[1].role_arn);
    // An unknown type is read, with a warning that names it.
    CHECK(std::any_of(source.diagnostics.begin(), source.diagnostics.end(), [](const Diagnostic& diagnostic) {
        return diagnostic.message.find("'SOMETHING'") != std::string::npos;
    }));
}

TEST_CASE("irsa-cluster-admin lists who runs pods or workloads as the ServiceAccount, or mints its token") {
    // eks-iam.md 7 row 15: pod creation, a workload controller, or create serviceaccounts/token (which lets
    // the caller choose the audience) in the ServiceAccount's namespace.
    const std::string yaml = R"(
association: {clusterName: prod, namespace: ci, serviceAccount: deployer, roleArn: "arn:aws:iam::111122223333:role/ci"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ci
      username: ci
      groups: [system:masters]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: ci}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: token, namespace: ci}
rules:
- {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [deployer]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: minters, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: token}
subjects: [{kind: Group, name: minters}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployers, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: Group, name: deployers}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: other-token, namespace: ci}
rules:
- {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [other]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: other-token, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: other-token}
subjects: [{kind: Group, name: other-minters}]
)";
    const Graph graph(load_yaml(yaml), test::test_options());
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {"irsa-cluster-admin"};
    const std::vector<Finding> findings = run_checks(graph, run).findings;
    REQUIRE(findings.size() == 1);
    const std::vector<std::string>& subjects = findings[0].subjects;
    CHECK(std::find(subjects.begin(), subjects.end(), "Group deployers") != subjects.end());
    CHECK(std::find(subjects.begin(), subjects.end(), "Group minters") != subjects.end());
    // A token of another ServiceAccount is not this one's (the negative beside the positive).
    CHECK(std::find(subjects.begin(), subjects.end(), "Group other-minters") == subjects.end());
}
