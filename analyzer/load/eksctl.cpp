// eksctl's ClusterConfig (eksctl.io/v1alpha5): the cluster access it defines, read into the same model as the
// AWS CLI outputs. Field names and defaults: eksctl-io/eksctl pkg/apis/eksctl.io/v1alpha5 (types.go,
// access_entry.go, iam.go), userdocs access-entries.md and iamidentitymappings.md (eks-iam.md [SRC EKSCTL]).
#include <fmt/format.h>

#include "load/interpret.hpp"
#include "rbacgraph/arn.hpp"

namespace rbacgraph::load {
namespace {

constexpr std::string_view kRoleAnnotation = "eks.amazonaws.com/role-arn";

void read_access_entries(const Node& access, const Sink& sink, FieldReader& reader) {
    const Node* entries = reader.sequence(access, "accessEntries");
    if (entries == nullptr) {
        return;
    }
    for (const Node& item : entries->children) {
        if (!item.is_mapping()) {
            reader.error(item,
                         fmt::format("accessEntries items must be mappings, found {}", item.type_name()));
            continue;
        }
        AccessEntry entry;
        entry.location = reader.at(item);
        entry.principal_arn = reader.string(item, "principalARN", true).value_or("");
        reader.set_object(fmt::format("eksctl access entry {}", entry.principal_arn));
        entry.type = reader.string(item, "type", false).value_or("STANDARD");
        entry.username = reader.string(item, "username", false);
        entry.kubernetes_groups = reader.strings(item, "kubernetesGroups");
        if (entry.principal_arn.empty()) {
            continue;
        }
        check_principal(item, "principalARN", entry.principal_arn, reader);
        if (const Node* policies = reader.sequence(item, "accessPolicies")) {
            for (const Node& policy : policies->children) {
                if (!policy.is_mapping()) {
                    reader.error(policy, "accessPolicies items must be mappings");
                    continue;
                }
                AccessPolicyAssociation association;
                association.principal_arn = entry.principal_arn;
                association.location = reader.at(policy);
                association.policy_arn = reader.string(policy, "policyARN", true).value_or("");
                const Node* scope = reader.mapping(policy, "accessScope", true);
                if (association.policy_arn.empty() || scope == nullptr ||
                    !read_access_scope(*scope, association.scope, reader)) {
                    continue;
                }
                sink.out.access_policies.push_back(std::move(association));
            }
        }
        sink.out.access_entries.push_back(std::move(entry));
    }
}

// iamIdentityMappings: eksctl writes each into aws-auth (mapRoles for a role ARN, mapUsers for a user ARN,
// mapAccounts for `account`); `serviceName` maps a service-linked role of the account eksctl runs in.
void read_identity_mappings(const Node& list, const Sink& sink, FieldReader& reader) {
    AwsAuth additions;
    additions.additions = true;
    additions.location = reader.at(list);
    for (const Node& item : list.children) {
        if (!item.is_mapping()) {
            reader.error(
                item, fmt::format("iamIdentityMappings items must be mappings, found {}", item.type_name()));
            continue;
        }
        if (const auto account = reader.string(item, "account", false)) {
            additions.map_accounts.push_back({*account, reader.at(item)});
            continue;
        }
        if (const auto service = reader.string(item, "serviceName", false)) {
            reader.warning(
                item, fmt::format("serviceName '{}': eksctl maps a service-linked role of the account it "
                                  "runs in, whose ARN this file does not give; that mapping is not read",
                                  *service));
            continue;
        }
        AwsAuthEntry entry;
        entry.location = reader.at(item);
        entry.arn = reader.string(item, "arn", true).value_or("");
        entry.username = reader.string(item, "username", false).value_or("");
        entry.groups = reader.strings(item, "groups");
        if (entry.arn.empty()) {
            continue;
        }
        const auto parsed = parse_principal_arn(entry.arn);
        const bool user = std::holds_alternative<Principal>(parsed) &&
                          std::get<Principal>(parsed).kind == PrincipalKind::kUser;
        entry.section = user ? AwsAuthSection::kMapUsers : AwsAuthSection::kMapRoles;
        (user ? additions.map_users : additions.map_roles).push_back(std::move(entry));
    }
    store_aws_auth(sink.out, std::move(additions));
}

// iam.serviceAccounts (IRSA): eksctl creates the ServiceAccount annotated with its role; the role is
// attachRoleARN, or one eksctl creates (roleName, or a generated name) whose ARN is known only after apply.
void read_service_accounts(const Node& list, const Sink& sink, FieldReader& reader) {
    for (const Node& item : list.children) {
        const Node* metadata = item.is_mapping() ? reader.mapping(item, "metadata", true) : nullptr;
        if (metadata == nullptr) {
            reader.error(item, "iam.serviceAccounts items need metadata.name");
            continue;
        }
        ServiceAccount account;
        account.name = reader.string(*metadata, "name", true).value_or("");
        account.ns = reader.string(*metadata, "namespace", false).value_or("default");
        account.annotations = reader.string_map(*metadata, "annotations");
        account.location = reader.at(item);
        reader.set_object(fmt::format("eksctl IRSA ServiceAccount {}/{}", account.ns, account.name));
        if (account.name.empty()) {
            continue;
        }
        if (const auto role = reader.string(item, "attachRoleARN", false)) {
            account.annotations[std::string(kRoleAnnotation)] = *role;
        } else {
            reader.warning(item,
                           "eksctl creates this ServiceAccount's IAM role; its ARN is known only after "
                           "apply, so what the role reaches is not evaluated");
        }
        sink.out.service_accounts.push_back(std::move(account));
    }
}

// iam.podIdentityAssociations: with roleARN the association uses that role; without, eksctl creates one.
void read_pod_identities(const Node& list, const Sink& sink, FieldReader& reader) {
    for (const Node& item : list.children) {
        if (!item.is_mapping()) {
            reader.error(item, "podIdentityAssociations items must be mappings");
            continue;
        }
        PodIdentityAssociation association;
        association.location = reader.at(item);
        association.ns = reader.string(item, "namespace", true).value_or("");
        association.service_account = reader.string(item, "serviceAccountName", true).value_or("");
        reader.set_object(fmt::format("eksctl Pod Identity association {}/{}", association.ns,
                                      association.service_account));
        association.role_arn = reader.string(item, "roleARN", false);
        association.target_role_arn = reader.string(item, "targetRoleARN", false).value_or("");
        if (association.ns.empty() || association.service_account.empty()) {
            continue;
        }
        if (!association.role_arn) {
            association.role_unknown = "eksctl creates the role; its ARN is known only after apply";
            reader.warning(item,
                           "eksctl creates this association's IAM role; its ARN is known only after apply, "
                           "so what the role reaches is not evaluated");
        }
        sink.out.pod_identity_associations.push_back(std::move(association));
    }
}

}  // namespace

void read_eksctl_cluster_config(const Node& object, const Sink& sink, FieldReader& reader) {
    ClusterConfig cluster;
    cluster.location = reader.at(object);
    if (const Node* metadata = reader.mapping(object, "metadata", true)) {
        cluster.name = reader.string(*metadata, "name", true).value_or("");
        if (const auto version = reader.string(*metadata, "version", false)) {
            cluster.version = KubernetesVersion::parse(*version);
            if (!cluster.version) {
                reader.warning(
                    *metadata->find("version"),
                    fmt::format("version '{}' is not a Kubernetes version; version-dependent answers "
                                "say both readings",
                                *version));
            }
        }
    }
    reader.set_object("eksctl ClusterConfig " + cluster.name);
    if (reader.failed()) {
        ++sink.out.summary.rejected;
        return;
    }
    // eksctl's defaults when accessConfig leaves them out: API_AND_CONFIG_MAP, and the creator bootstrapped
    // as cluster admin (eks-iam.md 5 and 6).
    cluster.mode = AuthenticationMode::kApiAndConfigMap;
    cluster.bootstrap_creator_admin = true;
    if (const Node* access = reader.mapping(object, "accessConfig", false)) {
        read_access_config(*access, cluster, reader);
        if (access->find("authenticationMode") == nullptr) {
            cluster.mode = AuthenticationMode::kApiAndConfigMap;
        }
        cluster.bootstrap_creator_admin = cluster.bootstrap_creator_admin.value_or(true);
        read_access_entries(*access, sink, reader);
    }
    reader.set_object("eksctl ClusterConfig " + cluster.name);
    if (const Node* mappings = reader.sequence(object, "iamIdentityMappings")) {
        read_identity_mappings(*mappings, sink, reader);
    }
    if (const Node* iam = reader.mapping(object, "iam", false)) {
        if (const Node* accounts = reader.sequence(*iam, "serviceAccounts")) {
            read_service_accounts(*accounts, sink, reader);
        }
        if (const Node* associations = reader.sequence(*iam, "podIdentityAssociations")) {
            read_pod_identities(*associations, sink, reader);
        }
    }
    // identityProviders: [{name, type: oidc, issuerURL, clientID, usernameClaim, ...}] (eksctl
    // pkg/apis/eksctl.io/v1alpha5 OIDCIdentityProvider).
    if (const Node* providers = reader.sequence(object, "identityProviders")) {
        static constexpr OidcFieldNames kEksctl{"name",          "issuerURL",      "clientID",
                                                "usernameClaim", "usernamePrefix", "groupsClaim",
                                                "groupsPrefix",  "requiredClaims", ""};
        for (const Node& provider : providers->children) {
            const Node* type = provider.is_mapping() ? provider.find("type") : nullptr;
            if (type != nullptr && ascii_lower(type->text) != "oidc") {
                reader.warning(*type, fmt::format("identity provider type '{}' is not oidc, the only one EKS "
                                                  "knows; not read",
                                                  type->text));
                continue;
            }
            read_oidc_provider(provider, kEksctl, sink, reader);
        }
        reader.set_object("eksctl ClusterConfig " + cluster.name);
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind["ClusterConfig (eksctl.io)"];
    store_cluster(sink.out, std::move(cluster));
}

}  // namespace rbacgraph::load
