#pragma once

#include <cstddef>
#include <string>
#include <variant>

#include "rbacgraph/audit.hpp"

namespace rbacgraph {

/// decode_audit_event over a buffer that can be read `capacity` bytes from `data` (simdjson reads up to
/// SIMDJSON_PADDING bytes past the end; with less room it copies the event first).
std::variant<AuditEvent, std::string> decode_audit_event_in(const char* data, std::size_t size,
                                                            std::size_t capacity);

}  // namespace rbacgraph
