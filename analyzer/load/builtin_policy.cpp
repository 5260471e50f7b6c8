#include "load/builtin_policy.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "rbacgraph/load.hpp"

namespace rbacgraph {
namespace {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// The index key: scope, then the namespace's length, so that no namespace and name run into another.
std::string object_key(bool cluster_scoped, std::string_view ns, std::string_view name) {
    std::string key = cluster_scoped ? "c" : "n" + std::to_string(ns.size()) + ":";
    if (!cluster_scoped) {
        key.append(ns);
    }
    key.append(name);
    return key;
}

// What a release adds to the bootstrap policy after the embedded copy (about 1.28). Newer releases only add
// rules and bindings (data/kubernetes-bootstrap/SOURCE.md), so a release's policy is the copy plus every
// addition up to it.
struct Addition {
    KubernetesVersion since;
    std::string_view role;  ///< a ClusterRole of the copy
    PolicyRule rule;
};

std::vector<Addition> additions() {
    std::vector<Addition> out;
    // k8s-rbac.md 13, KEP-2862: from 1.33 (KubeletFineGrainedAuthz beta, on by default) the kubelet checks
    // nodes/pods, nodes/healthz and nodes/configz before falling back to nodes/proxy, and the bootstrap role
    // gains them. Only the reads the kubelet maps them to.
    PolicyRule kubelet;
    kubelet.api_groups = {""};
    kubelet.resources = {"nodes/pods", "nodes/healthz", "nodes/configz"};
    kubelet.verbs = {"get"};
    out.push_back({{1, 33}, "system:kubelet-api-admin", std::move(kubelet)});
    // k8s-rbac.md 15 (K18), kubernetes/kubernetes PR #135418 (1.36 notes): "Add write and read permissions
    // for workloads to the admin cluster role. Add write permissions for workloads to the edit cluster role.
    // Add read permissions for workloads to the view cluster role." admin, edit and view are aggregated, so
    // the rules land in their system:aggregate-to-* roles, with the bootstrap policy's Read and Write verb
    // sets (policy.go). admin also aggregates edit's and view's rules, so its own rule adds nothing
    // effective.
    const auto workloads = [](std::vector<std::string> verbs) {
        PolicyRule rule;
        rule.api_groups = {"scheduling.k8s.io"};
        rule.resources = {"workloads"};
        rule.verbs = std::move(verbs);
        return rule;
    };
    const std::vector<std::string> read = {"get", "list", "watch"};
    const std::vector<std::string> write = {"create", "delete", "deletecollection", "patch", "update"};
    std::vector<std::string> read_write = write;
    read_write.insert(read_write.end(), read.begin(), read.end());
    // kubernetes/kubernetes PR #130738 (1.33 notes): "Starting Kubernetes 1.33, regular users with namespaced
    // cluster edit role assigned have read permission to resourceclaims, resourceclaims/status,
    // resourceclaimtemplates. And write permission for resourceclaims, resourceclaimtemplates."
    PolicyRule claims_read;
    claims_read.api_groups = {"resource.k8s.io"};
    claims_read.resources = {"resourceclaims", "resourceclaims/status", "resourceclaimtemplates"};
    claims_read.verbs = read;
    PolicyRule claims_write;
    claims_write.api_groups = {"resource.k8s.io"};
    claims_write.resources = {"resourceclaims", "resourceclaimtemplates"};
    claims_write.verbs = write;
    out.push_back({{1, 33}, "system:aggregate-to-edit", std::move(claims_read)});
    out.push_back({{1, 33}, "system:aggregate-to-edit", std::move(claims_write)});
    out.push_back({{1, 36}, "system:aggregate-to-admin", workloads(read_write)});
    out.push_back({{1, 36}, "system:aggregate-to-edit", workloads(write)});
    out.push_back({{1, 36}, "system:aggregate-to-view", workloads(read)});
    std::stable_sort(out.begin(), out.end(),
                     [](const Addition& a, const Addition& b) { return a.since < b.since; });
    return out;
}

// Bindings every supported release creates that the copied cluster-role-bindings.yaml (an older file) lacks
// (data/kubernetes-bootstrap/SOURCE.md; k8s-rbac.md 14 lists both roles in the copy). The subjects are the
// Kubernetes docs' defaults: service-account issuer discovery (GA in 1.21) is readable by every
// ServiceAccount (docs "Managing Service Accounts", ServiceAccountIssuerDiscovery; a live cluster's object in
// the index has the same subject), and system:monitoring is bound to the group of the same name (docs "Using
// RBAC Authorization", default ClusterRoleBindings).
constexpr std::string_view kSupplement = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
  name: system:service-account-issuer-discovery
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:service-account-issuer-discovery}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:serviceaccounts}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
  name: system:monitoring
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:monitoring}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:monitoring}
)";

Export embedded_objects() {
    Export out;
    for (const EmbeddedFile& file : builtin_object_files()) {
        load_text(file.text, "kubernetes-bootstrap/" + std::string(file.name), out);
    }
    load_text(kSupplement, "kubernetes-bootstrap/supplement", out);
    finish_export(out);
    for (Role& role : out.roles) {
        role.location.origin = Origin::kBuiltin;
        for (PolicyRule& rule : role.rules) {
            rule.location.origin = Origin::kBuiltin;
        }
    }
    for (Binding& binding : out.bindings) {
        binding.location.origin = Origin::kBuiltin;
    }
    return out;
}

