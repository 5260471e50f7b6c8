# Writes OUTPUT, a C++ file defining rbacgraph::rule_doc() over every docs/rules/<slug>.md in DOCS_DIR, so that
# `rbacgraph rules SLUG` and SARIF help text come from the same pages a reader sees (they cannot drift).
file(GLOB pages "${DOCS_DIR}/*.md")
list(SORT pages)
set(body "")
foreach(page IN LISTS pages)
  get_filename_component(slug "${page}" NAME_WE)
  if(slug STREQUAL "README")
    continue()
  endif()
  file(READ "${page}" text)
  string(FIND "${text}" ")rbacgraph_doc\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${page} contains the raw-string delimiter )rbacgraph_doc\"")
  endif()
  string(APPEND body "        {\"${slug}\", R\"rbacgraph_doc(${text})rbacgraph_doc\"},\n")
endforeach()
set(content "// Generated from docs/rules by cmake/embed_rule_docs.cmake; do not edit.
#include <map>

#include \"rbacgraph/rules.hpp\"

namespace rbacgraph {

std::string_view rule_doc(std::string_view slug) {
    static const std::map<std::string_view, std::string_view> pages = {
${body}    };
    const auto found = pages.find(slug);
    return found == pages.end() ? std::string_view() : found->second;
}

}  // namespace rbacgraph
")
include("${CMAKE_CURRENT_LIST_DIR}/write_if_changed.cmake")
write_if_changed("${OUTPUT}" "${content}")
