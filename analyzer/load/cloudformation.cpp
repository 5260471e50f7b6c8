// CloudFormation templates (hand-written, eksctl-generated, CDK-synthesized; JSON, or YAML whose short tags
// the YAML reader turns into the JSON form): the cluster access their resources define.
//
// Resource properties: AWS CloudFormation user guide, aws-resource-eks-cluster, aws-resource-eks-accessentry,
// aws-resource-eks-podidentityassociation. Intrinsic functions and pseudo parameters:
// intrinsic-function-reference, pseudo-parameter-reference. A value the template does not make literal, and
// that no --cfn-parameter or
// --aws-account-id supplies, stays unknown (a principal "known after deploy"), never guessed.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "load/interpret.hpp"
#include "rbacgraph/arn.hpp"

namespace rbacgraph::load {
namespace {

constexpr int kMaxDepth = 16;

/// A value resolved as far as the template and the settings allow.
struct Resolved {
    std::optional<std::string> value;
    std::string shown;                 ///< the value with what is unknown left as ${...}, for labels
    std::vector<std::string> missing;  ///< what is not known ("AWS::AccountId", "parameter X", "Role.Arn")

    static Resolved known(std::string text) { return {text, text, {}}; }
    static Resolved unknown(std::string shown, std::string missing) {
        return {std::nullopt, std::move(shown), {std::move(missing)}};
    }
    void add_missing(const Resolved& part) {
        for (const std::string& item : part.missing) {
            if (std::find(missing.begin(), missing.end(), item) == missing.end()) {
                missing.push_back(item);
            }
        }
    }
};

const Node* single_key(const Node& node, std::string_view key) {
    return node.is_mapping() && node.keys.size() == 1 && node.keys.front() == key ? &node.children.front()
                                                                                  : nullptr;
}

class Resolver {
  public:
    Resolver(const Node& root, const LoadOptions& options) : root_(root), options_(options) {}

    Resolved string(const Node& node, int depth = 0) const {
        if (depth > kMaxDepth) {
            return Resolved::unknown("${...}", "an intrinsic nested too deep");
        }
        if (node.type == NodeType::kScalar) {
            return Resolved::known(node.text);
        }
        if (const Node* name = single_key(node, "Ref")) {
            return ref(name->text, depth);
        }
        if (const Node* target = single_key(node, "Fn::GetAtt")) {
            if (target->type == NodeType::kScalar) {
                const std::size_t dot = target->text.find('.');
                return get_att(target->text.substr(0, dot),
                               dot == std::string::npos ? "" : target->text.substr(dot + 1), depth);
            }
            if (target->is_sequence() && target->children.size() == 2) {
                return get_att(target->children[0].text, target->children[1].text, depth);
            }
        }
        if (const Node* sub = single_key(node, "Fn::Sub")) {
            return substitute(*sub, depth);
        }
        if (const Node* join = single_key(node, "Fn::Join")) {
            return joined(*join, depth);
        }
        if (const Node* select = single_key(node, "Fn::Select")) {
            if (select->is_sequence() && select->children.size() == 2) {
                const Resolved index = string(select->children[0], depth + 1);
                const auto items = list(select->children[1], depth + 1);
                // At most 9 digits: stoul cannot overflow, and no list is that long.
                if (index.value && items && !index.value->empty() && index.value->size() <= 9 &&
                    std::all_of(index.value->begin(), index.value->end(), ::isdigit) &&
                    std::stoul(*index.value) < items->size()) {
                    return (*items)[std::stoul(*index.value)];
                }
            }
            return Resolved::unknown("${Fn::Select}", "an Fn::Select it cannot evaluate");
        }
        const std::string function =
            node.is_mapping() && node.keys.size() == 1 ? node.keys.front() : "a value";
        return Resolved::unknown("${" + function + "}", function);
    }

