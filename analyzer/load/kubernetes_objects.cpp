#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "load/interpret.hpp"
#include "rbacgraph/arn.hpp"

namespace rbacgraph::load {
namespace {

constexpr std::string_view kRbacGroup = "rbac.authorization.k8s.io";
constexpr int kMaxListNesting = 8;

std::string_view api_group_of(std::string_view api_version) {
    const std::size_t slash = api_version.find('/');
    return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

struct Metadata {
    std::string name;
    std::string ns;
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> annotations;
};

// Reads metadata; namespaced kinds need a namespace (from the object or the default namespace setting).
std::optional<Metadata> read_metadata(const Node& object, std::string_view kind, bool namespaced,
                                      const Sink& sink, FieldReader& reader) {
    const Node* metadata = reader.mapping(object, "metadata", true);
    if (metadata == nullptr) {
        return std::nullopt;
    }
    Metadata out;
    out.name = reader.string(*metadata, "name", true).value_or("");
    out.ns = reader.string(*metadata, "namespace", false).value_or("");
    const std::string shown = out.name.empty() ? "<no name>" : out.name;
    reader.set_object(namespaced && !out.ns.empty() ? fmt::format("{} {}/{}", kind, out.ns, shown)
                                                    : fmt::format("{} {}", kind, shown));
    out.labels = reader.string_map(*metadata, "labels");
    out.annotations = reader.string_map(*metadata, "annotations");
    if (reader.failed()) {
        return std::nullopt;  // a field of the wrong type; do not pile "missing" errors on top
    }
    if (out.name.empty()) {
        reader.error(*metadata, "metadata.name is empty");
    }
    if (namespaced && out.ns.empty()) {
        if (sink.options.default_namespace.empty()) {
            reader.error(*metadata,
                         fmt::format("{} has no metadata.namespace; pass {} to say where it is applied", kind,
                                     sink.options.default_namespace_setting));
        } else {
            out.ns = sink.options.default_namespace;
        }
    }
    if (!namespaced && !out.ns.empty()) {
        reader.warning(*metadata,
                       fmt::format("{} is cluster-scoped; metadata.namespace '{}' is ignored", kind, out.ns));
        out.ns.clear();
    }
    if (reader.failed()) {
        return std::nullopt;
    }
    return out;
}

PolicyRule read_rule(const Node& node, const Role& role, FieldReader& reader) {
    PolicyRule rule;
    rule.location = reader.at(node);
    if (!node.is_mapping()) {
        reader.error(node, fmt::format("a rule must be a mapping, found {}", node.type_name()));
        return rule;
    }
    reader.unknown_fields(node, {"verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"});
    rule.verbs = reader.strings(node, "verbs");
    rule.api_groups = reader.strings(node, "apiGroups");
    rule.resources = reader.strings(node, "resources");
    rule.resource_names = reader.strings(node, "resourceNames");
    rule.non_resource_urls = reader.strings(node, "nonResourceURLs");
    if (reader.failed()) {
        return rule;  // the object is rejected; validation remarks would only repeat the type error
    }
    // k8s pkg/apis/rbac/validation: what the API server would reject; the authorizer would still read it as
    // is.
    if (rule.verbs.empty()) {
        reader.warning(node, "rule has no verbs, so it grants nothing (the API server rejects it)");
    }
    if (!rule.resources.empty() && rule.api_groups.empty()) {
        reader.warning(node,
                       "rule names resources but no apiGroups, so it matches nothing (the API server "
                       "rejects it)");
    }
    if (!rule.non_resource_urls.empty() && !role.cluster_scoped) {
        reader.warning(node, "nonResourceURLs in a namespaced Role never apply (the API server rejects it)");
    }
    return rule;
}

std::optional<LabelSelector> read_selector(const Node& node, FieldReader& reader) {
    if (!node.is_mapping()) {
        reader.error(node,
                     fmt::format("a clusterRoleSelector must be a mapping, found {}", node.type_name()));
        return std::nullopt;
    }
    LabelSelector selector;
    selector.match_labels = reader.string_map(node, "matchLabels");
    if (const Node* expressions = reader.sequence(node, "matchExpressions")) {
        for (const Node& expression : expressions->children) {
            if (!expression.is_mapping()) {
                reader.error(expression, "a matchExpressions entry must be a mapping");
                continue;
            }
            LabelRequirement requirement;
            requirement.key = reader.string(expression, "key", true).value_or("");
            requirement.op = reader.string(expression, "operator", true).value_or("");
            requirement.values = reader.strings(expression, "values");
            if (requirement.op != "In" && requirement.op != "NotIn" && requirement.op != "Exists" &&
                requirement.op != "DoesNotExist") {
                reader.error(expression, fmt::format("unknown label selector operator '{}'", requirement.op));
            }
            selector.match_expressions.push_back(std::move(requirement));
        }
    }
    return selector;
}

void read_role(const Node& object, std::string_view kind, const Sink& sink, FieldReader& reader) {
    Role role;
    role.cluster_scoped = kind == "ClusterRole";
    const auto metadata = read_metadata(object, kind, !role.cluster_scoped, sink, reader);
    if (!metadata) {
        ++sink.out.summary.rejected;
        return;
    }
    // A misspelt field (`rule:`) would otherwise read as a role without rules (docs/inputs.md).
    reader.unknown_fields(object, {"apiVersion", "kind", "metadata", "rules", "aggregationRule"});
    role.name = metadata->name;
    role.ns = metadata->ns;
    role.labels = metadata->labels;
    role.annotations = metadata->annotations;
    role.location = reader.at(object);
    if (const Node* rules = reader.sequence(object, "rules")) {
        for (const Node& rule : rules->children) {
            role.rules.push_back(read_rule(rule, role, reader));
        }
    }
    if (const Node* aggregation = reader.mapping(object, "aggregationRule", false)) {
        if (!role.cluster_scoped) {
            reader.warning(*aggregation, "aggregationRule only works on ClusterRoles; ignored");
        } else {
            std::vector<LabelSelector> selectors;
            if (const Node* list = reader.sequence(*aggregation, "clusterRoleSelectors")) {
                for (const Node& item : list->children) {
                    if (auto selector = read_selector(item, reader)) {
                        selectors.push_back(std::move(*selector));
                    }
                }
            }
            if (selectors.empty()) {
                reader.warning(*aggregation,
                               "aggregationRule has no clusterRoleSelectors, so it aggregates nothing");
            }
            role.aggregation = std::move(selectors);
        }
    }
    if (reader.failed()) {
        ++sink.out.summary.rejected;
        return;
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind[std::string(kind)];
    sink.out.roles.push_back(std::move(role));
}

void read_binding(const Node& object, std::string_view kind, const Sink& sink, FieldReader& reader) {
    Binding binding;
    binding.cluster_scoped = kind == "ClusterRoleBinding";
    const auto metadata = read_metadata(object, kind, !binding.cluster_scoped, sink, reader);
    if (!metadata) {
        ++sink.out.summary.rejected;
        return;
    }
    reader.unknown_fields(object, {"apiVersion", "kind", "metadata", "subjects", "roleRef"});
    binding.name = metadata->name;
    binding.ns = metadata->ns;
    binding.labels = metadata->labels;
    binding.annotations = metadata->annotations;
    binding.location = reader.at(object);
    if (const Node* role_ref = reader.mapping(object, "roleRef", true)) {
        binding.role_ref.api_group = reader.string(*role_ref, "apiGroup", false).value_or("");
        binding.role_ref.kind = reader.string(*role_ref, "kind", true).value_or("");
        binding.role_ref.name = reader.string(*role_ref, "name", true).value_or("");
        if (binding.role_ref.kind != "Role" && binding.role_ref.kind != "ClusterRole" && !reader.failed()) {
            reader.warning(*role_ref, fmt::format("roleRef kind '{}' is neither Role nor ClusterRole, so the "
                                                  "binding grants nothing",
                                                  binding.role_ref.kind));
        } else if (binding.cluster_scoped && binding.role_ref.kind == "Role") {
            reader.warning(*role_ref, "a ClusterRoleBinding cannot reference a Role; it grants nothing");
        }
    }
    if (const Node* subjects = reader.sequence(object, "subjects")) {
        for (const Node& node : subjects->children) {
            if (!node.is_mapping()) {
                reader.error(node, fmt::format("a subject must be a mapping, found {}", node.type_name()));
                continue;
            }
            Subject subject;
            subject.kind = reader.string(node, "kind", true).value_or("");
            subject.api_group = reader.string(node, "apiGroup", false).value_or("");
            subject.name = reader.string(node, "name", true).value_or("");
            subject.ns = reader.string(node, "namespace", false).value_or("");
            if (subject.kind != "User" && subject.kind != "Group" && subject.kind != "ServiceAccount" &&
                !subject.kind.empty()) {
                reader.warning(node,
                               fmt::format("subject kind '{}' is not User, Group or ServiceAccount (kinds "
                                           "are case-sensitive), so it matches nobody",
                                           subject.kind));
            }
            if (subject.kind == "ServiceAccount" && subject.ns.empty() && binding.cluster_scoped) {
                reader.warning(node,
                               "a ServiceAccount subject of a ClusterRoleBinding needs a namespace; this one "
                               "matches nobody");
            }
            binding.subjects.push_back(std::move(subject));
        }
    }
    if (reader.failed()) {
        ++sink.out.summary.rejected;
        return;
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind[std::string(kind)];
    sink.out.bindings.push_back(std::move(binding));
}

void read_simple(const Node& object, std::string_view kind, const Sink& sink, FieldReader& reader) {
    const bool namespaced = kind == "ServiceAccount";
    const auto metadata = read_metadata(object, kind, namespaced, sink, reader);
    if (!metadata) {
        ++sink.out.summary.rejected;
        return;
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind[std::string(kind)];
    if (namespaced) {
        sink.out.service_accounts.push_back(
            {metadata->ns, metadata->name, metadata->annotations, reader.at(object)});
    } else {
        sink.out.namespaces.push_back({metadata->name, reader.at(object), metadata->labels});
    }
}

// An ACK IAMRoleSelector (services.k8s.aws/v1alpha1; CRD
// config/crd/bases/services.k8s.aws_iamroleselectors.yaml of aws-controllers-k8s/runtime): spec.arn,
// spec.namespaceSelector {names, labelSelector}, spec.resourceTypeSelector [{group, version, kind}] (the
// design's apiVersion/kind form is read too).
void read_ack_role_selector(const Node& object, const Sink& sink, FieldReader& reader) {
    const auto metadata = read_metadata(object, "IAMRoleSelector", false, sink, reader);
    const Node* spec = reader.mapping(object, "spec", true);
    std::optional<std::string> arn = spec == nullptr ? std::nullopt : reader.string(*spec, "arn", true);
    if (!metadata || !arn) {
        ++sink.out.summary.rejected;
        return;
    }
    AckRoleSelector selector;
    selector.name = metadata->name;
    selector.role_arn = std::move(*arn);
    selector.location = reader.at(object);
    if (const Node* namespaces = reader.mapping(*spec, "namespaceSelector", false)) {
        selector.every_namespace = false;
        selector.namespace_names = reader.strings(*namespaces, "names");
        if (const Node* labels = namespaces->find("labelSelector")) {
            selector.namespace_labels = read_selector(*labels, reader);
        }
        if (selector.namespace_names.empty() && !selector.namespace_labels) {
            selector.every_namespace = true;  // neither part narrows it
        }
    }
    if (const Node* types = reader.sequence(*spec, "resourceTypeSelector")) {
        for (const Node& type : types->children) {
            if (!type.is_mapping()) {
                reader.error(type, "a resourceTypeSelector entry must be a mapping");
                continue;
            }
            std::string group = reader.string(type, "group", false).value_or("");
            if (group.empty()) {
                group = std::string(api_group_of(reader.string(type, "apiVersion", false).value_or("")));
            }
            const std::string kind = reader.string(type, "kind", false).value_or("");
            selector.resource_types.push_back(kind.empty() ? group : fmt::format("{}/{}", group, kind));
        }
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind["IAMRoleSelector"];
    sink.out.ack_role_selectors.push_back(std::move(selector));
}

void skip(std::string kind, const Sink& sink) {
    ++sink.out.summary.skipped_by_kind[std::move(kind)];
}

// A CustomResourceDefinition (apiextensions.k8s.io/v1): the resource it adds, as discovery would list it, so
// that requests can name it by plural, singular, kind or short name (issue 29).
void read_custom_resource_definition(const Node& object, const Sink& sink, FieldReader& reader) {
    const Node* spec = reader.mapping(object, "spec", true);
    const Node* names = spec == nullptr ? nullptr : reader.mapping(*spec, "names", true);
    if (spec == nullptr || names == nullptr) {
        ++sink.out.summary.rejected;
        return;
    }
    ApiResource resource;
    resource.group = reader.string(*spec, "group", true).value_or("");
    resource.resource = reader.string(*names, "plural", true).value_or("");
    resource.kind = reader.string(*names, "kind", true).value_or("");
    resource.singular = reader.string(*names, "singular", false).value_or(ascii_lower(resource.kind));
    resource.short_names = reader.strings(*names, "shortNames");
    resource.namespaced = reader.string(*spec, "scope", false).value_or("Namespaced") != "Cluster";
    if (const Node* versions = reader.sequence(*spec, "versions")) {
        for (const Node& version : versions->children) {
            if (!version.is_mapping()) {
                continue;
            }
            if (auto name = reader.string(version, "name", false)) {
                resource.versions.push_back(std::move(*name));
            }
            if (const Node* subresources = version.find("subresources");
                subresources && subresources->is_mapping()) {
                for (const std::string& sub : subresources->keys) {
                    if ((sub == "status" || sub == "scale") && !resource.has_subresource(sub)) {
                        resource.subresources.push_back(sub);
                    }
                }
            }
        }
    }
    if (resource.group.empty() || resource.resource.empty() || resource.kind.empty()) {
        ++sink.out.summary.rejected;
        return;
    }
    resource.verbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
    resource.source = fmt::format("CustomResourceDefinition {}.{} ({})", resource.resource, resource.group,
                                  format_location(reader.at(object)));
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind["CustomResourceDefinition"];
    sink.out.custom_resources.push_back(std::move(resource));
}

// An APIService (apiregistration.k8s.io/v1) with a service: its group is served by an extension API server,
// whose resources no export lists.
void read_api_service(const Node& object, const Sink& sink, FieldReader& reader) {
    const Node* spec = reader.mapping(object, "spec", false);
    const Node* service = spec == nullptr ? nullptr : spec->find("service");
    if (spec == nullptr || service == nullptr || service->is_null()) {
        skip("APIService (apiregistration.k8s.io, local)", sink);
        return;
    }
    if (auto group = reader.string(*spec, "group", false)) {
        ++sink.out.summary.used;
        ++sink.out.summary.used_by_kind["APIService"];
        sink.out.extension_groups.push_back(std::move(*group));
    }
}

// A resource a discovery document lists, unless it is built in already (the embedded catalog is generated
// from the same documents): a cluster's saved discovery adds what its CRDs and aggregated APIs serve.
void add_discovered(ApiResource resource, const Sink& sink, const SourceLocation& location) {
    resource.source = fmt::format("discovery {} ({})", resource.qualified(), format_location(location));
    sink.out.custom_resources.push_back(std::move(resource));
}

// GET /api/v1 or /apis/GROUP/VERSION (kubectl get --raw ...): a v1 APIResourceList; subresources are listed
// as "pods/exec" entries after their resource.
void read_api_resource_list(const Node& object, const Sink& sink, FieldReader& reader) {
    const std::string group_version = reader.string(object, "groupVersion", true).value_or("");
    const Node* resources = reader.sequence(object, "resources");
    if (group_version.empty() || resources == nullptr) {
        ++sink.out.summary.rejected;
        return;
    }
    const std::size_t slash = group_version.find('/');
    const std::string group = slash == std::string::npos ? "" : group_version.substr(0, slash);
    const std::string version = slash == std::string::npos ? group_version : group_version.substr(slash + 1);
    std::vector<ApiResource> listed;
    for (const Node& entry : resources->children) {
        if (!entry.is_mapping()) {
            continue;
        }
        const std::string name = reader.string(entry, "name", true).value_or("");
        if (const std::size_t sub = name.find('/'); sub != std::string::npos) {
            for (ApiResource& resource : listed) {
                if (resource.resource == name.substr(0, sub)) {
                    resource.subresources.push_back(name.substr(sub + 1));
                }
            }
            continue;
        }
        ApiResource resource;
        resource.group = group;
        resource.resource = name;
        resource.kind = reader.string(entry, "kind", true).value_or("");
        resource.singular = reader.string(entry, "singularName", false).value_or("");
        if (resource.singular.empty()) {
            resource.singular = ascii_lower(resource.kind);
        }
        const Node* namespaced = entry.find("namespaced");
        resource.namespaced = namespaced == nullptr || namespaced->text != "false";
        resource.short_names = reader.strings(entry, "shortNames");
        resource.verbs = reader.strings(entry, "verbs");
        resource.versions = {version};
        if (!resource.resource.empty() && !resource.kind.empty()) {
            listed.push_back(std::move(resource));
        }
    }
    for (ApiResource& resource : listed) {
        add_discovered(std::move(resource), sink, reader.at(object));
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind["APIResourceList (discovery)"];
}

// GET /apis as aggregated discovery (apidiscovery.k8s.io/v2 or v2beta1 APIGroupDiscoveryList): every group,
// its versions (preferred first) and their resources with their subresources.
void read_api_group_discovery_list(const Node& object, const Sink& sink, FieldReader& reader) {
    const Node* items = reader.sequence(object, "items");
    if (items == nullptr) {
        ++sink.out.summary.rejected;
        return;
    }
    for (const Node& item : items->children) {
        const Node* metadata = item.is_mapping() ? item.find("metadata") : nullptr;
        const Node* versions = item.is_mapping() ? item.find("versions") : nullptr;
        if (metadata == nullptr || !metadata->is_mapping() || versions == nullptr ||
            !versions->is_sequence()) {
            continue;
        }
        const std::string group = reader.string(*metadata, "name", false).value_or("");
        std::vector<ApiResource> listed;
        for (const Node& version : versions->children) {
            const Node* resources = version.is_mapping() ? version.find("resources") : nullptr;
            if (resources == nullptr || !resources->is_sequence()) {
                continue;
            }
            const std::string version_name = reader.string(version, "version", false).value_or("");
            for (const Node& entry : resources->children) {
                if (!entry.is_mapping()) {
                    continue;
                }
                const std::string name = reader.string(entry, "resource", true).value_or("");
                const auto known = std::find_if(listed.begin(), listed.end(),
                                                [&](const ApiResource& r) { return r.resource == name; });
                if (known != listed.end()) {
                    known->versions.push_back(version_name);
                    continue;
                }
                ApiResource resource;
                resource.group = group;
                resource.resource = name;
                if (const Node* kind = entry.find("responseKind"); kind != nullptr && kind->is_mapping()) {
                    resource.kind = reader.string(*kind, "kind", false).value_or("");
                }
                resource.singular = reader.string(entry, "singularResource", false).value_or("");
                if (resource.singular.empty()) {
                    resource.singular = ascii_lower(resource.kind);
                }
                resource.namespaced =
                    reader.string(entry, "scope", false).value_or("Namespaced") != "Cluster";
                resource.short_names = reader.strings(entry, "shortNames");
                resource.verbs = reader.strings(entry, "verbs");
                resource.versions = {version_name};
                if (const Node* subresources = entry.find("subresources");
                    subresources != nullptr && subresources->is_sequence()) {
                    for (const Node& sub : subresources->children) {
                        if (auto sub_name =
                                sub.is_mapping() ? reader.string(sub, "subresource", false) : std::nullopt) {
                            resource.subresources.push_back(std::move(*sub_name));
                        }
                    }
                }
                if (!resource.resource.empty() && !resource.kind.empty()) {
                    listed.push_back(std::move(resource));
                }
            }
        }
        for (ApiResource& resource : listed) {
            add_discovered(std::move(resource), sink, reader.at(item));
        }
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind["APIGroupDiscoveryList (discovery)"];
}

// Where each workload kind keeps its pod spec (k8s API: PodSpec, PodTemplateSpec, CronJob's jobTemplate).
const Node* pod_spec_of(const Node& object, std::string_view kind) {
    const Node* spec = object.find("spec");
    if (spec == nullptr || !spec->is_mapping() || kind == "Pod") {
        return spec;
    }
    if (kind == "CronJob") {
        spec = spec->find("jobTemplate");
        spec = spec == nullptr ? nullptr : spec->find("spec");
        if (spec == nullptr || !spec->is_mapping()) {
            return nullptr;
        }
    }
    const Node* pod_template = spec->find("template");
    const Node* pod_spec = pod_template == nullptr ? nullptr : pod_template->find("spec");
    return pod_spec != nullptr && pod_spec->is_mapping() ? pod_spec : nullptr;
}

// Whether a volume of the pod spec projects a ServiceAccount token (spec.volumes[].projected.sources[]).
bool projects_service_account_token(const Node& pod_spec) {
    const Node* volumes = pod_spec.find("volumes");
    if (volumes == nullptr || !volumes->is_sequence()) {
        return false;
    }
    return std::any_of(volumes->children.begin(), volumes->children.end(), [](const Node& volume) {
        const Node* projected = volume.is_mapping() ? volume.find("projected") : nullptr;
        const Node* sources =
            projected != nullptr && projected->is_mapping() ? projected->find("sources") : nullptr;
        if (sources == nullptr || !sources->is_sequence()) {
            return false;
        }
        return std::any_of(sources->children.begin(), sources->children.end(), [](const Node& source) {
            const Node* token = source.is_mapping() ? source.find("serviceAccountToken") : nullptr;
            return token != nullptr && !token->is_null();
        });
    });
}

void read_workload(const Node& object, std::string_view kind, const Sink& sink, FieldReader& reader) {
    const auto metadata = read_metadata(object, kind, true, sink, reader);
    if (!metadata) {
        ++sink.out.summary.rejected;
        return;
    }
    Workload workload;
    workload.kind = std::string(kind);
    workload.ns = metadata->ns;
    workload.name = metadata->name;
    workload.labels = metadata->labels;
    workload.annotations = metadata->annotations;
    workload.location = reader.at(object);
    const Node* meta = object.find("metadata");
    const Node* owners = meta == nullptr ? nullptr : meta->find("ownerReferences");
    workload.owned = owners != nullptr && owners->is_sequence() && !owners->children.empty();
    if (const Node* spec = pod_spec_of(object, kind)) {
        // The API server defaults an empty serviceAccountName to the deprecated serviceAccount, then
        // "default".
        std::string account = reader.string(*spec, "serviceAccountName", false).value_or("");
        if (account.empty()) {
            account = reader.string(*spec, "serviceAccount", false).value_or("");
        }
        if (!account.empty()) {
            workload.service_account = account;
        }
        if (const Node* automount = spec->find("automountServiceAccountToken");
            automount != nullptr && automount->scalar_value() == ScalarValue::kBool) {
            // go-yaml v2 booleans: the true spellings.
            static constexpr std::array<std::string_view, 11> kTrue = {
                "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
            workload.token_mounted = std::find(kTrue.begin(), kTrue.end(), automount->text) != kTrue.end();
        }
        // automountServiceAccountToken only stops the automatic volume: a projected volume with a
        // serviceAccountToken source still gives the pod a token of its ServiceAccount, at whatever path it
        // is mounted (k8s API: ProjectedVolumeSource, ServiceAccountTokenProjection).
        if (!workload.token_mounted && projects_service_account_token(*spec)) {
            workload.token_mounted = true;
        }
    } else {
        reader.warning(
            object,
            fmt::format("{} has no pod spec; it is read as running as ServiceAccount 'default'", kind));
    }
    if (reader.failed()) {
        ++sink.out.summary.rejected;
        return;
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind[std::string(kind)];
    sink.out.workloads.push_back(std::move(workload));
}

bool is_workload(std::string_view kind, std::string_view group) {
    if (group.empty()) {
        return kind == "Pod" || kind == "ReplicationController";
    }
    if (group == "apps") {
        return kind == "Deployment" || kind == "DaemonSet" || kind == "StatefulSet" || kind == "ReplicaSet";
    }
    return group == "batch" && (kind == "Job" || kind == "CronJob");
}

}  // namespace

void interpret_kubernetes_object(const Node& object, const Sink& sink, int list_depth) {
    FieldReader reader(sink.file, "", sink.out.diagnostics);
    const std::optional<std::string> kind = reader.string(object, "kind", true);
    const std::string api_version = reader.string(object, "apiVersion", false).value_or("");
    if (!kind) {
        ++sink.out.summary.rejected;
        return;
    }
    const Node* items = object.find("items");
    if (kind->ends_with("List") && items != nullptr &&
        !(*kind == "APIGroupDiscoveryList" && api_group_of(api_version) == "apidiscovery.k8s.io")) {
        if (list_depth >= kMaxListNesting) {
            reader.error(object, fmt::format("Lists nested more than {} deep are not read", kMaxListNesting));
            ++sink.out.summary.rejected;
            return;
        }
        if (list_depth > 0) {
            reader.warning(object, "a List inside a List; its items are read as well");
        }
        if (const Node* list = reader.sequence(object, "items")) {
            for (const Node& item : list->children) {
                ++sink.out.summary.documents;
                if (!item.is_mapping()) {
                    reader.error(item,
                                 fmt::format("a List item must be a mapping, found {}", item.type_name()));
                    ++sink.out.summary.rejected;
                    continue;
                }
                interpret_kubernetes_object(item, sink, list_depth + 1);
            }
        } else {
            ++sink.out.summary.rejected;
        }
        return;
    }
    const std::string_view group = api_group_of(api_version);
    reader.set_object(*kind);
    if ((*kind == "ClusterRole" || *kind == "Role") && group == kRbacGroup) {
        read_role(object, *kind, sink, reader);
    } else if ((*kind == "ClusterRoleBinding" || *kind == "RoleBinding") && group == kRbacGroup) {
        read_binding(object, *kind, sink, reader);
    } else if ((*kind == "ServiceAccount" || *kind == "Namespace") && group.empty()) {
        read_simple(object, *kind, sink, reader);
    } else if (is_workload(*kind, group)) {
        read_workload(object, *kind, sink, reader);
    } else if (*kind == "ConfigMap" && group.empty()) {
        const Node* metadata = object.find("metadata");
        const Node* name = metadata == nullptr ? nullptr : metadata->find("name");
        if (name != nullptr && name->as_string() == "aws-auth") {
            interpret_aws_auth(object, sink, reader);
        } else {
            skip("ConfigMap", sink);
        }
    } else if (*kind == "CustomResourceDefinition" && group == "apiextensions.k8s.io") {
        read_custom_resource_definition(object, sink, reader);
    } else if (*kind == "APIService" && group == "apiregistration.k8s.io") {
        read_api_service(object, sink, reader);
    } else if (*kind == "APIResourceList" && group.empty()) {
        read_api_resource_list(object, sink, reader);
    } else if (*kind == "APIGroupDiscoveryList" && group == "apidiscovery.k8s.io") {
        read_api_group_discovery_list(object, sink, reader);
    } else if (*kind == "IAMRoleSelector" && group == "services.k8s.aws") {
        read_ack_role_selector(object, sink, reader);
    } else if (*kind == "ClusterConfig" && group == "eksctl.io") {
        read_eksctl_cluster_config(object, sink, reader);
    } else if (*kind == "Kustomization" && group == "kustomize.config.k8s.io") {
        // A recipe, not objects: what it builds is what would be read.
        reader.warning(object,
                       "a kustomization is not read: build it first (kustomize build DIR > built.yaml) and "
                       "give the built YAML");
        skip("Kustomization (kustomize.config.k8s.io)", sink);
    } else if (group == kRbacGroup || ((*kind == "ClusterRole" || *kind == "Role" || *kind == "RoleBinding" ||
                                        *kind == "ClusterRoleBinding") &&
                                       api_version.empty())) {
        reader.error(object,
                     fmt::format("'{}' with apiVersion '{}' is not an RBAC object rbacgraph understands; it "
                                 "is not analyzed",
                                 *kind, api_version));
        ++sink.out.summary.rejected;
    } else {
        skip(group.empty() ? *kind : fmt::format("{} ({})", *kind, group), sink);
    }
}

}  // namespace rbacgraph::load
