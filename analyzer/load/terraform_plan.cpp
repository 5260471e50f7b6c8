// Terraform's JSON plan (`terraform show -json PLANFILE`) and state (`terraform show -json`): the cluster
// access its resources define, read into the same model as the AWS CLI outputs and Kubernetes objects.
//
// Format: developer.hashicorp.com/terraform/internals/json-format ("planned_values" and "values" hold a
// root_module with resources and child_modules; "resource_changes" carry after_unknown, which marks values
// known only after apply; "configuration" holds each attribute's expression with its references).
// Resources: hashicorp/terraform-provider-aws (eks_cluster, eks_access_entry, eks_access_policy_association,
// eks_pod_identity_association) and hashicorp/terraform-provider-kubernetes (kubernetes_* and *_v1, whose
// blocks are lists of one mapping).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <span>

#include "load/interpret.hpp"

namespace rbacgraph::load {
namespace {

// --- after_unknown -----------------------------------------------------------------------------------------

bool is_true(const Node& node) {
    return node.type == NodeType::kScalar && node.scalar_value() == ScalarValue::kBool && node.text == "true";
}

bool any_unknown(const Node& node) {
    return is_true(node) || std::any_of(node.children.begin(), node.children.end(), any_unknown);
}

// Whether after_unknown marks the value at `path` (or anything under it) unknown. Lists are transparent:
// Terraform writes blocks as lists, so "metadata", "name" asks every metadata block.
bool unknown_at(const Node* after_unknown, std::span<const std::string_view> path) {
    if (after_unknown == nullptr) {
        return false;
    }
    if (is_true(*after_unknown)) {
        return true;
    }
    if (path.empty()) {
        return any_unknown(*after_unknown);
    }
    if (after_unknown->is_sequence()) {
        return std::any_of(after_unknown->children.begin(), after_unknown->children.end(),
                           [&](const Node& item) { return unknown_at(&item, path); });
    }
    if (after_unknown->is_mapping()) {
        return unknown_at(after_unknown->find(path.front()), path.subspan(1));
    }
    return false;
}

bool unknown_at(const Node* after_unknown, std::initializer_list<std::string_view> path) {
    return unknown_at(after_unknown, std::span<const std::string_view>(path.begin(), path.size()));
}

// --- building Kubernetes objects out of provider blocks --------------------------------------------------

// Copies `from.key` (when present and not null) into `to` as `as`.
void copy_field(const Node& from, std::string_view key, Node& to, std::string as) {
    if (const Node* value = from.find(key); value != nullptr && !value->is_null()) {
        put(to, std::move(as), *value);
    }
}

// A block the provider writes as a list of one mapping (or, in some versions, as the mapping).
const Node* single_block(const Node& values, std::string_view key) {
    const Node* block = values.find(key);
    if (block != nullptr && block->is_sequence()) {
        block = block->children.empty() ? nullptr : &block->children.front();
    }
    return block != nullptr && block->is_mapping() ? block : nullptr;
}

// metadata { name, namespace, labels, annotations }; the provider writes "" for an unset namespace.
Node metadata_of(const Node& values, const Node& at) {
    Node metadata = mapping_node(at);
    if (const Node* block = single_block(values, "metadata")) {
        metadata.line = block->line;
        metadata.column = block->column;
        copy_field(*block, "name", metadata, "name");
        if (const Node* ns = block->find("namespace"); ns != nullptr && !ns->text.empty()) {
            put(metadata, "namespace", *ns);
        }
        copy_field(*block, "labels", metadata, "labels");
        copy_field(*block, "annotations", metadata, "annotations");
    }
    return metadata;
}

Node rules_of(const Node& values, const Node& at) {
    Node rules = sequence_node(at);
    if (const Node* blocks = values.find("rule"); blocks != nullptr && blocks->is_sequence()) {
        for (const Node& block : blocks->children) {
            Node rule = mapping_node(block);
            copy_field(block, "api_groups", rule, "apiGroups");
            copy_field(block, "resources", rule, "resources");
            copy_field(block, "resource_names", rule, "resourceNames");
            copy_field(block, "verbs", rule, "verbs");
            copy_field(block, "non_resource_urls", rule, "nonResourceURLs");
            rules.children.push_back(std::move(rule));
        }
    }
    return rules;
}

// aggregation_rule { cluster_role_selectors { match_labels, match_expressions { key, operator, values } } }
std::optional<Node> aggregation_of(const Node& values) {
    const Node* block = single_block(values, "aggregation_rule");
    if (block == nullptr) {
        return std::nullopt;
    }
    Node aggregation = mapping_node(*block);
    Node selectors = sequence_node(*block);
    if (const Node* list = block->find("cluster_role_selectors"); list != nullptr && list->is_sequence()) {
        for (const Node& item : list->children) {
            Node selector = mapping_node(item);
            copy_field(item, "match_labels", selector, "matchLabels");
            if (const Node* expressions = item.find("match_expressions");
                expressions != nullptr && expressions->is_sequence()) {
                Node converted = sequence_node(*expressions);
                for (const Node& expression : expressions->children) {
                    Node requirement = mapping_node(expression);
                    copy_field(expression, "key", requirement, "key");
                    copy_field(expression, "operator", requirement, "operator");
                    copy_field(expression, "values", requirement, "values");
                    converted.children.push_back(std::move(requirement));
                }
                put(selector, "matchExpressions", std::move(converted));
            }
            selectors.children.push_back(std::move(selector));
        }
    }
    put(aggregation, "clusterRoleSelectors", std::move(selectors));
    return aggregation;
}

Node object_of(std::string_view api_version, std::string_view kind, const Node& values, const Node& at) {
    Node object = mapping_node(at);
    put(object, "apiVersion", scalar_node(at, std::string(api_version)));
    put(object, "kind", scalar_node(at, std::string(kind)));
    put(object, "metadata", metadata_of(values, at));
    return object;
}

// The Kubernetes object a kubernetes_* resource stands for; nullopt for other types.
std::optional<Node> kubernetes_object(std::string_view type, const Node& values, const Node& at) {
    constexpr std::string_view kRbac = "rbac.authorization.k8s.io/v1";
    std::string_view base = type;
    if (base.ends_with("_v1")) {
        base.remove_suffix(3);
    }
    if (base == "kubernetes_cluster_role" || base == "kubernetes_role") {
        Node object = object_of(kRbac, base == "kubernetes_role" ? "Role" : "ClusterRole", values, at);
        put(object, "rules", rules_of(values, at));
        if (auto aggregation = aggregation_of(values)) {
            put(object, "aggregationRule", std::move(*aggregation));
        }
        return object;
    }
    if (base == "kubernetes_cluster_role_binding" || base == "kubernetes_role_binding") {
        Node object = object_of(
            kRbac, base == "kubernetes_role_binding" ? "RoleBinding" : "ClusterRoleBinding", values, at);
        if (const Node* role_ref = single_block(values, "role_ref")) {
            Node ref = mapping_node(*role_ref);
            copy_field(*role_ref, "api_group", ref, "apiGroup");
            copy_field(*role_ref, "kind", ref, "kind");
            copy_field(*role_ref, "name", ref, "name");
            put(object, "roleRef", std::move(ref));
        }
        Node subjects = sequence_node(at);
        if (const Node* list = values.find("subject"); list != nullptr && list->is_sequence()) {
            for (const Node& item : list->children) {
                Node subject = mapping_node(item);
                copy_field(item, "kind", subject, "kind");
                copy_field(item, "name", subject, "name");
                if (const Node* ns = item.find("namespace"); ns != nullptr && !ns->text.empty()) {
                    put(subject, "namespace", *ns);
                }
                if (const Node* group = item.find("api_group"); group != nullptr && !group->text.empty()) {
                    put(subject, "apiGroup", *group);
                }
                subjects.children.push_back(std::move(subject));
            }
        }
        put(object, "subjects", std::move(subjects));
        return object;
    }
    if (base == "kubernetes_service_account") {
        return object_of("v1", "ServiceAccount", values, at);
    }
    if (base == "kubernetes_config_map" || type == "kubernetes_config_map_v1_data") {
        Node object = object_of("v1", "ConfigMap", values, at);
        copy_field(values, "data", object, "data");
        return object;
    }
    return std::nullopt;
}

// --- configuration references: naming a value known only after apply -------------------------------------

struct Resource {
    const Node* values = nullptr;  ///< "values" of the resource (null when the plan has none)
    const Node* node = nullptr;    ///< the resource object, for its location
    std::string address;           ///< module.eks.aws_eks_access_entry.this["dev"]
    std::string module_address;    ///< module.eks ("" at the root)
    std::string type;
    std::string name;
    const Node* index = nullptr;  ///< count or for_each key, if any
    const Node* after_unknown = nullptr;
};

std::string strip_instance_keys(std::string_view address) {
    std::string out;
    int depth = 0;
    for (const char c : address) {
        if (c == '[') {
            ++depth;
        } else if (c == ']') {
            --depth;
        } else if (depth == 0) {
            out += c;
        }
    }
    return out;
}

class Configuration {
  public:
    explicit Configuration(const Node& document) : root_(nullptr) {
        if (const Node* configuration = document.find("configuration")) {
            root_ = configuration->find("root_module");
        }
    }

