#pragma once

#include <string_view>

namespace rbacgraph {

/// The release version, from CMakeLists.txt's project(VERSION) (the only place it is written).
std::string_view version();
/// The git commit the binary was built from (12 hex digits, "-modified" with uncommitted changes), or
/// "unknown" outside a git checkout.
std::string_view commit();

}  // namespace rbacgraph
