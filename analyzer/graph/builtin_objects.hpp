#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "rbacgraph/model.hpp"

namespace rbacgraph {

/// One data file compiled into the binary.
struct EmbeddedFile {
    std::string_view name;
    std::string_view text;
};

/// The Kubernetes bootstrap policy files (data/kubernetes-bootstrap/), generated at build time.
std::span<const EmbeddedFile> builtin_object_files();

/// The roles and bindings every Kubernetes cluster has, loaded once per process; their locations carry
/// Origin::kBuiltin.
const Export& builtin_objects();

/// Adds the built-in roles and bindings the export does not carry (an object the export has wins), and, for a
/// binding to a missing ClusterRole named "eks:...", a role EKS creates whose rules are not published. The
/// version, when known, adds what newer releases add to the bootstrap policy (the embedded copy is older).
void add_builtin_objects(Export& source, std::optional<KubernetesVersion> version);

}  // namespace rbacgraph