    // The first reference of an attribute's expression, with [each.key] and [count.index] replaced by the
    // instance's key; nullopt when the configuration does not make it one exact value.
    std::optional<std::string> reference(const Resource& resource, std::string_view attribute,
                                         int depth = 0) const {
        const Node* module = module_of(resource.module_address);
        const Node* resources = module == nullptr ? nullptr : module->find("resources");
        if (resources == nullptr || depth > 2) {
            return std::nullopt;
        }
        const std::string address = resource.type + "." + resource.name;
        for (const Node& item : resources->children) {
            const Node* item_address = item.find("address");
            if (item_address == nullptr || item_address->text != address) {
                continue;
            }
            const Node* expressions = item.find("expressions");
            const Node* expression = expressions == nullptr ? nullptr : expressions->find(attribute);
            const Node* references = expression == nullptr ? nullptr : expression->find("references");
            if (references == nullptr || !references->is_sequence() || references->children.empty()) {
                return std::nullopt;
            }
            std::string text = references->children.front().text;
            if (resource.index != nullptr) {
                const std::string key = resource.index->style == ScalarStyle::kJsonNumber
                                            ? resource.index->text
                                            : fmt::format("\"{}\"", resource.index->text);
                for (const std::string_view pattern : {"[each.key]", "[count.index]"}) {
                    for (std::size_t at = text.find(pattern); at != std::string::npos;
                         at = text.find(pattern)) {
                        text.replace(at, pattern.size(), "[" + key + "]");
                    }
                }
            }
            if (text.find("each.") != std::string::npos || text.find("count.") != std::string::npos ||
                text.find("var.") == 0 || text.find("local.") == 0) {
                return std::nullopt;
            }
            // An association naming its entry's principal_arn has the entry's principal.
            constexpr std::string_view kEntry = "aws_eks_access_entry.";
            constexpr std::string_view kPrincipal = ".principal_arn";
            if (text.starts_with(kEntry) && text.ends_with(kPrincipal)) {
                Resource entry = resource;
                const std::string target = text.substr(0, text.size() - kPrincipal.size());
                const std::size_t bracket = target.find('[');
                entry.type = "aws_eks_access_entry";
                entry.name =
                    target.substr(kEntry.size(),
                                  bracket == std::string::npos ? std::string::npos : bracket - kEntry.size());
                entry.index = nullptr;
                if (bracket == std::string::npos || target.find("each.") == std::string::npos) {
                    if (auto inner = reference(entry, "principal_arn", depth + 1)) {
                        return inner;
                    }
                }
            }
            return resource.module_address.empty() ? text : resource.module_address + "." + text;
        }
        return std::nullopt;
    }