    /// A list: literal, Fn::Split of a known string, or a Ref to a CommaDelimitedList parameter.
    std::optional<std::vector<Resolved>> list(const Node& node, int depth = 0) const {
        if (node.is_sequence()) {
            std::vector<Resolved> out;
            for (const Node& item : node.children) {
                out.push_back(string(item, depth + 1));
            }
            return out;
        }
        const Node* split = single_key(node, "Fn::Split");
        const Node* name = single_key(node, "Ref");
        std::optional<std::string> text;
        std::string delimiter = ",";
        if (split != nullptr && split->is_sequence() && split->children.size() == 2) {
            delimiter = split->children[0].text;
            text = string(split->children[1], depth + 1).value;
        } else if (name != nullptr) {
            text = ref(name->text, depth).value;
        }
        if (!text || delimiter.empty()) {
            return std::nullopt;
        }
        std::vector<Resolved> out;
        for (std::size_t start = 0;;) {
            const std::size_t at = text->find(delimiter, start);
            out.push_back(Resolved::known(text->substr(start, at - start)));
            if (at == std::string::npos) {
                break;
            }
            start = at + delimiter.size();
        }
        return out;
    }

  private:
    std::optional<std::string> setting(const std::string& name) const {
        const auto found = options_.template_parameters.find(name);
        return found == options_.template_parameters.end() ? std::nullopt : std::optional(found->second);
    }

    const Node* resource(const std::string& name) const {
        const Node* resources = root_.find("Resources");
        return resources == nullptr ? nullptr : resources->find(name);
    }

    static std::string type_of(const Node& resource) {
        const Node* type = resource.find("Type");
        return type == nullptr ? std::string() : type->text;
    }

    const Node* property(const Node& resource, std::string_view key) const {
        const Node* properties = resource.find("Properties");
        return properties == nullptr ? nullptr : properties->find(key);
    }

    Resolved ref(const std::string& name, int depth) const {
        if (auto given = setting(name)) {
            return Resolved::known(*given);
        }
        if (name.starts_with("AWS::")) {
            return Resolved::unknown("${" + name + "}", name);
        }
        if (const Node* parameters = root_.find("Parameters")) {
            if (const Node* parameter = parameters->find(name)) {
                const Node* fallback = parameter->find("Default");
                if (fallback != nullptr && fallback->type == NodeType::kScalar) {
                    return Resolved::known(fallback->text);
                }
                return Resolved::unknown("${" + name + "}", "parameter " + name);
            }
        }
        // Ref of a resource: its name where the template names it (EKS clusters, IAM roles and users).
        if (const Node* target = resource(name)) {
            const std::string type = type_of(*target);
            const std::string_view key = type == "AWS::EKS::Cluster" ? "Name"
                                         : type == "AWS::IAM::Role"  ? "RoleName"
                                         : type == "AWS::IAM::User"  ? "UserName"
                                                                     : "";
            if (const Node* named = key.empty() ? nullptr : property(*target, key)) {
                Resolved resolved = string(*named, depth + 1);
                if (resolved.value) {
                    return resolved;
                }
            }
        }
        return Resolved::unknown("${" + name + "}", name);
    }

    // Fn::GetAtt RESOURCE.Arn of an IAM role or user the template names:
    // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
    Resolved get_att(const std::string& name, const std::string& attribute, int depth) const {
        const std::string shown = "${" + name + "." + attribute + "}";
        const Node* target = resource(name);
        const std::string type = target == nullptr ? "" : type_of(*target);
        if (target == nullptr || attribute != "Arn" ||
            (type != "AWS::IAM::Role" && type != "AWS::IAM::User")) {
            return Resolved::unknown(shown, name + "." + attribute);
        }
        const bool role = type == "AWS::IAM::Role";
        const Node* named = property(*target, role ? "RoleName" : "UserName");
        if (named == nullptr) {
            return Resolved::unknown(shown, name + "." + attribute + " (CloudFormation generates the name)");
        }
        const Resolved partition = ref("AWS::Partition", depth);
        const Resolved account = ref("AWS::AccountId", depth);
        const Resolved resolved_name = string(*named, depth + 1);
        const Node* path_node = property(*target, "Path");
        const Resolved path = path_node == nullptr ? Resolved::known("/") : string(*path_node, depth + 1);
        const std::string arn = fmt::format("arn:{}:iam::{}:{}{}{}", partition.shown, account.shown,
                                            role ? "role" : "user", path.shown, resolved_name.shown);
        Resolved out = Resolved::known(arn);
        for (const Resolved* part : {&partition, &account, &resolved_name, &path}) {
            if (!part->value) {
                out.value.reset();
                out.add_missing(*part);
            }
        }
        return out;
    }

