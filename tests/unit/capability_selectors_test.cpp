// EKS capabilities driven beyond their own resources (eks-iam.md 12): ACK IAMRoleSelectors (E9; CRD
// config/crd/bases/services.k8s.aws_iamroleselectors.yaml of aws-controllers-k8s/runtime, design "Multi-Role
// Support via IAM Role Selector": names and labels ANDed, no namespaceSelector selects every namespace) and
// Argo CD ApplicationSets (E11; argo-cd docs/operator-manual/applicationset/Security.md).
#include <memory>
#include <string>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/estate.hpp"
#include "rbacgraph/rules.hpp"

using namespace rbacgraph;
using rbacgraph::test::graph_of;

namespace {

std::vector<Finding> drivers(const Graph& graph) {
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {"capability-drivers"};
    return run_checks(graph, run).findings;
}

const Finding* finding_on(const std::vector<Finding>& findings, std::string_view kind,
                          std::string_view name) {
    for (const Finding& finding : findings) {
        if (finding.object.kind == kind && finding.object.name == name) {
            return &finding;
        }
    }
    return nullptr;
}

bool names(const Finding& finding, std::string_view subject) {
    return std::find(finding.subjects.begin(), finding.subjects.end(), subject) != finding.subjects.end();
}

}  // namespace

TEST_CASE("IAMRoleSelectors are read: ARN, namespace names and labels, resource types in both forms") {
    const Export read = test::load_yaml(R"(
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: s}
spec:
  arn: arn:aws:iam::444455556666:role/r
  namespaceSelector:
    names: [a, b]
    labelSelector: {matchLabels: {team: sky}}
  resourceTypeSelector:
  - {group: s3.services.k8s.aws, version: v1alpha1, kind: Bucket}
  - {apiVersion: ec2.services.k8s.aws/v1alpha1}
---
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: everywhere}
spec: {arn: "arn:aws:iam::444455556666:role/e"}
---
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: no-arn}
spec: {}
)");
    REQUIRE(read.ack_role_selectors.size() == 2);
    const AckRoleSelector& s = read.ack_role_selectors[0];
    CHECK(s.role_arn == "arn:aws:iam::444455556666:role/r");
    CHECK_FALSE(s.every_namespace);
    CHECK(s.namespace_names == std::vector<std::string>{"a", "b"});
    REQUIRE(s.namespace_labels);
    CHECK(s.namespace_labels->match_labels.at("team") == "sky");
    CHECK(s.resource_types == std::vector<std::string>{"s3.services.k8s.aws/Bucket", "ec2.services.k8s.aws"});
    CHECK(read.ack_role_selectors[1].every_namespace);
    CHECK(test::errors_in(read) == 1);  // the selector without spec.arn
}

TEST_CASE("capability-drivers: IAMRoleSelector writers drive ACK, a selector's namespaces act as its role") {
    const std::string ack = R"(
capability: {capabilityName: ack, type: ACK, roleArn: "arn:aws:iam::111122223333:role/ack"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: w}
rules: [{apiGroups: [services.k8s.aws], resources: [iamroleselectors], verbs: [update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: w}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: w}
subjects: [{kind: Group, name: selector-writers}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: buckets}
rules: [{apiGroups: [s3.services.k8s.aws], resources: [buckets], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: sky-dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: buckets}
subjects: [{kind: Group, name: sky}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: other}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: buckets}
subjects: [{kind: Group, name: others}]
---
apiVersion: v1
kind: Namespace
metadata: {name: sky-dev, labels: {team: sky}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other, labels: {team: ground}}
)";
    // The group services.k8s.aws itself is outside the *.services.k8s.aws suffix of ACK resources.
    const std::vector<Finding> without = drivers(graph_of(ack));
    const Finding* capability = finding_on(without, "EksCapability", "ack");
    REQUIRE(capability != nullptr);
    CHECK(names(*capability, "Group selector-writers"));
    CHECK(names(*capability, "Group sky"));

    const std::vector<Finding> with = drivers(graph_of(ack + R"(---
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: sky}
spec:
  arn: arn:aws:iam::444455556666:role/sky
  namespaceSelector: {names: [], labelSelector: {matchLabels: {team: sky}}}
)"));
    const Finding* selector = finding_on(with, "IAMRoleSelector", "sky");
    REQUIRE(selector != nullptr);
    CHECK(selector->arns == std::vector<std::string>{"arn:aws:iam::444455556666:role/sky"});
    CHECK(names(*selector, "Group sky"));           // creates ACK resources in a labelled namespace
    CHECK_FALSE(names(*selector, "Group others"));  // positive control: a namespace the labels leave out
    CHECK(selector->message.find("sky-dev in the input") != std::string::npos);
    CHECK(selector->severity == RiskSeverity::kMedium);  // the role's permissions are not in the input
}