  private:
    const Node* module_of(const std::string& module_address) const {
        const Node* module = root_;
        std::string_view rest = module_address;
        const std::string stripped = strip_instance_keys(rest);
        rest = stripped;
        while (module != nullptr && !rest.empty()) {
            // "module.NAME" segments
            if (!rest.starts_with("module.")) {
                return nullptr;
            }
            rest.remove_prefix(7);
            const std::size_t dot = rest.find(".module.");
            const std::string_view name = rest.substr(0, dot);
            rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
            const Node* calls = module->find("module_calls");
            const Node* call = calls == nullptr ? nullptr : calls->find(name);
            module = call == nullptr ? nullptr : call->find("module");
        }
        return module;
    }

    const Node* root_;
};

// --- the reader --------------------------------------------------------------------------------------------

class PlanReader {
  public:
    PlanReader(const Node& document, const Sink& sink)
        : document_(document),
          sink_(sink),
          reader_(sink.file, "Terraform plan", sink.out.diagnostics),
          configuration_(document) {
        if (const Node* changes = document.find("resource_changes");
            changes != nullptr && changes->is_sequence()) {
            for (const Node& change : changes->children) {
                const Node* address = change.find("address");
                const Node* body = change.find("change");
                if (address != nullptr && body != nullptr) {
                    after_unknown_[address->text] = body->find("after_unknown");
                    const Node* actions = body->find("actions");
                    if (actions != nullptr && actions->is_sequence() &&
                        std::any_of(actions->children.begin(), actions->children.end(),
                                    [](const Node& action) { return action.text == "create"; })) {
                        created_.insert(address->text);
                    }
                }
            }
        }
    }