    Resolved substitute(const Node& sub, int depth) const {
        const Node* text = &sub;
        const Node* variables = nullptr;
        if (sub.is_sequence() && !sub.children.empty()) {
            text = &sub.children[0];
            variables = sub.children.size() > 1 ? &sub.children[1] : nullptr;
        }
        if (text->type != NodeType::kScalar) {
            return Resolved::unknown("${Fn::Sub}", "an Fn::Sub whose template is not a string");
        }
        std::string value;
        std::string shown;
        Resolved out;
        const std::string& input = text->text;
        for (std::size_t i = 0; i < input.size();) {
            if (input.compare(i, 3, "${!") == 0) {
                value += "${";
                shown += "${";
                i += 3;
                continue;
            }
            const std::size_t close = input.compare(i, 2, "${") == 0 ? input.find('}', i) : std::string::npos;
            if (close == std::string::npos) {
                value += input[i];
                shown += input[i];
                ++i;
                continue;
            }
            const std::string name = input.substr(i + 2, close - i - 2);
            i = close + 1;
            Resolved part;
            if (const Node* given = variables == nullptr ? nullptr : variables->find(name)) {
                part = string(*given, depth + 1);
            } else if (const std::size_t dot = name.find('.');
                       dot != std::string::npos && !name.starts_with("AWS::")) {
                part = get_att(name.substr(0, dot), name.substr(dot + 1), depth + 1);
            } else {
                part = ref(name, depth + 1);
            }
            if (part.value) {
                value += *part.value;
                shown += *part.value;
            } else {
                shown += part.shown;
                out.add_missing(part);
            }
        }
        out.value = out.missing.empty() ? std::optional(value) : std::nullopt;
        out.shown = out.missing.empty() ? value : shown;
        return out;
    }

    Resolved joined(const Node& join, int depth) const {
        if (!join.is_sequence() || join.children.size() != 2 || join.children[0].type != NodeType::kScalar) {
            return Resolved::unknown("${Fn::Join}", "an Fn::Join it cannot evaluate");
        }
        const auto items = list(join.children[1], depth + 1);
        if (!items) {
            return Resolved::unknown("${Fn::Join}", "an Fn::Join over a list it cannot evaluate");
        }
        std::string value;
        Resolved out;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const std::string& delimiter = i == 0 ? std::string() : join.children[0].text;
            value += delimiter;
            out.shown += delimiter;
            const Resolved& item = (*items)[i];
            out.shown += item.shown;
            if (item.value) {
                value += *item.value;
            } else {
                out.add_missing(item);
            }
        }
        if (out.missing.empty()) {
            out.value = value;
        }
        return out;
    }

    const Node& root_;
    const LoadOptions& options_;
};

class TemplateReader {
  public:
    TemplateReader(const Node& root, const Sink& sink)
        : root_(root),
          sink_(sink),
          reader_(sink.file, "CloudFormation template", sink.out.diagnostics),
          resolver_(root, sink.options) {}

