#pragma once

#include <optional>
#include <string>

#include "load/document.hpp"
#include "load/fields.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/model.hpp"

namespace rbacgraph::load {

/// Where interpreted objects go.
struct Sink {
    FileName file;
    Export& out;
    const LoadOptions& options;
};

/// Turns one parsed document (Kubernetes object, List, aws-auth edit buffer, AWS CLI output) into the model.
void interpret_document(const Node& document, const Sink& sink);

/// Kubernetes objects and *List wrappers; list_depth counts enclosing Lists.
void interpret_kubernetes_object(const Node& object, const Sink& sink, int list_depth);

/// The kube-system/aws-auth ConfigMap (or a kubectl-edit buffer of it that has no kind or metadata).
void interpret_aws_auth(const Node& config_map, const Sink& sink, FieldReader& reader);

/// Keep the later of two aws-auth ConfigMaps / cluster descriptions, with a warning naming the first.
void store_aws_auth(Export& out, AwsAuth aws_auth);
void store_cluster(Export& out, ClusterConfig cluster);
std::string cluster_label(const ClusterConfig& cluster);

/// `aws iam get-account-authorization-details` output (UserDetailList, RoleDetailList, ...).
void interpret_iam_details(const Node& document, const Sink& sink, FieldReader& reader);

/// Counts one object read, under `kind` in the load summary.
void count_used(const Sink& sink, const std::string& kind);
/// Gives every node of a tree the position of `at`: objects parsed out of a string (kubectl_manifest's
/// yaml_body, a CDK manifest) are placed at the resource that holds them, not at lines of the string.
void place_at(Node& node, const Node& at);

/// Nodes a reader builds when it translates another format (Terraform blocks, CloudFormation properties) into
/// the shape the Kubernetes and AWS CLI interpreters read, each placed at the node it comes from so that
/// every diagnostic and finding points at the input's line.
Node scalar_node(const Node& at, std::string text);
Node mapping_node(const Node& at);
Node sequence_node(const Node& at);
/// Appends `key: value` to a mapping node.
void put(Node& mapping, std::string key, Node value);
/// A metadata block (a Kubernetes object's, a Terraform kubernetes_* resource's) naming kube-system/aws-auth.
bool names_aws_auth(const Node* metadata);

/// A YAML boolean field (go-yaml spellings); absent or null gives nullopt, another type an error.
std::optional<bool> read_bool(const Node& parent, std::string_view key, FieldReader& reader);
/// authenticationMode and bootstrapClusterCreatorAdminPermissions (describe-cluster's accessConfig,
/// eksctl's).
void read_access_config(const Node& access, ClusterConfig& cluster, FieldReader& reader);
/// Warns (at the entry) when an access entry's principal ARN (named `field` in the input) can match nobody.
void check_principal(const Node& at, std::string_view field, const std::string& arn, FieldReader& reader);
/// An accessScope ({type: cluster|namespace, namespaces}); false (with an error) for another type.
bool read_access_scope(const Node& scope, AccessScope& out, FieldReader& reader);

/// The field names one input uses for an OIDC identity provider configuration.
struct OidcFieldNames {
    std::string_view name;
    std::string_view issuer_url;
    std::string_view client_id;
    std::string_view username_claim;
    std::string_view username_prefix;
    std::string_view groups_claim;
    std::string_view groups_prefix;
    std::string_view required_claims;
    std::string_view status;  ///< "" where the input has none
};
inline constexpr OidcFieldNames kEksApiOidcFields{"identityProviderConfigName",
                                                  "issuerUrl",
                                                  "clientId",
                                                  "usernameClaim",
                                                  "usernamePrefix",
                                                  "groupsClaim",
                                                  "groupsPrefix",
                                                  "requiredClaims",
                                                  "status"};
/// An OIDC identity provider configuration (load/oidc_provider.cpp); `unknown_fields` names values the
/// input leaves unknown (known after apply, a template expression).
void read_oidc_provider(const Node& node, const OidcFieldNames& names, const Sink& sink, FieldReader& reader,
                        std::vector<std::string> unknown_fields = {});
/// list-identity-provider-configs: names only, warned about.
void read_oidc_provider_list(const Node& list, const Sink& sink, FieldReader& reader);

/// eksctl's ClusterConfig (eksctl.io/v1alpha5): the access it defines (docs/inputs.md).
void read_eksctl_cluster_config(const Node& object, const Sink& sink, FieldReader& reader);

/// `terraform show -json` of a plan or a state: format_version with planned_values, resource_changes or
/// values.
bool is_terraform_plan(const Node& document);
/// The access a Terraform plan's resources define (docs/inputs.md); values known only after apply stay
/// unknown (principal_unknown, AwsAuth::unknown_keys), never guessed.
void read_terraform_plan(const Node& document, const Sink& sink);

/// A CloudFormation template: a Resources mapping with AWSTemplateFormatVersion or AWS::/Custom:: types.
bool is_cloudformation_template(const Node& document);
/// The access a template's resources define (docs/inputs.md); intrinsics resolved where the template and the
/// template parameters make them literal, principals known only after deploy kept unknown.
void read_cloudformation_template(const Node& document, const Sink& sink);

/// AWS CLI outputs recognised by shape; false when the document is not one of them.
bool interpret_aws_cli(const Node& document, const Sink& sink);

}  // namespace rbacgraph::load
