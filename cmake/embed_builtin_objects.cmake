# Writes OUTPUT, a C++ file defining rbacgraph::builtin_object_files() over every YAML file in DATA_DIR (the
# Kubernetes bootstrap policy, data/kubernetes-bootstrap/SOURCE.md), so that the objects every cluster has are part
# of the binary and cannot go missing at run time.
file(GLOB files "${DATA_DIR}/*.yaml")
list(SORT files)
set(body "")
foreach(path IN LISTS files)
  get_filename_component(name "${path}" NAME)
  file(READ "${path}" text)
  string(FIND "${text}" ")rbacgraph_data\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path} contains the raw-string delimiter )rbacgraph_data\"")
  endif()
  string(APPEND body "        {\"${name}\", R\"rbacgraph_data(${text})rbacgraph_data\"},\n")
endforeach()
set(content "// Generated from data/kubernetes-bootstrap by cmake/embed_builtin_objects.cmake; do not edit.
#include \"load/builtin_policy.hpp\"

namespace rbacgraph {

std::span<const EmbeddedFile> builtin_object_files() {
    static const EmbeddedFile files[] = {
${body}    };
    return files;
}

}  // namespace rbacgraph
")
include("${CMAKE_CURRENT_LIST_DIR}/write_if_changed.cmake")
write_if_changed("${OUTPUT}" "${content}")