    void read() {
        const Node* resources = root_.find("Resources");
        for (std::size_t i = 0; i < resources->keys.size(); ++i) {
            const Node& resource = resources->children[i];
            if (!resource.is_mapping()) {
                continue;
            }
            const Node* type = resource.find("Type");
            const Node* properties = resource.find("Properties");
            const std::string name = resources->keys[i];
            reader_.set_object(fmt::format("{} {}", type == nullptr ? "resource" : type->text, name));
            if (type == nullptr || properties == nullptr || !properties->is_mapping()) {
                continue;
            }
            const std::string& kind = type->text;
            const bool access = kind == "AWS::EKS::Cluster" || kind == "AWS::EKS::AccessEntry" ||
                                kind == "AWS::EKS::PodIdentityAssociation" ||
                                kind == "AWS::EKS::IdentityProviderConfig" ||
                                kind == "Custom::AWSCDK-EKS-KubernetesResource";
            if (access && resource.find("Condition") != nullptr) {
                reader_.warning(resource,
                                fmt::format("created only when condition '{}' holds; read as created",
                                            resource.find("Condition")->text));
            }
            if (kind == "AWS::EKS::Cluster") {
                read_cluster(resource, *properties);
            } else if (kind == "AWS::EKS::AccessEntry") {
                read_access_entry(resource, *properties);
            } else if (kind == "AWS::EKS::PodIdentityAssociation") {
                read_pod_identity(resource, *properties);
            } else if (kind == "AWS::EKS::IdentityProviderConfig") {
                read_identity_provider(resource, *properties);
            } else if (kind == "Custom::AWSCDK-EKS-KubernetesResource") {
                read_cdk_manifest(resource, *properties);
            }
        }
    }

  private:
    std::optional<std::string> text(const Node& properties, std::string_view key, const Node& at) {
        const Node* value = properties.find(key);
        if (value == nullptr || value->is_null()) {
            return std::nullopt;
        }
        Resolved resolved = resolver_.string(*value);
        if (!resolved.value) {
            reader_.error(at, fmt::format("{} is known only after deploy ({}); pass {} to read it", key,
                                          listed(resolved.missing), hint(resolved.missing)));
        }
        return resolved.value;
    }

    std::vector<std::string> texts(const Node& properties, std::string_view key, const Node& at) {
        const Node* value = properties.find(key);
        if (value == nullptr || value->is_null()) {
            return {};
        }
        std::vector<std::string> out;
        const auto items = resolver_.list(*value);
        if (!items) {
            reader_.error(at, fmt::format("{} is known only after deploy; it is not read", key));
            return out;
        }
        for (const Resolved& item : *items) {
            if (!item.value) {
                reader_.error(
                    at, fmt::format("an item of {} is known only after deploy ({}); pass {} to read it", key,
                                    listed(item.missing), hint(item.missing)));
                continue;
            }
            out.push_back(*item.value);
        }
        return out;
    }

    // What to pass for the values that are missing: "--aws-account-id and --cfn-parameter
    // AWS::Partition=VALUE".
    std::string hint(const std::vector<std::string>& missing) const {
        constexpr std::string_view kParameter = "parameter ";
        std::vector<std::string> settings;
        std::vector<std::string> others;
        for (const std::string& item : missing) {
            if (item == "AWS::AccountId") {
                settings.push_back(sink_.options.account_id_setting + " ID");
            } else if (item.starts_with("AWS::") || item.starts_with(kParameter)) {
                const std::string name = item.starts_with(kParameter) ? item.substr(kParameter.size()) : item;
                settings.push_back(
                    fmt::format("{} {}=VALUE", sink_.options.template_parameter_setting, name));
            } else {
                others.push_back(item);
            }
        }
        if (!others.empty()) {
            return fmt::format("a template in which {} is written out", fmt::join(others, ", "));
        }
        return fmt::format("{}", fmt::join(settings, " and "));
    }

    static std::string listed(const std::vector<std::string>& missing) {
        return fmt::format("{}", fmt::join(missing, ", "));
    }

