#include <fmt/format.h>

#include <algorithm>

#include "load/interpret.hpp"
#include "rbacgraph/arn.hpp"

namespace rbacgraph::load {
void count_used(const Sink& sink, const std::string& kind) {
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind[kind];
}

void place_at(Node& node, const Node& at) {
    node.line = at.line;
    node.column = at.column;
    for (Node& child : node.children) {
        place_at(child, at);
    }
}

Node scalar_node(const Node& at, std::string text) {
    Node node;
    node.type = NodeType::kScalar;
    node.style = ScalarStyle::kString;
    node.line = at.line;
    node.column = at.column;
    node.text = std::move(text);
    return node;
}

Node mapping_node(const Node& at) {
    Node node;
    node.type = NodeType::kMapping;
    node.line = at.line;
    node.column = at.column;
    return node;
}

Node sequence_node(const Node& at) {
    Node node = mapping_node(at);
    node.type = NodeType::kSequence;
    return node;
}

void put(Node& mapping, std::string key, Node value) {
    mapping.keys.push_back(std::move(key));
    mapping.children.push_back(std::move(value));
}

bool names_aws_auth(const Node* metadata) {
    const Node* name = metadata == nullptr ? nullptr : metadata->find("name");
    const Node* ns = metadata == nullptr ? nullptr : metadata->find("namespace");
    return name != nullptr && name->text == "aws-auth" && ns != nullptr && ns->text == "kube-system";
}

std::optional<bool> read_bool(const Node& parent, std::string_view key, FieldReader& reader) {
    const Node* value = parent.find(key);
    if (value == nullptr || value->is_null()) {
        return std::nullopt;
    }
    if (value->scalar_value() != ScalarValue::kBool) {
        reader.error(*value, fmt::format("'{}' must be true or false, found {}", key, value->describe()));
        return std::nullopt;
    }
    const std::string lowered = ascii_lower(value->text);
    return lowered == "true" || lowered == "yes" || lowered == "y" || lowered == "on";
}

// cluster.accessConfig of describe-cluster, or the object itself for `--query cluster.accessConfig`.
void read_access_config(const Node& access, ClusterConfig& cluster, FieldReader& reader) {
    if (const auto mode = reader.string(access, "authenticationMode", false)) {
        if (*mode == "CONFIG_MAP") {
            cluster.mode = AuthenticationMode::kConfigMap;
        } else if (*mode == "API_AND_CONFIG_MAP") {
            cluster.mode = AuthenticationMode::kApiAndConfigMap;
        } else if (*mode == "API") {
            cluster.mode = AuthenticationMode::kApi;
        } else {
            reader.error(*access.find("authenticationMode"),
                         fmt::format("unknown authenticationMode '{}'; treated as CONFIG_MAP", *mode));
        }
    }
    cluster.bootstrap_creator_admin = read_bool(access, "bootstrapClusterCreatorAdminPermissions", reader);
}

void check_principal(const Node& at, std::string_view field, const std::string& arn, FieldReader& reader) {
    const auto parsed = parse_principal_arn(arn);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        reader.warning(at, fmt::format("{} {}; this access entry can match nobody", field, *problem));
    }
}

bool read_access_scope(const Node& scope, AccessScope& out, FieldReader& reader) {
    const std::string type = reader.string(scope, "type", true).value_or("");
    out.namespaces = reader.strings(scope, "namespaces");
    if (type == "namespace") {
        out.cluster_wide = false;
        if (out.namespaces.empty()) {
            reader.warning(scope, "namespace scope with no namespaces grants nothing");
        }
    } else if (type != "cluster") {
        reader.error(scope, fmt::format("accessScope type '{}' is neither 'cluster' nor 'namespace'", type));
        return false;
    }
    return true;
}

