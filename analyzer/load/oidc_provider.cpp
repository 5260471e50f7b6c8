// EKS OIDC identity provider configurations, as each input spells them (eks-iam.md 12 E15): the EKS API
// (describe-identity-provider-config: camelCase), eksctl identityProviders (issuerURL, clientID), Terraform
// aws_eks_identity_provider_config (snake_case inside its oidc block) and CloudFormation
// AWS::EKS::IdentityProviderConfig (PascalCase, requiredClaims as Key/Value pairs).
#include <fmt/format.h>

#include "load/interpret.hpp"

namespace rbacgraph::load {

namespace {

// requiredClaims: a map of claim to value (EKS API, eksctl, Terraform) or a list of {Key, Value}
// (CloudFormation).
void read_required_claims(const Node& node, std::string_view key, OidcIdentityProvider& provider,
                          FieldReader& reader) {
    const Node* claims = node.find(key);
    if (claims == nullptr || claims->is_null()) {
        return;
    }
    if (claims->is_mapping()) {
        for (auto& [claim, value] : reader.string_map(node, key)) {
            provider.required_claims.emplace_back(claim, value);
        }
        return;
    }
    if (!claims->is_sequence()) {
        reader.error(*claims, fmt::format("'{}' must be a mapping of claims to values, found {}", key,
                                          claims->describe()));
        return;
    }
    for (const Node& item : claims->children) {
        if (!item.is_mapping()) {
            reader.error(item, fmt::format("'{}' entries must be mappings with Key and Value", key));
            continue;
        }
        const auto claim = reader.string(item, "Key", true);
        const auto value = reader.string(item, "Value", true);
        if (claim && value) {
            provider.required_claims.emplace_back(*claim, *value);
        }
    }
}

}  // namespace

void read_oidc_provider(const Node& node, const OidcFieldNames& names, const Sink& sink, FieldReader& reader,
                        std::vector<std::string> unknown_fields) {
    if (!node.is_mapping()) {
        reader.error(node,
                     fmt::format("an OIDC identity provider must be a mapping, found {}", node.type_name()));
        ++sink.out.summary.rejected;
        return;
    }
    OidcIdentityProvider provider;
    provider.location = reader.at(node);
    provider.name = reader.string(node, names.name, true).value_or("");
    reader.set_object("OIDC identity provider " + provider.name);
    provider.issuer_url = reader.string(node, names.issuer_url, true).value_or("");
    provider.client_id = reader.string(node, names.client_id, false).value_or("");
    provider.username_claim = reader.string(node, names.username_claim, false).value_or("");
    provider.username_prefix = reader.string(node, names.username_prefix, false);
    provider.groups_claim = reader.string(node, names.groups_claim, false).value_or("");
    provider.groups_prefix = reader.string(node, names.groups_prefix, false);
    if (!names.status.empty()) {
        provider.status = reader.string(node, names.status, false).value_or("");
    }
    read_required_claims(node, names.required_claims, provider, reader);
    provider.unknown_fields = std::move(unknown_fields);
    // EKS refuses a prefix holding "system:" (EKS API reference OidcIdentityProviderConfigRequest:
    // "The prefix can't contain system:"): such a configuration never exists.
    for (const auto* prefix : {&provider.username_prefix, &provider.groups_prefix}) {
        if (*prefix && prefix->value().find("system:") != std::string::npos) {
            reader.warning(node, fmt::format("the prefix '{}' contains 'system:', which EKS refuses; this "
                                             "configuration cannot be associated as written",
                                             prefix->value()));
        }
    }
    if (provider.name.empty() || provider.issuer_url.empty()) {
        ++sink.out.summary.rejected;
        return;
    }
    sink.out.oidc_providers.push_back(std::move(provider));
}

void read_oidc_provider_list(const Node& list, const Sink& sink, FieldReader& reader) {
    // list-identity-provider-configs names the configurations only: what they map needs describe.
    for (const Node& item : list.children) {
        const Node* name = item.is_mapping() ? item.find("name") : nullptr;
        reader.warning(item,
                       fmt::format("list-identity-provider-configs names the OIDC identity provider '{}' "
                                   "only; add `aws eks describe-identity-provider-config` output for "
                                   "the usernames and groups it gives",
                                   name != nullptr ? name->text : "?"));
    }
    ++sink.out.summary.skipped_by_kind["EKS identity provider list (list-identity-provider-configs)"];
}

}  // namespace rbacgraph::load