    void read_cluster(const Node& resource, const Node& properties) {
        ClusterConfig cluster;
        cluster.location = reader_.at(resource);
        cluster.name = text(properties, "Name", resource).value_or("");
        if (const auto version = text(properties, "Version", resource)) {
            cluster.version = KubernetesVersion::parse(*version);
        }
        // eks-iam.md 5: without AccessConfig, CloudFormation creates a CONFIG_MAP cluster whose creator (the
        // stack's role or caller) is bootstrapped as admin.
        cluster.mode = AuthenticationMode::kConfigMap;
        cluster.bootstrap_creator_admin = true;
        if (const Node* access = properties.find("AccessConfig"); access != nullptr && access->is_mapping()) {
            if (const auto mode = text(*access, "AuthenticationMode", resource)) {
                Node converted = mapping_node(*access);
                put(converted, "authenticationMode", scalar_node(*access->find("AuthenticationMode"), *mode));
                read_access_config(converted, cluster, reader_);
            }
            if (const auto bootstrap = text(*access, "BootstrapClusterCreatorAdminPermissions", resource)) {
                cluster.bootstrap_creator_admin = ascii_lower(*bootstrap) == "true";
            }
        }
        count("AWS::EKS::Cluster");
        store_cluster(sink_.out, std::move(cluster));
    }

    // The principal ARN, or the label of one known only after deploy (the same for the entry's policies).
    std::optional<std::pair<std::string, bool>> principal(const Node& resource, const Node& properties) {
        const Node* value = properties.find("PrincipalArn");
        if (value == nullptr) {
            reader_.error(resource, "an access entry without PrincipalArn");
            return std::nullopt;
        }
        Resolved resolved = resolver_.string(*value);
        if (resolved.value) {
            return std::pair{*resolved.value, false};
        }
        reader_.warning(resource,
                        fmt::format("PrincipalArn is known only after deploy ({}): the entry's principal "
                                    "is unknown; pass {} if they decide it",
                                    listed(resolved.missing), hint(resolved.missing)));
        return std::pair{fmt::format("(known after deploy: {})", resolved.shown), true};
    }

    // An access policy is named by the end of its ARN, whatever the partition:
    // arn:${AWS::Partition}:eks::aws: cluster-access-policy/NAME names NAME.
    std::string policy_arn(const Node& policy) {
        const Node* value = policy.find("PolicyArn");
        if (value == nullptr) {
            return {};
        }
        const Resolved resolved = resolver_.string(*value);
        constexpr std::string_view kMarker = ":eks::aws:cluster-access-policy/";
        const std::size_t marker = resolved.shown.find(kMarker);
        if (!resolved.value && marker != std::string::npos &&
            resolved.shown.find("${", marker) == std::string::npos) {
            return resolved.shown;
        }
        return text(policy, "PolicyArn", policy).value_or("");
    }

    void read_access_entry(const Node& resource, const Node& properties) {
        const auto arn = principal(resource, properties);
        if (!arn) {
            return;
        }
        AccessEntry entry;
        entry.location = reader_.at(resource);
        entry.principal_arn = arn->first;
        entry.principal_unknown = arn->second;
        entry.type = text(properties, "Type", resource).value_or("STANDARD");
        entry.username = text(properties, "Username", resource);
        entry.kubernetes_groups = texts(properties, "KubernetesGroups", resource);
        if (!entry.principal_unknown) {
            check_principal(resource, "PrincipalArn", entry.principal_arn, reader_);
        }
        if (const Node* policies = properties.find("AccessPolicies");
            policies != nullptr && policies->is_sequence()) {
            for (const Node& policy : policies->children) {
                AccessPolicyAssociation association;
                association.principal_arn = entry.principal_arn;
                association.principal_unknown = entry.principal_unknown;
                association.location = reader_.at(policy);
                association.policy_arn = policy_arn(policy);
                const Node* scope = policy.find("AccessScope");
                if (association.policy_arn.empty() || scope == nullptr || !scope->is_mapping()) {
                    reader_.error(policy, "AccessPolicies items need PolicyArn and AccessScope");
                    continue;
                }
                Node converted = mapping_node(*scope);
                if (const auto type = text(*scope, "Type", *scope)) {
                    put(converted, "type", scalar_node(*scope->find("Type"), *type));
                }
                const std::vector<std::string> namespaces = texts(*scope, "Namespaces", *scope);
                if (!namespaces.empty()) {
                    Node list = sequence_node(*scope);
                    for (const std::string& ns : namespaces) {
                        list.children.push_back(scalar_node(*scope, ns));
                    }
                    put(converted, "namespaces", std::move(list));
                }
                if (read_access_scope(converted, association.scope, reader_)) {
                    sink_.out.access_policies.push_back(std::move(association));
                }
            }
        }
        count("AWS::EKS::AccessEntry");
        sink_.out.access_entries.push_back(std::move(entry));
    }