namespace {

void use_cluster(ClusterConfig cluster, const Sink& sink) {
    count_used(sink, "EKS cluster (describe-cluster)");
    store_cluster(sink.out, std::move(cluster));
}

void read_cluster(const Node& node, const Sink& sink, FieldReader& reader) {
    ClusterConfig cluster;
    cluster.name = reader.string(node, "name", false).value_or("");
    cluster.arn = reader.string(node, "arn", false).value_or("");
    cluster.location = reader.at(node);
    reader.set_object(cluster_label(cluster));
    if (const Node* access = reader.mapping(node, "accessConfig", false)) {
        read_access_config(*access, cluster, reader);
    }
    // eks-iam.md 9.8: the version decides version-dependent semantics; the OIDC issuer is what IRSA trusts.
    if (const auto version = reader.string(node, "version", false)) {
        cluster.version = KubernetesVersion::parse(*version);
        if (!cluster.version) {
            reader.warning(*node.find("version"),
                           fmt::format("version '{}' is not a Kubernetes version; version-dependent answers "
                                       "say both readings",
                                       *version));
        }
    }
    if (const Node* identity = reader.mapping(node, "identity", false)) {
        if (const Node* oidc = reader.mapping(*identity, "oidc", false)) {
            cluster.oidc_issuer = reader.string(*oidc, "issuer", false).value_or("");
        }
    }
    cluster.role_arn = reader.string(node, "roleArn", false).value_or("");
    if (const Node* compute = reader.mapping(node, "computeConfig", false)) {
        cluster.auto_mode = read_bool(*compute, "enabled", reader).value_or(false);
        cluster.node_role_arn = reader.string(*compute, "nodeRoleArn", false).value_or("");
    }
    use_cluster(std::move(cluster), sink);
}

// describe-pod-identity-association (and create/update) print one association with its role; list prints
// summaries without it (botocore eks PodIdentityAssociation, PodIdentityAssociationSummary).
void read_pod_identity(const Node& node, const Sink& sink, FieldReader& reader, bool described) {
    if (!node.is_mapping()) {
        reader.error(node,
                     fmt::format("a Pod Identity association must be a mapping, found {}", node.type_name()));
        return;
    }
    PodIdentityAssociation association;
    association.location = reader.at(node);
    association.ns = reader.string(node, "namespace", true).value_or("");
    association.service_account = reader.string(node, "serviceAccount", true).value_or("");
    reader.set_object(
        fmt::format("Pod Identity association {}/{}", association.ns, association.service_account));
    association.association_arn = reader.string(node, "associationArn", false).value_or("");
    association.owner_arn = reader.string(node, "ownerArn", false).value_or("");
    if (described) {
        association.role_arn = reader.string(node, "roleArn", true);
    }
    association.target_role_arn = reader.string(node, "targetRoleArn", false).value_or("");
    if (const Node* policy = node.find("policy"); policy != nullptr && !policy->is_null()) {
        association.session_policy = true;
    }
    if (reader.failed() || association.ns.empty() || association.service_account.empty()) {
        ++sink.out.summary.rejected;
        return;
    }
    sink.out.pod_identity_associations.push_back(std::move(association));
}

// describe-capability (and create/update) print one capability with its role; list prints summaries without
// it (botocore eks Capability, CapabilitySummary).
void read_capability(const Node& node, const Sink& sink, FieldReader& reader, bool described) {
    if (!node.is_mapping()) {
        reader.error(node, fmt::format("a capability must be a mapping, found {}", node.type_name()));
        return;
    }
    EksCapability capability;
    capability.location = reader.at(node);
    capability.name = reader.string(node, "capabilityName", true).value_or("");
    reader.set_object("EKS capability " + capability.name);
    capability.type = reader.string(node, "type", true).value_or("");
    if (described) {
        capability.role_arn = reader.string(node, "roleArn", true);
    }
    if (capability.type != "ACK" && capability.type != "KRO" && capability.type != "ARGOCD" &&
        !capability.type.empty()) {
        reader.warning(node, fmt::format("capability type '{}' is not ACK, KRO or ARGOCD; read as it is",
                                         capability.type));
    }
    if (const Node* configuration = reader.mapping(node, "configuration", false)) {
        if (const Node* argo = reader.mapping(*configuration, "argoCd", false)) {
            capability.argocd_namespace = reader.string(*argo, "namespace", false).value_or("");
            if (const Node* mappings = reader.sequence(*argo, "rbacRoleMappings")) {
                for (const Node& mapping : mappings->children) {
                    if (!mapping.is_mapping()) {
                        reader.error(mapping, "rbacRoleMappings entries must be mappings");
                        continue;
                    }
                    EksCapability::RoleMapping read;
                    read.role = reader.string(mapping, "role", true).value_or("");
                    if (const Node* identities = reader.sequence(mapping, "identities")) {
                        for (const Node& identity : identities->children) {
                            if (!identity.is_mapping()) {
                                reader.error(identity, "identities entries must be mappings");
                                continue;
                            }
                            read.identities.push_back(
                                fmt::format("{} {}", reader.string(identity, "type", false).value_or("SSO"),
                                            reader.string(identity, "id", true).value_or("")));
                        }
                    }
                    capability.rbac_role_mappings.push_back(std::move(read));
                }
            }
        }
    }
    if (capability.type == "ARGOCD" && capability.argocd_namespace.empty()) {
        capability.argocd_namespace = "argocd";  // the default namespace (capabilities-security.adoc)
    }
    if (reader.failed() || capability.name.empty()) {
        ++sink.out.summary.rejected;
        return;
    }
    sink.out.capabilities.push_back(std::move(capability));
}

void read_access_entry(const Node& node, const Sink& sink, FieldReader& reader) {
    AccessEntry entry;
    entry.location = reader.at(node);
    entry.principal_arn = reader.string(node, "principalArn", true).value_or("");
    reader.set_object(fmt::format("access entry {}", entry.principal_arn));
    entry.type = reader.string(node, "type", false).value_or("STANDARD");
    entry.username = reader.string(node, "username", false);
    entry.kubernetes_groups = reader.strings(node, "kubernetesGroups");
    if (reader.failed()) {
        ++sink.out.summary.rejected;
        return;
    }
    check_principal(node, "principalArn", entry.principal_arn, reader);
    count_used(sink, "EKS access entry (describe-access-entry)");
    sink.out.access_entries.push_back(std::move(entry));
}

void read_access_entry_list(const Node& list, const Sink& sink, FieldReader& reader) {
    reader.set_object("access entry list");
    for (const Node& item : list.children) {
        if (const auto arn = item.as_string()) {
            AccessEntry entry;
            entry.principal_arn = std::string(*arn);
            entry.described = false;
            entry.location = reader.at(item);
            check_principal(item, "principalArn", entry.principal_arn, reader);
            sink.out.access_entries.push_back(std::move(entry));
        } else {
            reader.error(item,
                         fmt::format("accessEntries items must be ARN strings, found {}", item.type_name()));
        }
    }
    count_used(sink, "EKS access entry list (list-access-entries)");
}

void read_association(const Node& node, const std::string& principal, const Sink& sink, FieldReader& reader) {
    if (!node.is_mapping()) {
        reader.error(
            node, fmt::format("an associated access policy must be a mapping, found {}", node.type_name()));
        return;
    }
    AccessPolicyAssociation association;
    association.principal_arn = principal;
    association.location = reader.at(node);
    association.policy_arn = reader.string(node, "policyArn", true).value_or("");
    if (const Node* scope = reader.mapping(node, "accessScope", true);
        scope != nullptr && !read_access_scope(*scope, association.scope, reader)) {
        return;
    }
    if (association.policy_arn.empty()) {
        return;
    }
    sink.out.access_policies.push_back(std::move(association));
}

void read_associations(const Node& document, const Sink& sink, FieldReader& reader) {
    const std::string principal = reader.string(document, "principalArn", true).value_or("");
    reader.set_object(fmt::format("access policies of {}", principal));
    if (principal.empty()) {
        ++sink.out.summary.rejected;
        return;
    }
    if (const Node* list = reader.sequence(document, "associatedAccessPolicies")) {
        for (const Node& item : list->children) {
            read_association(item, principal, sink, reader);
        }
    }
    if (const Node* single = document.find("associatedAccessPolicy")) {
        read_association(*single, principal, sink, reader);
    }
    count_used(sink, "EKS associated access policies");
}

bool has_any(const Node& node, std::initializer_list<std::string_view> keys) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](std::string_view key) { return node.find(key) != nullptr; });
}

}  // namespace

