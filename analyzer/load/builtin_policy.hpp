#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "rbacgraph/model.hpp"

namespace rbacgraph {

/// One data file compiled into the binary.
struct EmbeddedFile {
    std::string_view name;
    std::string_view text;
};

/// The Kubernetes bootstrap policy files (data/kubernetes-bootstrap/), generated at build time.
std::span<const EmbeddedFile> builtin_object_files();

/// The roles and bindings the Kubernetes API server creates in every cluster (the bootstrap policy), as one
/// release of Kubernetes defines them; their locations carry Origin::kBuiltin.
class BuiltinPolicy {
  public:
    explicit BuiltinPolicy(Export objects);

    const std::vector<Role>& roles() const { return objects_.roles; }
    const std::vector<Binding>& bindings() const { return objects_.bindings; }
    /// What reading the embedded files reported (nothing, which a test checks).
    const std::vector<Diagnostic>& diagnostics() const { return objects_.diagnostics; }
    /// The definition of the role or binding with this scope, namespace and name, if the policy has one.
    const Role* find_role(bool cluster_scoped, std::string_view ns, std::string_view name) const;
    const Binding* find_binding(bool cluster_scoped, std::string_view ns, std::string_view name) const;
    /// Whether any definition has this name (a cheap test before the full lookup).
    bool defines_name(std::string_view name) const;

    BuiltinPolicy(const BuiltinPolicy&) = delete;
    BuiltinPolicy& operator=(const BuiltinPolicy&) = delete;
    BuiltinPolicy(BuiltinPolicy&&) = delete;
    BuiltinPolicy& operator=(BuiltinPolicy&&) = delete;
    ~BuiltinPolicy();

  private:
    struct Index;
    Export objects_;
    std::unique_ptr<const Index> index_;
};

/// What a cluster of this version holds at least: the embedded copy (about Kubernetes 1.28) plus what later
/// releases are known to add up to `version`. Unknown version: the embedded copy alone.
const BuiltinPolicy& builtin_policy_at_least(std::optional<KubernetesVersion> version);

/// What a cluster of this version may hold: as at_least, but an unknown version may be any release, so every
/// known addition counts. An export object is built in only when it grants no more than this.
const BuiltinPolicy& builtin_policy_at_most(std::optional<KubernetesVersion> version);

/// The objects a graph adds to an export: the bootstrap roles and bindings it lacks (an object the export
/// has always wins), and for a binding to a missing ClusterRole named "eks:...", a role EKS creates whose
/// rules are not published. Every location carries Origin::kBuiltin (or names EKS).
Export builtin_overlay(const Export& source, std::optional<KubernetesVersion> version);

}  // namespace rbacgraph