    void read() {
        const Node* values = document_.find("planned_values");
        if (values == nullptr) {
            values = document_.find("values");  // the JSON of a state
        }
        const Node* root = values == nullptr ? nullptr : values->find("root_module");
        if (root == nullptr) {
            reader_.warning(document_,
                            "a Terraform plan without planned_values.root_module: it plans no resources, so "
                            "it defines no access");
            ++sink_.out.summary.skipped_by_kind["Terraform plan without resources"];
            return;
        }
        read_module(*root, 0);
    }

  private:
    void read_module(const Node& module, int depth) {
        if (depth > 32) {
            reader_.error(module, "child_modules nested more than 32 deep; the rest is not read");
            return;
        }
        if (const Node* resources = module.find("resources");
            resources != nullptr && resources->is_sequence()) {
            for (const Node& resource : resources->children) {
                read_resource(resource);
            }
        }
        if (const Node* children = module.find("child_modules");
            children != nullptr && children->is_sequence()) {
            for (const Node& child : children->children) {
                read_module(child, depth + 1);
            }
        }
    }

    void read_resource(const Node& node) {
        Resource resource;
        resource.node = &node;
        const Node* mode = node.find("mode");
        if (!node.is_mapping() || (mode != nullptr && mode->text != "managed")) {
            return;  // data sources define nothing
        }
        const auto text = [&](std::string_view key) {
            const Node* value = node.find(key);
            return value == nullptr ? std::string() : value->text;
        };
        resource.address = text("address");
        resource.type = text("type");
        resource.name = text("name");
        resource.index = node.find("index");
        resource.values = node.find("values");
        const std::string suffix = resource.type + "." + resource.name;
        if (const std::size_t at = resource.address.rfind("." + suffix);
            at != std::string::npos && resource.address.starts_with("module.")) {
            resource.module_address = resource.address.substr(0, at);
        }
        if (const auto found = after_unknown_.find(resource.address); found != after_unknown_.end()) {
            resource.after_unknown = found->second;
        }
        if (resource.values == nullptr || !resource.values->is_mapping()) {
            return;
        }
        reader_.set_object(resource.address);
        const std::string& type = resource.type;
        if (type == "aws_eks_cluster") {
            read_cluster(resource);
        } else if (type == "aws_eks_access_entry") {
            read_access_entry(resource);
        } else if (type == "aws_eks_access_policy_association") {
            read_policy_association(resource);
        } else if (type == "aws_eks_pod_identity_association") {
            read_pod_identity(resource);
        } else if (type == "aws_eks_identity_provider_config") {
            read_identity_provider(resource);
        } else if (type == "kubectl_manifest") {
            read_kubectl_manifest(resource);
        } else if (type == "kubernetes_manifest") {
            read_kubernetes_manifest(resource);
        } else if (type.starts_with("kubernetes_")) {
            read_kubernetes_resource(resource);
        }
    }

    std::optional<std::string> string_value(const Resource& resource, std::string_view key) {
        const Node* value = resource.values->find(key);
        if (value == nullptr || value->is_null()) {
            return std::nullopt;
        }
        if (value->type != NodeType::kScalar) {
            reader_.error(*value, fmt::format("'{}' must be a string, found {}", key, value->describe()));
            return std::nullopt;
        }
        return value->text;
    }

    // A principal ARN, or the label of one known only after apply.
    std::optional<std::string> principal(const Resource& resource, bool& unknown) {
        unknown = unknown_at(resource.after_unknown, {"principal_arn"});
        if (!unknown) {
            return string_value(resource, "principal_arn");
        }
        const auto reference = configuration_.reference(resource, "principal_arn");
        return fmt::format("(known after apply: {})",
                           reference ? *reference : resource.address + ".principal_arn");
    }

