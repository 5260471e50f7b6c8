#include "graph/builtin_objects.hpp"

#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "rbacgraph/load.hpp"

namespace rbacgraph {
namespace {

void mark_builtin(SourceLocation& location) {
    location.origin = Origin::kBuiltin;
}

Export load_builtin_objects() {
    Export out;
    for (const EmbeddedFile& file : builtin_object_files()) {
        load_text(file.text, "kubernetes-bootstrap/" + std::string(file.name), out);
    }
    finish_export(out);
    for (Role& role : out.roles) {
        mark_builtin(role.location);
        for (PolicyRule& rule : role.rules) {
            mark_builtin(rule.location);
        }
    }
    for (Binding& binding : out.bindings) {
        mark_builtin(binding.location);
    }
    return out;
}

// Views: the export's objects are looked up among the few built-in ones, never copied into a set of their own
// (at 1M objects that set was a visible part of building the graph).
using ObjectKey = std::tuple<bool, std::string_view, std::string_view>;

// The keys of `builtin` that `exported` also has, as views of `builtin`'s names.
template <typename Object>
std::set<ObjectKey> already_exported(const std::vector<Object>& builtin,
                                     const std::vector<Object>& exported) {
    std::set<ObjectKey> keys;
    for (const Object& object : builtin) {
        keys.insert({object.cluster_scoped, object.ns, object.name});
    }
    std::set<ObjectKey> present;
    for (const Object& object : exported) {
        if (const auto found = keys.find({object.cluster_scoped, object.ns, object.name});
            found != keys.end()) {
            present.insert(*found);
        }
    }
    return present;
}

}  // namespace

const Export& builtin_objects() {
    static const Export kObjects = load_builtin_objects();
    return kObjects;
}

void add_builtin_objects(Export& source, std::optional<KubernetesVersion> version) {
    // k8s-rbac.md 14: the API server creates the bootstrap policy at start and reconciles it at every start,
    // so a cluster holds at least these objects; one the export carries (a live dump, an edited copy) wins.
    const Export& builtin = builtin_objects();
    std::set<ObjectKey> roles = already_exported(builtin.roles, source.roles);
    std::set<ObjectKey> bindings = already_exported(builtin.bindings, source.bindings);
    for (const Role& role : builtin.roles) {
        if (roles.insert({role.cluster_scoped, role.ns, role.name}).second) {
            source.roles.push_back(role);
            if (role.cluster_scoped && role.name == "system:kubelet-api-admin" && version &&
                *version >= KubernetesVersion{1, 33}) {
                // k8s-rbac.md 13, KEP-2862: from 1.33 (KubeletFineGrainedAuthz beta, on by default) the
                // kubelet checks nodes/pods, nodes/healthz and nodes/configz before falling back to
                // nodes/proxy, and the bootstrap role gains them. Only the reads the kubelet maps them to, as
                // a lower bound.
                PolicyRule rule;
                rule.api_groups = {""};
                rule.resources = {"nodes/pods", "nodes/healthz", "nodes/configz"};
                rule.verbs = {"get"};
                rule.location = source.roles.back().location;
                source.roles.back().rules.push_back(std::move(rule));
            }
        }
    }
    for (const Binding& binding : builtin.bindings) {
        if (bindings.insert({binding.cluster_scoped, binding.ns, binding.name}).second) {
            source.bindings.push_back(binding);
        }
    }
    // eks-iam.md 11: EKS adds ClusterRoles of its own ("eks:..."), whose rules AWS does not publish; a
    // binding to one is neither dangling nor known.
    std::set<std::string> eks_role_names;  // the eks: ClusterRoles the input has, and those added here
    for (const Role& role : source.roles) {
        if (role.cluster_scoped && role.ns.empty() && role.name.starts_with("eks:")) {
            eks_role_names.insert(role.name);
        }
    }
    std::vector<Role> eks_roles;
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
            eks_roles.push_back(std::move(role));
        }
    }
    source.roles.insert(source.roles.end(), eks_roles.begin(), eks_roles.end());
}

}  // namespace rbacgraph
