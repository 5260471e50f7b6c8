#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "rbacgraph/query.hpp"

namespace rbacgraph {

/// Text for a terminal: aligned, readable, deterministic.
void write_can_i_text(std::ostream& out, const Graph& graph, const Identity& identity,
                      const Decision& decision, bool explain);
void write_what_can_text(std::ostream& out, const WhatCan& result);
void write_who_can_text(std::ostream& out, const Graph& graph, const WhoCan& result);
/// "loaded 3 files, 12 documents: 10 used (...), 1 skipped (...), 1 rejected; 2 errors, 1 warning".
std::string summary_line(const Export& source, const std::vector<Diagnostic>& diagnostics);

/// JSON documented in docs/json-output.md; keys are stable.
nlohmann::json identity_json(const Identity& identity);
nlohmann::json can_i_json(const Graph& graph, const Identity& identity, const Request& request,
                          const Decision& decision);
nlohmann::json what_can_json(const WhatCan& result);
nlohmann::json who_can_json(const Graph& graph, const WhoCan& result);
nlohmann::json diagnostics_json(const std::vector<Diagnostic>& diagnostics);
nlohmann::json summary_json(const Export& source, const std::vector<Diagnostic>& diagnostics);

}  // namespace rbacgraph