    void read_cluster(const Resource& resource) {
        ClusterConfig cluster;
        cluster.location = reader_.at(*resource.node);
        cluster.name = string_value(resource, "name").value_or("");
        cluster.arn = string_value(resource, "arn").value_or("");
        cluster.role_arn = string_value(resource, "role_arn").value_or("");
        if (const auto version = string_value(resource, "version")) {
            cluster.version = KubernetesVersion::parse(*version);
        }
        if (const Node* access = single_block(*resource.values, "access_config")) {
            if (const auto mode = reader_.string(*access, "authentication_mode", false)) {
                Node converted = mapping_node(*access);
                put(converted, "authenticationMode",
                    scalar_node(*access->find("authentication_mode"), *mode));
                read_access_config(converted, cluster, reader_);
            }
            cluster.bootstrap_creator_admin =
                read_bool(*access, "bootstrap_cluster_creator_admin_permissions", reader_);
        }
        if (unknown_at(resource.after_unknown, {"access_config", "authentication_mode"})) {
            reader_.warning(*resource.node,
                            "authentication_mode is known only after apply; set it in the configuration so "
                            "that answers do not read the cluster as CONFIG_MAP");
        } else if (cluster.mode == AuthenticationMode::kUnknown && created_.contains(resource.address)) {
            // eks-iam.md 5: CreateCluster without accessConfig makes a CONFIG_MAP cluster whose creator is
            // bootstrapped as admin (the API's defaults, which the provider passes on).
            cluster.mode = AuthenticationMode::kConfigMap;
            cluster.bootstrap_creator_admin = cluster.bootstrap_creator_admin.value_or(true);
        }
        if (const Node* identity = single_block(*resource.values, "identity")) {
            if (const Node* oidc = single_block(*identity, "oidc")) {
                cluster.oidc_issuer = reader_.string(*oidc, "issuer", false).value_or("");
            }
        }
        if (const Node* compute = single_block(*resource.values, "compute_config")) {
            cluster.auto_mode = read_bool(*compute, "enabled", reader_).value_or(false);
            cluster.node_role_arn = reader_.string(*compute, "node_role_arn", false).value_or("");
        }
        count("aws_eks_cluster");
        store_cluster(sink_.out, std::move(cluster));
    }

    void read_access_entry(const Resource& resource) {
        AccessEntry entry;
        entry.location = reader_.at(*resource.node);
        bool unknown = false;
        const auto arn = principal(resource, unknown);
        if (!arn) {
            reader_.error(*resource.node, "an access entry without principal_arn");
            return;
        }
        entry.principal_arn = *arn;
        entry.principal_unknown = unknown;
        entry.type = string_value(resource, "type").value_or("STANDARD");
        // user_name and kubernetes_groups are computed: unknown when the configuration leaves them to EKS,
        // whose defaults then apply.
        if (!unknown_at(resource.after_unknown, {"user_name"})) {
            entry.username = string_value(resource, "user_name");
        }
        if (!unknown_at(resource.after_unknown, {"kubernetes_groups"})) {
            entry.kubernetes_groups = reader_.strings(*resource.values, "kubernetes_groups");
        }
        if (!unknown) {
            check_principal(*resource.node, "principal_arn", entry.principal_arn, reader_);
        }
        count("aws_eks_access_entry");
        sink_.out.access_entries.push_back(std::move(entry));
    }

    void read_policy_association(const Resource& resource) {
        AccessPolicyAssociation association;
        association.location = reader_.at(*resource.node);
        bool unknown = false;
        const auto arn = principal(resource, unknown);
        association.policy_arn = string_value(resource, "policy_arn").value_or("");
        const Node* scope = single_block(*resource.values, "access_scope");
        if (!arn || association.policy_arn.empty() || scope == nullptr) {
            reader_.error(*resource.node,
                          "an access policy association needs principal_arn, policy_arn and access_scope");
            return;
        }
        if (unknown_at(resource.after_unknown, {"policy_arn"}) ||
            unknown_at(resource.after_unknown, {"access_scope"})) {
            reader_.error(*resource.node,
                          "the policy or scope of this association is known only after apply; it is not "
                          "evaluated");
            return;
        }
        association.principal_arn = *arn;
        association.principal_unknown = unknown;
        Node converted = mapping_node(*scope);
        copy_field(*scope, "type", converted, "type");
        copy_field(*scope, "namespaces", converted, "namespaces");
        if (!read_access_scope(converted, association.scope, reader_)) {
            return;
        }
        count("aws_eks_access_policy_association");
        sink_.out.access_policies.push_back(std::move(association));
    }

