// EKS OIDC identity providers (issue 30 part 5; eks-iam.md 12 E15): read from every input that defines one,
// and their tokens mapped to a username and groups as the API server's OIDC authenticator maps them.
#include "helpers.hpp"
#include "rbacgraph/identity.hpp"

namespace rbacgraph::test {
namespace {

constexpr std::string_view kDescribe = R"({"identityProviderConfig": {"oidc": {
  "identityProviderConfigName": "corp", "clusterName": "demo", "issuerUrl": "https://sso.example.com",
  "clientId": "kubernetes", "usernameClaim": "email", "usernamePrefix": "sso:", "groupsClaim": "groups",
  "groupsPrefix": "sso:", "requiredClaims": {"hd": "example.com"}, "status": "ACTIVE"}}})";

constexpr std::string_view kBindings = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: root}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}, {nonResourceURLs: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: root}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "sso:admins"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bare-admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: root}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: admins}]
)";

OidcIdentityProvider provider(std::string claim, std::optional<std::string> prefix) {
    OidcIdentityProvider out;
    out.name = "p";
    out.issuer_url = "https://issuer.example.com";
    out.username_claim = std::move(claim);
    out.username_prefix = std::move(prefix);
    out.groups_claim = "groups";
    return out;
}

// EKS API reference OidcIdentityProviderConfigRequest (usernamePrefix, groupsPrefix) and kube-apiserver's
// --oidc-username-prefix / --oidc-groups-prefix: without a username prefix a claim other than email is
// prefixed with the issuer URL and '#'; "-" disables prefixing; groups get no prefix unless one is given.
TEST_CASE("OIDC usernames and groups carry the prefixes the API server adds") {
    CHECK(oidc_name(provider("", std::nullopt), "u1", false) == "https://issuer.example.com#u1");
    CHECK(oidc_name(provider("sub", std::string()), "u1", false) == "https://issuer.example.com#u1");
    CHECK(oidc_name(provider("email", std::nullopt), "a@x.com", false) == "a@x.com");
    CHECK(oidc_name(provider("sub", std::string("-")), "u1", false) == "u1");
    CHECK(oidc_name(provider("email", std::string("sso:")), "a@x.com", false) == "sso:a@x.com");
    OidcIdentityProvider groups = provider("sub", std::nullopt);
    CHECK(oidc_name(groups, "admins", true) == "admins");
    groups.groups_prefix = "sso:";
    CHECK(oidc_name(groups, "admins", true) == "sso:admins");
}

TEST_CASE("OIDC identity providers are read from describe, eksctl, Terraform and CloudFormation") {
    const Export described = load_files({{"idp.json", std::string(kDescribe)}});
    REQUIRE(described.oidc_providers.size() == 1);
    const OidcIdentityProvider& corp = described.oidc_providers[0];
    CHECK(corp.name == "corp");
    CHECK(corp.groups_prefix == std::optional<std::string>("sso:"));
    CHECK(corp.required_claims.size() == 1);
    CHECK(corp.status == "ACTIVE");

    const Export eksctl = load_yaml(R"(apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: demo, region: us-east-1}
identityProviders:
  - {name: okta, type: oidc, issuerURL: "https://okta.example.com", clientID: k8s, groupsClaim: groups}
  - {name: saml, type: saml}
)");
    REQUIRE(eksctl.oidc_providers.size() == 1);
    CHECK(eksctl.oidc_providers[0].issuer_url == "https://okta.example.com");
    CHECK_FALSE(eksctl.oidc_providers[0].groups_prefix.has_value());
    CHECK(std::any_of(eksctl.diagnostics.begin(), eksctl.diagnostics.end(),
                      [](const Diagnostic& d) { return d.message.find("not oidc") != std::string::npos; }));

    const Export terraform = load_files({{"plan.json", R"({"format_version": "1.2", "planned_values": {
 "root_module": {"resources": [{"address": "aws_eks_identity_provider_config.okta", "mode": "managed",
 "type": "aws_eks_identity_provider_config", "name": "okta", "values": {"cluster_name": "demo",
 "oidc": [{"identity_provider_config_name": "okta", "issuer_url": "https://okta.example.com",
 "client_id": "k8s", "groups_claim": "groups", "groups_prefix": "okta:", "username_claim": "email",
 "username_prefix": null, "required_claims": {}}]}}]}},
 "resource_changes": [{"address": "aws_eks_identity_provider_config.okta", "type":
 "aws_eks_identity_provider_config", "name": "okta", "change": {"actions": ["create"],
 "after_unknown": {"oidc": [{"username_prefix": true}]}}}]})"}});
    REQUIRE(terraform.oidc_providers.size() == 1);
    CHECK(terraform.oidc_providers[0].groups_prefix == std::optional<std::string>("okta:"));
    CHECK(terraform.oidc_providers[0].unknown_fields == std::vector<std::string>{"username_prefix"});

    const Export template_ = load_yaml(R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Okta:
    Type: AWS::EKS::IdentityProviderConfig
    Properties:
      ClusterName: demo
      Type: OIDC
      IdentityProviderConfigName: okta
      OidcIdentityProviderConfig:
        IssuerUrl: https://okta.example.com
        ClientId: k8s
        GroupsClaim: groups
        GroupsPrefix: !Ref Prefix
        RequiredClaims: [{Key: hd, Value: example.com}]
)");
    REQUIRE(template_.oidc_providers.size() == 1);
    CHECK(template_.oidc_providers[0].required_claims.size() == 1);
    CHECK(template_.oidc_providers[0].unknown_fields == std::vector<std::string>{"GroupsPrefix"});
}

TEST_CASE("an OIDC user's grants follow the prefixed names, and an unknown provider is said, not a bare no") {
    const Graph graph =
        graph_of_files({{"idp.json", std::string(kDescribe)}, {"rbac.yaml", std::string(kBindings)}});
    const Identity admin = oidc_identity(graph, {"", std::string("a@example.com"), {"admins"}});
    REQUIRE(admin.authenticated);
    CHECK(admin.username.literal_text() == "sso:a@example.com");
    CHECK(Authorizer(graph, admin).cluster_admin());
    // Evasion: the unprefixed group a token cannot carry is not this user's, however it is spelt.
    const Identity bare = oidc_identity(graph, {"corp", std::string("a@example.com"), {"other"}});
    REQUIRE(bare.authenticated);
    CHECK_FALSE(Authorizer(graph, bare).cluster_admin());
    // No such provider: not authenticated, with the reason.
    const Identity unknown = oidc_identity(graph, {"okta", std::string("a"), {}});
    CHECK_FALSE(unknown.authenticated);
    CHECK(unknown.denial.find("no OIDC identity provider named 'okta'") != std::string::npos);
    // Who holds the prefixed group, in the provider's terms.
    CHECK(oidc_origins(graph.source().oidc_providers, "Group", "sso:admins") ==
          std::vector<std::string>{"corp group 'admins'"});
    CHECK(oidc_origins(graph.source().oidc_providers, "Group", "admins").empty());
    CHECK(oidc_origins(graph.source().oidc_providers, "ServiceAccount", "sso:x").empty());
}

}  // namespace
}  // namespace rbacgraph::test