    void read_pod_identity(const Node& resource, const Node& properties) {
        PodIdentityAssociation association;
        association.location = reader_.at(resource);
        association.ns = text(properties, "Namespace", resource).value_or("");
        association.service_account = text(properties, "ServiceAccount", resource).value_or("");
        if (association.ns.empty() || association.service_account.empty()) {
            return;
        }
        if (const Node* role = properties.find("RoleArn")) {
            Resolved resolved = resolver_.string(*role);
            if (resolved.value) {
                association.role_arn = *resolved.value;
            } else {
                association.role_unknown = fmt::format("known only after deploy ({})", resolved.shown);
            }
        }
        if (const Node* target = properties.find("TargetRoleArn")) {
            association.target_role_arn = resolver_.string(*target).value.value_or("");
        }
        count("AWS::EKS::PodIdentityAssociation");
        sink_.out.pod_identity_associations.push_back(std::move(association));
    }

    // AWS::EKS::IdentityProviderConfig { ClusterName, IdentityProviderConfigName, Type: OIDC,
    // OidcIdentityProviderConfig { ClientId, IssuerUrl, UsernameClaim, UsernamePrefix, GroupsClaim,
    // GroupsPrefix, RequiredClaims: [{Key, Value}] } }: the values resolved as the template allows, in the
    // EKS API's names.
    void read_identity_provider(const Node& resource, const Node& properties) {
        const Node* oidc = properties.find("OidcIdentityProviderConfig");
        if (oidc == nullptr || !oidc->is_mapping()) {
            reader_.error(resource, "an identity provider configuration without OidcIdentityProviderConfig");
            return;
        }
        Node converted = mapping_node(resource);
        std::vector<std::string> unknown;
        const auto convert = [&](const Node& from, std::string_view key, std::string as) {
            const Node* value = from.find(key);
            if (value == nullptr || value->is_null()) {
                return;
            }
            Resolved resolved = resolver_.string(*value);
            if (resolved.value) {
                put(converted, std::move(as), scalar_node(*value, *resolved.value));
            } else {
                unknown.emplace_back(key);
            }
        };
        convert(properties, "IdentityProviderConfigName", "identityProviderConfigName");
        if (converted.find("identityProviderConfigName") == nullptr) {
            put(converted, "identityProviderConfigName", scalar_node(resource, reader_.object()));
        }
        convert(*oidc, "IssuerUrl", "issuerUrl");
        convert(*oidc, "ClientId", "clientId");
        convert(*oidc, "UsernameClaim", "usernameClaim");
        convert(*oidc, "UsernamePrefix", "usernamePrefix");
        convert(*oidc, "GroupsClaim", "groupsClaim");
        convert(*oidc, "GroupsPrefix", "groupsPrefix");
        if (const Node* claims = oidc->find("RequiredClaims")) {
            put(converted, "requiredClaims", *claims);
        }
        if (converted.find("issuerUrl") == nullptr) {
            put(converted, "issuerUrl", scalar_node(resource, "(known only after deploy)"));
        }
        read_oidc_provider(converted, kEksApiOidcFields, sink_, reader_, std::move(unknown));
        count("AWS::EKS::IdentityProviderConfig");
    }