TEST_CASE("capability-drivers: ApplicationSet writers drive Argo CD, AppProject writers are named") {
    const std::string argo = R"(
capability:
  capabilityName: argo
  type: ARGOCD
  roleArn: arn:aws:iam::111122223333:role/argo
  configuration: {argoCd: {namespace: argocd}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: sets, namespace: argocd}
rules: [{apiGroups: [argoproj.io], resources: [applicationsets], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: sets, namespace: argocd}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: sets}
subjects: [{kind: Group, name: set-writers}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: projects, namespace: argocd}
rules: [{apiGroups: [argoproj.io], resources: [appprojects], verbs: [patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: projects, namespace: argocd}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: projects}
subjects: [{kind: Group, name: project-writers}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: sets, namespace: elsewhere}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: elsewhere}]
)";
    const std::vector<Finding> findings = drivers(graph_of(argo));
    const Finding* capability = finding_on(findings, "EksCapability", "argo");
    REQUIRE(capability != nullptr);
    CHECK(names(*capability, "Group set-writers"));
    CHECK_FALSE(names(*capability, "Group project-writers"));  // they widen Projects, named in the message
    CHECK(capability->message.find("whoever writes AppProjects there widens what they may deploy: Group "
                                   "project-writers") != std::string::npos);
    CHECK_FALSE(names(*capability, "Group elsewhere"));  // positive control: another namespace
}

TEST_CASE(
    "capability-drivers: a selected role the ACK role may not assume makes the selector dormant (low)") {
    // UG ack-permissions.adoc: the capability role needs sts:AssumeRole (and sts:TagSession) on the role.
    const auto selector_with_trust =
        [](std::string_view principal, std::string_view actions = R"(["sts:AssumeRole", "sts:TagSession"])") {
            std::string yaml = R"(
capability: {capabilityName: ack, type: ACK, roleArn: "arn:aws:iam::111122223333:role/ack"}
---
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: s}
spec: {arn: "arn:aws:iam::111122223333:role/target"}
---
RoleDetailList:
- RoleName: ack
  Arn: arn:aws:iam::111122223333:role/ack
  AssumeRolePolicyDocument:
    Version: "2012-10-17"
    Statement: [{Effect: Allow, Principal: {Service: capabilities.eks.amazonaws.com}, Action: ["sts:AssumeRole", "sts:TagSession"]}]
  RolePolicyList: []
- RoleName: target
  Arn: arn:aws:iam::111122223333:role/target
  AssumeRolePolicyDocument:
    Version: "2012-10-17"
    Statement: [{Effect: Allow, Principal: {AWS: "PRINCIPAL"}, Action: ACTIONS}]
  RolePolicyList:
  - PolicyName: admin
    PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
)";
            yaml.replace(yaml.find("PRINCIPAL"), 9, principal);
            yaml.replace(yaml.find("ACTIONS"), 7, actions);
            // The IAM dumps belong to the estate, as the CLI builds it.
            Export source = test::load_yaml(yaml);
            std::vector<IamAccountDetails> iam = std::move(source.iam);
            source.iam.clear();
            std::vector<Cluster> clusters;
            clusters.push_back({"", std::make_shared<const Graph>(std::move(source), test::test_options())});
            const Estate estate(std::move(clusters), std::move(iam));
            CheckRun run;
            run.rules = builtin_rules();
            run.options.enabled = {"capability-drivers"};
            const std::vector<Finding> findings = run_checks(estate, run).findings;
            const Finding* selector = finding_on(findings, "IAMRoleSelector", "s");
            REQUIRE(selector != nullptr);
            return *selector;
        };
    const Finding locked = selector_with_trust("arn:aws:iam::111122223333:role/other");
    CHECK(locked.severity == RiskSeverity::kLow);
    CHECK(locked.message.find("may not assume it") != std::string::npos);
    // Positive control: the trust names the ACK role, in the same account.
    const Finding trusted = selector_with_trust("arn:aws:iam::111122223333:role/ack");
    CHECK(trusted.severity == RiskSeverity::kHigh);
    CHECK(trusted.message.find("role may assume with a tagged session (allowed") != std::string::npos);
    // ACK tags its sessions: a trust that allows sts:AssumeRole alone leaves the selector failing (IAM user
    // guide id_session-tags, "Permissions required to add session tags").
    const Finding untagged =
        selector_with_trust("arn:aws:iam::111122223333:role/ack", R"(["sts:AssumeRole"])");
    CHECK(untagged.severity == RiskSeverity::kLow);
    CHECK(untagged.message.find("may assume it but not tag the session (sts:TagSession") !=
          std::string::npos);
    // sts:* covers both.
    const Finding any_sts = selector_with_trust("arn:aws:iam::111122223333:role/ack", R"("sts:*")");
    CHECK(any_sts.severity == RiskSeverity::kHigh);
}