    void read_pod_identity(const Resource& resource) {
        PodIdentityAssociation association;
        association.location = reader_.at(*resource.node);
        association.ns = string_value(resource, "namespace").value_or("");
        association.service_account = string_value(resource, "service_account").value_or("");
        if (association.ns.empty() || association.service_account.empty()) {
            reader_.error(*resource.node, "a Pod Identity association needs namespace and service_account");
            return;
        }
        if (unknown_at(resource.after_unknown, {"role_arn"})) {
            const auto reference = configuration_.reference(resource, "role_arn");
            association.role_unknown = fmt::format("known only after apply ({})",
                                                   reference ? *reference : resource.address + ".role_arn");
        } else {
            association.role_arn = string_value(resource, "role_arn");
        }
        if (!unknown_at(resource.after_unknown, {"target_role_arn"})) {
            association.target_role_arn = string_value(resource, "target_role_arn").value_or("");
        }
        association.association_arn = string_value(resource, "association_arn").value_or("");
        count("aws_eks_pod_identity_association");
        sink_.out.pod_identity_associations.push_back(std::move(association));
    }

    // aws_eks_identity_provider_config { cluster_name, oidc { identity_provider_config_name, issuer_url,
    // client_id, username_claim, username_prefix, groups_claim, groups_prefix, required_claims } }.
    void read_identity_provider(const Resource& resource) {
        const Node* oidc = single_block(*resource.values, "oidc");
        if (oidc == nullptr) {
            reader_.error(*resource.node, "an identity provider configuration without its oidc block");
            return;
        }
        static constexpr OidcFieldNames kTerraform{"identity_provider_config_name",
                                                   "issuer_url",
                                                   "client_id",
                                                   "username_claim",
                                                   "username_prefix",
                                                   "groups_claim",
                                                   "groups_prefix",
                                                   "required_claims",
                                                   "status"};
        std::vector<std::string> unknown;
        for (const std::string_view field :
             {"username_claim", "username_prefix", "groups_claim", "groups_prefix", "required_claims"}) {
            if (unknown_at(resource.after_unknown, {"oidc", field})) {
                unknown.emplace_back(field);
            }
        }
        read_oidc_provider(*oidc, kTerraform, sink_, reader_, std::move(unknown));
        count("aws_eks_identity_provider_config");
    }

    // The attributes of a kubernetes_* resource that decide access: unknown ones leave it unread.
    bool decided(const Resource& resource) {
        static constexpr std::array<std::array<std::string_view, 2>, 9> kPaths{{{"metadata", "name"},
                                                                                {"metadata", "namespace"},
                                                                                {"metadata", "labels"},
                                                                                {"metadata", "annotations"},
                                                                                {"rule", ""},
                                                                                {"aggregation_rule", ""},
                                                                                {"role_ref", ""},
                                                                                {"subject", ""},
                                                                                {"data", ""}}};
        const bool service_account = resource.type.starts_with("kubernetes_service_account");
        for (const auto& path : kPaths) {
            const std::size_t size = path[1].empty() ? 1 : 2;
            if (unknown_at(resource.after_unknown, std::span<const std::string_view>(path.data(), size))) {
                if (path[0] == "data") {
                    continue;  // aws-auth is read key by key
                }
                if (service_account && path[1] == "annotations") {
                    // Typically eks.amazonaws.com/role-arn of a role the plan creates: which AWS role the
                    // pods get is unknown, what they can do in the cluster is not.
                    reader_.warning(*resource.node,
                                    "metadata.annotations is known only after apply: an IRSA role the plan "
                                    "creates is not evaluated");
                    continue;
                }
                reader_.error(
                    *resource.node,
                    fmt::format("{}{}{} is known only after apply, so what this resource grants is not "
                                "evaluated",
                                path[0], path[1].empty() ? "" : ".", path[1]));
                return false;
            }
        }
        return true;
    }