bool interpret_aws_cli(const Node& document, const Sink& sink) {
    if (!document.is_mapping()) {
        return false;
    }
    FieldReader reader(sink.file, "", sink.out.diagnostics);
    if (const Node* cluster = document.find("cluster"); cluster != nullptr && cluster->is_mapping()) {
        read_cluster(*cluster, sink, reader);
        return true;
    }
    if (document.find("authenticationMode") != nullptr) {
        ClusterConfig cluster;
        cluster.location = reader.at(document);
        reader.set_object(cluster_label(cluster));
        read_access_config(document, cluster, reader);
        use_cluster(std::move(cluster), sink);
        return true;
    }
    if (const Node* entry = document.find("accessEntry"); entry != nullptr && entry->is_mapping()) {
        read_access_entry(*entry, sink, reader);
        return true;
    }
    if (const Node* list = document.find("accessEntries"); list != nullptr && list->is_sequence()) {
        read_access_entry_list(*list, sink, reader);
        return true;
    }
    if (has_any(document, {"associatedAccessPolicies", "associatedAccessPolicy"}) &&
        document.find("principalArn") != nullptr) {
        read_associations(document, sink, reader);
        return true;
    }
    if (const Node* association = document.find("association");
        association != nullptr && association->is_mapping() &&
        association->find("serviceAccount") != nullptr) {
        read_pod_identity(*association, sink, reader, true);
        count_used(sink, "EKS Pod Identity association (describe-pod-identity-association)");
        return true;
    }
    if (const Node* list = document.find("associations"); list != nullptr && list->is_sequence()) {
        for (const Node& item : list->children) {
            read_pod_identity(item, sink, reader, false);
        }
        count_used(sink, "EKS Pod Identity associations (list-pod-identity-associations)");
        return true;
    }
    if (const Node* capability = document.find("capability");
        capability != nullptr && capability->is_mapping()) {
        read_capability(*capability, sink, reader, true);
        count_used(sink, "EKS capability (describe-capability)");
        return true;
    }
    if (const Node* list = document.find("capabilities"); list != nullptr && list->is_sequence()) {
        for (const Node& item : list->children) {
            read_capability(item, sink, reader, false);
        }
        count_used(sink, "EKS capabilities (list-capabilities)");
        return true;
    }
    // aws eks describe-identity-provider-config: {"identityProviderConfig": {"oidc": {...}}}.
    if (const Node* config = document.find("identityProviderConfig");
        config != nullptr && config->is_mapping()) {
        if (const Node* oidc = config->find("oidc")) {
            read_oidc_provider(*oidc, kEksApiOidcFields, sink, reader);
            count_used(sink, "EKS OIDC identity provider (describe-identity-provider-config)");
        } else {
            reader.warning(*config,
                           "an identity provider configuration without 'oidc' (EKS knows OIDC only)");
        }
        return true;
    }
    if (const Node* list = document.find("identityProviderConfigs"); list != nullptr && list->is_sequence()) {
        read_oidc_provider_list(*list, sink, reader);
        return true;
    }
    if (const Node* policies = document.find("accessPolicies");
        policies != nullptr && policies->is_sequence()) {
        ++sink.out.summary.skipped_by_kind["EKS access policy catalog (list-access-policies)"];
        return true;
    }
    if (has_any(document, {"UserDetailList", "GroupDetailList", "RoleDetailList"})) {
        interpret_iam_details(document, sink, reader);
        return true;
    }
    return false;
}

std::string cluster_label(const ClusterConfig& cluster) {
    // The --query accessConfig form carries no name.
    return cluster.name.empty() ? "EKS cluster accessConfig" : "EKS cluster " + cluster.name;
}

void store_cluster(Export& out, ClusterConfig cluster) {
    if (out.cluster) {
        out.diagnostics.push_back(
            {Severity::kWarning, cluster.location, cluster_label(cluster),
             fmt::format("a second cluster description (the first is at {}); this later "
                         "one replaces it",
                         format_location(out.cluster->location))});
    }
    out.cluster = std::move(cluster);
}

}  // namespace rbacgraph::load