// The policies with the first N additions, N = 0 .. all: built once, before any graph asks (graphs of an
// estate are built on several threads).
const std::vector<std::unique_ptr<const BuiltinPolicy>>& policies() {
    static const std::vector<std::unique_ptr<const BuiltinPolicy>> kPolicies = [] {
        const Export base = embedded_objects();
        const std::vector<Addition> added = additions();
        std::vector<std::unique_ptr<const BuiltinPolicy>> out;
        for (std::size_t count = 0; count <= added.size(); ++count) {
            Export objects = base;
            for (std::size_t i = 0; i < count; ++i) {
                for (Role& role : objects.roles) {
                    if (role.cluster_scoped && role.name == added[i].role) {
                        PolicyRule rule = added[i].rule;
                        rule.location = role.location;
                        role.rules.push_back(std::move(rule));
                    }
                }
            }
            out.push_back(std::make_unique<const BuiltinPolicy>(std::move(objects)));
        }
        return out;
    }();
    return kPolicies;
}

// How many additions a release of this version has.
std::size_t additions_up_to(KubernetesVersion version) {
    static const std::vector<Addition> kAdditions = additions();
    return static_cast<std::size_t>(std::count_if(kAdditions.begin(), kAdditions.end(),
                                                  [&](const Addition& a) { return a.since <= version; }));
}

}  // namespace

struct BuiltinPolicy::Index {
    std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> roles;
    std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> bindings;
    std::unordered_set<std::string, StringHash, std::equal_to<>> names;
};

BuiltinPolicy::BuiltinPolicy(Export objects) : objects_(std::move(objects)) {
    auto index = std::make_unique<Index>();
    for (std::size_t i = 0; i < objects_.roles.size(); ++i) {
        const Role& role = objects_.roles[i];
        index->roles.emplace(object_key(role.cluster_scoped, role.ns, role.name), i);
        index->names.insert(role.name);
    }
    for (std::size_t i = 0; i < objects_.bindings.size(); ++i) {
        const Binding& binding = objects_.bindings[i];
        index->bindings.emplace(object_key(binding.cluster_scoped, binding.ns, binding.name), i);
        index->names.insert(binding.name);
    }
    index_ = std::move(index);
}

BuiltinPolicy::~BuiltinPolicy() = default;

const Role* BuiltinPolicy::find_role(bool cluster_scoped, std::string_view ns, std::string_view name) const {
    if (!defines_name(name)) {
        return nullptr;
    }
    const auto found = index_->roles.find(object_key(cluster_scoped, ns, name));
    return found == index_->roles.end() ? nullptr : &objects_.roles[found->second];
}

const Binding* BuiltinPolicy::find_binding(bool cluster_scoped, std::string_view ns,
                                           std::string_view name) const {
    if (!defines_name(name)) {
        return nullptr;
    }
    const auto found = index_->bindings.find(object_key(cluster_scoped, ns, name));
    return found == index_->bindings.end() ? nullptr : &objects_.bindings[found->second];
}

bool BuiltinPolicy::defines_name(std::string_view name) const {
    return index_->names.find(name) != index_->names.end();
}

const BuiltinPolicy& builtin_policy_at_least(std::optional<KubernetesVersion> version) {
    return *policies()[version ? additions_up_to(*version) : 0];
}

const BuiltinPolicy& builtin_policy_at_most(std::optional<KubernetesVersion> version) {
    return *policies()[version ? additions_up_to(*version) : policies().size() - 1];
}

Export builtin_overlay(const Export& source, std::optional<KubernetesVersion> version) {
    // k8s-rbac.md 14: the API server creates the bootstrap policy at start and reconciles it at every start,
    // so a cluster holds at least these objects; one the export carries (a live dump, an edited copy) wins.
    const BuiltinPolicy& policy = builtin_policy_at_least(version);
    std::unordered_set<std::string, StringHash, std::equal_to<>> exported_roles;
    std::unordered_set<std::string, StringHash, std::equal_to<>> exported_bindings;
    // Only objects named like a definition can stand in for one: one hash lookup per object.
    for (const Role& role : source.roles) {
        if (policy.defines_name(role.name)) {
            exported_roles.insert(object_key(role.cluster_scoped, role.ns, role.name));
        }
    }
    for (const Binding& binding : source.bindings) {
        if (policy.defines_name(binding.name)) {
            exported_bindings.insert(object_key(binding.cluster_scoped, binding.ns, binding.name));
        }
    }
    Export overlay;
    for (const Role& role : policy.roles()) {
        if (!exported_roles.contains(object_key(role.cluster_scoped, role.ns, role.name))) {
            overlay.roles.push_back(role);
        }
    }
    for (const Binding& binding : policy.bindings()) {
        if (!exported_bindings.contains(object_key(binding.cluster_scoped, binding.ns, binding.name))) {
            overlay.bindings.push_back(binding);
        }
    }
    // eks-iam.md 11: EKS adds ClusterRoles of its own ("eks:..."), whose rules AWS does not publish; a
    // binding to one the input lacks is neither dangling nor known.
    std::set<std::string, std::less<>> eks_role_names;
    for (const Role& role : source.roles) {
        if (role.cluster_scoped && role.name.starts_with("eks:")) {
            eks_role_names.insert(role.name);
        }
    }
    for (const Binding& binding : source.bindings) {
        const RoleRef& ref = binding.role_ref;
        if (ref.kind == "ClusterRole" && ref.name.starts_with("eks:") &&
            eks_role_names.insert(ref.name).second) {
            Role role;
            role.cluster_scoped = true;
            role.name = ref.name;
            role.rules_published = false;
            role.location.origin = Origin::kBuiltin;
            role.location.file = "eks";
            overlay.roles.push_back(std::move(role));
        }
    }
    return overlay;
}

}  // namespace rbacgraph