    static bool aws_auth_data(const Resource& resource) {
        return names_aws_auth(single_block(*resource.values, "metadata"));
    }

    void read_kubernetes_resource(const Resource& resource) {
        auto object = kubernetes_object(resource.type, *resource.values, *resource.node);
        if (!object) {
            return;
        }
        if (resource.type.find("config_map") != std::string::npos && !aws_auth_data(resource)) {
            ++sink_.out.summary.skipped_by_kind["ConfigMap"];  // only aws-auth defines access
            return;
        }
        if (!decided(resource)) {
            ++sink_.out.summary.rejected;
            return;
        }
        const bool aws_auth =
            resource.type.find("config_map") != std::string::npos && aws_auth_data(resource);
        std::vector<std::string> unknown_keys;
        if (aws_auth) {
            for (const std::string_view key : {"mapRoles", "mapUsers", "mapAccounts"}) {
                if (unknown_at(resource.after_unknown, {"data", key})) {
                    unknown_keys.emplace_back(key);
                }
            }
        }
        interpret_kubernetes_object(*object, sink_, 0);
        if (aws_auth && sink_.out.aws_auth &&
            sink_.out.aws_auth->location.same_place(reader_.at(*resource.node))) {
            AwsAuth& stored = *sink_.out.aws_auth;
            stored.unknown_keys = std::move(unknown_keys);
            if (!stored.unknown_keys.empty()) {
                reader_.warning(
                    *resource.node,
                    fmt::format("aws-auth {} known only after apply: an ARN {} may map is "
                                "undetermined",
                                join(stored.unknown_keys), stored.unknown_keys.size() == 1 ? "it" : "they"));
            }
        }
    }

    static std::string join(const std::vector<std::string>& items) {
        std::string out;
        for (const std::string& item : items) {
            out += out.empty() ? "" : (&item == &items.back() ? " and " : ", ");
            out += item;
        }
        return out + (items.size() == 1 ? " is" : " are");
    }

    void read_kubernetes_manifest(const Resource& resource) {
        if (unknown_at(resource.after_unknown, {"manifest"})) {
            reader_.error(*resource.node, "manifest is known only after apply; it is not evaluated");
            return;
        }
        const Node* manifest = resource.values->find("manifest");
        if (manifest == nullptr || !manifest->is_mapping()) {
            return;
        }
        interpret_kubernetes_object(*manifest, sink_, 0);
    }

    // kubectl_manifest (gavinbunney/kubectl, alekc/kubectl): yaml_body is the object as YAML text. Its nodes
    // are placed at the resource, since their lines count from the start of the string.
    void read_kubectl_manifest(const Resource& resource) {
        if (unknown_at(resource.after_unknown, {"yaml_body"})) {
            reader_.error(*resource.node, "yaml_body is known only after apply; it is not evaluated");
            return;
        }
        const auto body = string_value(resource, "yaml_body");
        if (!body) {
            return;
        }
        // The JSON reader places a string at its end; the resource's own line is where a reviewer looks.
        const Node& at = *resource.node;
        ParsedFile parsed = parse_yaml(*body, sink_.file.str(), sink_.options.limits);
        for (Diagnostic& diagnostic : parsed.diagnostics) {
            diagnostic.location = reader_.at(at);
            diagnostic.object = resource.address + " yaml_body";
            sink_.out.diagnostics.push_back(std::move(diagnostic));
        }
        for (Node& document : parsed.documents) {
            place_at(document, at);
            if (document.is_null()) {
                continue;
            }
            interpret_document(document, sink_);
        }
    }

    void count(const std::string& type) { count_used(sink_, type + " (Terraform)"); }

    const Node& document_;
    const Sink& sink_;
    FieldReader reader_;
    Configuration configuration_;
    std::map<std::string, const Node*> after_unknown_;
    std::set<std::string> created_;  ///< addresses the plan creates (or replaces)
};

}  // namespace

bool is_terraform_plan(const Node& document) {
    return document.is_mapping() && document.find("format_version") != nullptr &&
           (document.find("planned_values") != nullptr || document.find("resource_changes") != nullptr ||
            (document.find("values") != nullptr && document.find("terraform_version") != nullptr));
}

void read_terraform_plan(const Node& document, const Sink& sink) {
    PlanReader(document, sink).read();
}

}  // namespace rbacgraph::load