TEST_CASE("capability-drivers: two IAMRoleSelectors matching one resource are named as a conflict") {
    // The IAMRoleSelector design ("Multi-Role Support via IAM Role Selector"): a resource two selectors match
    // is not reconciled, so neither role acts there until one selector goes.
    const auto selectors = [](std::string_view second_types) {
        std::string yaml = R"(
capability: {capabilityName: ack, type: ACK, roleArn: "arn:aws:iam::111122223333:role/ack"}
---
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: buckets}
spec:
  arn: arn:aws:iam::111122223333:role/buckets
  namespaceSelector: {names: [shop, data]}
  resourceTypeSelector: [{group: s3.services.k8s.aws, version: v1alpha1, kind: Bucket}]
---
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: other}
spec:
  arn: arn:aws:iam::111122223333:role/other
  namespaceSelector: {names: [data, web]}
  resourceTypeSelector: TYPES
)";
        yaml.replace(yaml.find("TYPES"), 5, second_types);
        return drivers(graph_of(yaml));
    };
    // A whole group covers its kinds: both match s3 Buckets in namespace data.
    const std::vector<Finding> clash = selectors("[{apiVersion: s3.services.k8s.aws/v1alpha1}]");
    const Finding* buckets = finding_on(clash, "IAMRoleSelector", "buckets");
    REQUIRE(buckets != nullptr);
    CHECK(buckets->message.find("selector other (in data) also matches") != std::string::npos);
    const Finding* other = finding_on(clash, "IAMRoleSelector", "other");
    REQUIRE(other != nullptr);
    CHECK(other->message.find("selector buckets (in data) also matches") != std::string::npos);
    // Positive control: another service's types never meet the Buckets, in the same namespace.
    const std::vector<Finding> apart =
        selectors("[{group: rds.services.k8s.aws, version: v1alpha1, kind: DBInstance}]");
    const Finding* alone = finding_on(apart, "IAMRoleSelector", "buckets");
    REQUIRE(alone != nullptr);
    CHECK(alone->message.find("selector other") == std::string::npos);
    // A selector without a namespaceSelector meets every other one where their types meet.
    const std::vector<Finding> everywhere = drivers(graph_of(R"(
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: all}
spec: {arn: "arn:aws:iam::111122223333:role/all"}
---
apiVersion: services.k8s.aws/v1alpha1
kind: IAMRoleSelector
metadata: {name: shop}
spec:
  arn: arn:aws:iam::111122223333:role/shop
  namespaceSelector: {names: [shop]}
)"));
    const Finding* all = finding_on(everywhere, "IAMRoleSelector", "all");
    REQUIRE(all != nullptr);
    CHECK(all->message.find("selector shop (in shop) also matches") != std::string::npos);
}
