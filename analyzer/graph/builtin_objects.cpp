#include "graph/builtin_objects.hpp"

#include <set>
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

using ObjectKey = std::tuple<bool, std::string, std::string>;

}  // namespace

const Export& builtin_objects() {
    static const Export kObjects = load_builtin_objects();
    return kObjects;
}

void add_builtin_objects(Export& source, std::optional<KubernetesVersion> version) {
    // k8s-rbac.md 14: the API server creates the bootstrap policy at start and reconciles it at every start,
    // so a cluster holds at least these objects; one the export carries (a live dump, an edited copy) wins.
    std::set<ObjectKey> roles;
    for (const Role& role : source.roles) {
        roles.insert({role.cluster_scoped, role.ns, role.name});
    }
    std::set<ObjectKey> bindings;
    for (const Binding& binding : source.bindings) {
        bindings.insert({binding.cluster_scoped, binding.ns, binding.name});
    }
    const Export& builtin = builtin_objects();
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
    std::vector<Role> eks_roles;
    for (const Binding& binding : source.bindings) {
        const RoleRef& ref = binding.role_ref;
        if (ref.kind == "ClusterRole" && ref.name.starts_with("eks:") &&
            roles.insert({true, "", ref.name}).second) {
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