    // CDK's KubernetesResource: Manifest is a JSON array of objects (aws-auth among them), often an Fn::Join
    // around role ARNs; what is unknown in it is left as ${...}, and an aws-auth key holding such a value is
    // a key known only after deploy.
    void read_cdk_manifest(const Node& resource, const Node& properties) {
        const Node* manifest = properties.find("Manifest");
        if (manifest == nullptr) {
            return;
        }
        const Resolved resolved = resolver_.string(*manifest);
        const std::string text = resolved.value.value_or(resolved.shown);
        ParsedFile parsed = parse_json(text, sink_.file.str(), sink_.options.limits);
        if (!parsed.diagnostics.empty() || parsed.documents.empty()) {
            reader_.error(resource,
                          "Manifest is not a JSON list of Kubernetes objects once its values are "
                          "resolved; it is not read");
            return;
        }
        count("Custom::AWSCDK-EKS-KubernetesResource");
        bool unknown_noted = false;
        for (Node& document : parsed.documents) {
            place_at(document, resource);
            std::vector<Node*> objects;
            if (document.is_sequence()) {
                for (Node& item : document.children) {
                    objects.push_back(&item);
                }
            } else {
                objects.push_back(&document);
            }
            for (Node* object : objects) {
                std::vector<std::string> unknown_keys;
                const auto data = std::find(object->keys.begin(), object->keys.end(), "data");
                if (!resolved.value && is_aws_auth(*object) && data != object->keys.end()) {
                    Node& values = object->children[static_cast<std::size_t>(data - object->keys.begin())];
                    for (std::size_t k = 0; k < values.keys.size(); ++k) {
                        if (values.children[k].text.find("${") != std::string::npos) {
                            unknown_keys.push_back(values.keys[k]);
                            values.children[k].text = "[]";
                        }
                    }
                } else if (!resolved.value && !unknown_noted) {
                    unknown_noted = true;
                    reader_.warning(resource,
                                    fmt::format("the manifest holds values known only after deploy ({}), "
                                                "read as the text ${{...}}",
                                                listed(resolved.missing)));
                }
                interpret_kubernetes_object(*object, sink_, 0);
                if (!unknown_keys.empty() && sink_.out.aws_auth) {
                    sink_.out.aws_auth->unknown_keys = unknown_keys;
                    reader_.warning(resource,
                                    fmt::format("aws-auth {} holds values known only after deploy ({}): "
                                                "an ARN it may map is undetermined",
                                                unknown_keys.front(), listed(resolved.missing)));
                }
            }
        }
    }

    static bool is_aws_auth(const Node& object) {
        const Node* kind = object.find("kind");
        return kind != nullptr && kind->text == "ConfigMap" && names_aws_auth(object.find("metadata"));
    }

    void count(const std::string& type) { count_used(sink_, type + " (CloudFormation)"); }

    const Node& root_;
    const Sink& sink_;
    FieldReader reader_;
    Resolver resolver_;
};

}  // namespace

bool is_cloudformation_template(const Node& document) {
    if (!document.is_mapping()) {
        return false;
    }
    const Node* resources = document.find("Resources");
    if (resources == nullptr || !resources->is_mapping()) {
        return false;
    }
    if (document.find("AWSTemplateFormatVersion") != nullptr) {
        return true;
    }
    return std::any_of(resources->children.begin(), resources->children.end(), [](const Node& resource) {
        const Node* type = resource.is_mapping() ? resource.find("Type") : nullptr;
        return type != nullptr && (type->text.starts_with("AWS::") || type->text.starts_with("Custom::"));
    });
}

void read_cloudformation_template(const Node& document, const Sink& sink) {
    // Short-form tags are CloudFormation's only: in a template they are its functions.
    const Node expanded = expand_intrinsics(document);
    TemplateReader(expanded, sink).read();
}

}  // namespace rbacgraph::load
