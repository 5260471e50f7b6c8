// One audit.k8s.io/v1 Event, read two ways: simdjson's On-Demand API (the fast reader, issue 32) and
// nlohmann::json (the reference it is compared with). Both read the fields as Go's encoding/json reads them
// into the API server's own types (kubernetes/apiserver pkg/apis/audit/v1/types.go @ 24a394e): null is the
// zero value, a field of the wrong type makes the event unreadable, unknown fields are ignored, and of two
// equal keys the last wins.
#include "load/audit_event.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "rbacgraph/audit.hpp"

#ifdef RBACGRAPH_SIMDJSON
#include <simdjson.h>
#endif

namespace rbacgraph {
namespace {

constexpr std::string_view kDecisionKey = "authorization.k8s.io/decision";
constexpr std::string_view kReasonKey = "authorization.k8s.io/reason";

AuditStage stage_of(std::string_view text) {
    if (text == "RequestReceived") {
        return AuditStage::kRequestReceived;
    }
    if (text == "ResponseStarted") {
        return AuditStage::kResponseStarted;
    }
    if (text == "ResponseComplete") {
        return AuditStage::kResponseComplete;
    }
    if (text == "Panic") {
        return AuditStage::kPanic;
    }
    return AuditStage::kOther;
}

// aws-iam-authenticator pkg/server/server.go authenticateEndpoint sets these extras (usage-evidence.md 2.2);
// upstream also sends the principal ID under its prefixed key since 2024-08.
void set_extra(AuditUser& user, std::string_view key, std::string value) {
    if (key == "arn") {
        user.arn = std::move(value);
    } else if (key == "canonicalArn") {
        user.canonical_arn = std::move(value);
    } else if (key == "principalId" || key == "sigs.k8s.io/aws-iam-authenticator/principalId") {
        user.principal_id = std::move(value);
    } else if (key == "sessionName") {
        user.session_name = std::move(value);
    } else if (key == "accessKeyId") {
        user.access_key_id = std::move(value);
    }
}

// ---- the reference reader ----

using Json = nlohmann::json;

struct ReferenceError {
    std::string message;
};

std::string string_field(const Json& value, std::string_view field) {
    if (value.is_null()) {
        return {};
    }
    if (!value.is_string()) {
        throw ReferenceError{fmt::format("{} is not a string", field)};
    }
    return value.get<std::string>();
}

std::vector<std::string> strings_field(const Json& value, std::string_view field) {
    std::vector<std::string> out;
    if (value.is_null()) {
        return out;
    }
    if (!value.is_array()) {
        throw ReferenceError{fmt::format("{} is not a list of strings", field)};
    }
    for (const Json& item : value) {
        if (!item.is_string()) {
            throw ReferenceError{fmt::format("{} is not a list of strings", field)};
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

AuditUser user_field(const Json& value, std::string_view field) {
    AuditUser user;
    if (value.is_null()) {
        return user;
    }
    if (!value.is_object()) {
        throw ReferenceError{fmt::format("{} is not an object", field)};
    }
    for (const auto& [key, item] : value.items()) {
        if (key == "username") {
            user.username = string_field(item, fmt::format("{}.username", field));
        } else if (key == "uid") {
            user.uid = string_field(item, fmt::format("{}.uid", field));
        } else if (key == "groups") {
            user.groups = strings_field(item, fmt::format("{}.groups", field));
        } else if (key == "extra") {
            if (item.is_null()) {
                continue;
            }
            if (!item.is_object()) {
                throw ReferenceError{fmt::format("{}.extra is not an object", field)};
            }
            for (const auto& [extra_key, values] : item.items()) {
                std::vector<std::string> list = strings_field(values, fmt::format("{}.extra", field));
                set_extra(user, extra_key, list.empty() ? std::string() : std::move(list.front()));
            }
        }
    }
    return user;
}

int code_field(const Json& value) {
    if (value.is_null()) {
        return 0;
    }
    // Go decodes int32: a fraction or a number out of range is an error.
    if (!value.is_number_integer() || value.get<std::int64_t>() < INT32_MIN ||
        (value.is_number_unsigned() ? value.get<std::uint64_t>() > INT32_MAX
                                    : value.get<std::int64_t>() > INT32_MAX)) {
        throw ReferenceError{"responseStatus.code is not a 32-bit integer"};
    }
    return static_cast<int>(value.get<std::int64_t>());
}

std::optional<std::int64_t> time_field(const Json& value, std::string_view field) {
    const std::string text = string_field(value, field);
    if (text.empty()) {
        return std::nullopt;
    }
    auto time = parse_rfc3339(text);
    if (!time) {
        throw ReferenceError{fmt::format("{} is not an RFC 3339 time: '{}'", field, text)};
    }
    return time;
}

AuditEvent reference_event(const Json& document) {
    if (!document.is_object()) {
        throw ReferenceError{"not a JSON object"};
    }
    AuditEvent event;
    for (const auto& [key, value] : document.items()) {
        if (key == "auditID") {
            event.audit_id = string_field(value, "auditID");
        } else if (key == "stage") {
            event.stage = stage_of(string_field(value, "stage"));
        } else if (key == "level") {
            event.level = string_field(value, "level");
        } else if (key == "verb") {
            event.verb = string_field(value, "verb");
        } else if (key == "requestURI") {
            event.request_uri = string_field(value, "requestURI");
        } else if (key == "user") {
            event.user = user_field(value, "user");
        } else if (key == "impersonatedUser") {
            if (value.is_null()) {
                event.impersonated_user.reset();
            } else {
                event.impersonated_user = user_field(value, "impersonatedUser");
            }
        } else if (key == "objectRef") {
            event.has_object_ref = false;
            event.resource.clear();
            event.subresource.clear();
            event.ns.clear();
            event.name.clear();
            event.api_group.clear();
            if (value.is_null()) {
                continue;
            }
            if (!value.is_object()) {
                throw ReferenceError{"objectRef is not an object"};
            }
            event.has_object_ref = true;
            for (const auto& [ref_key, ref_value] : value.items()) {
                if (ref_key == "resource") {
                    event.resource = string_field(ref_value, "objectRef.resource");
                } else if (ref_key == "subresource") {
                    event.subresource = string_field(ref_value, "objectRef.subresource");
                } else if (ref_key == "namespace") {
                    event.ns = string_field(ref_value, "objectRef.namespace");
                } else if (ref_key == "name") {
                    event.name = string_field(ref_value, "objectRef.name");
                } else if (ref_key == "apiGroup") {
                    event.api_group = string_field(ref_value, "objectRef.apiGroup");
                }
            }
        } else if (key == "responseStatus") {
            event.code = 0;
            if (value.is_null()) {
                continue;
            }
            if (!value.is_object()) {
                throw ReferenceError{"responseStatus is not an object"};
            }
            for (const auto& [status_key, status_value] : value.items()) {
                if (status_key == "code") {
                    event.code = code_field(status_value);
                }
            }
        } else if (key == "requestReceivedTimestamp") {
            event.received = time_field(value, "requestReceivedTimestamp");
        } else if (key == "annotations") {
            event.decision.reset();
            event.reason.reset();
            if (value.is_null()) {
                continue;
            }
            if (!value.is_object()) {
                throw ReferenceError{"annotations is not an object"};
            }
            for (const auto& [annotation, text] : value.items()) {
                if (annotation == kDecisionKey) {
                    event.decision = string_field(text, "annotations");
                } else if (annotation == kReasonKey) {
                    event.reason = string_field(text, "annotations");
                } else if (!text.is_string() && !text.is_null()) {
                    throw ReferenceError{"annotations is not a map of strings"};
                }
            }
        }
    }
    return event;
}

#ifdef RBACGRAPH_SIMDJSON
// ---- the simdjson reader ----
// The DOM API, not On-Demand: it checks the whole document as the reference does (On-Demand reads only what
// is asked, so a broken value in a skipped request body would pass), and still runs at gigabytes a second.

namespace dom = simdjson::dom;

struct FastError {
    std::string message;
};

std::string fast_string(dom::element value, std::string_view field) {
    if (value.is_null()) {
        return {};
    }
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
        throw FastError{fmt::format("{} is not a string", field)};
    }
    return std::string(text);
}

std::vector<std::string> fast_strings(dom::element value, std::string_view field) {
    std::vector<std::string> out;
    if (value.is_null()) {
        return out;
    }
    dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
        throw FastError{fmt::format("{} is not a list of strings", field)};
    }
    for (dom::element item : array) {
        std::string_view text;
        if (item.get_string().get(text) != simdjson::SUCCESS) {
            throw FastError{fmt::format("{} is not a list of strings", field)};
        }
        out.emplace_back(text);
    }
    return out;
}

dom::object fast_object(dom::element value, std::string_view field) {
    dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
        throw FastError{fmt::format("{} is not an object", field)};
    }
    return object;
}

AuditUser fast_user(dom::element value, std::string_view field) {
    AuditUser user;
    if (value.is_null()) {
        return user;
    }
    for (const dom::key_value_pair member : fast_object(value, field)) {
        const std::string_view key = member.key;
        if (key == "username") {
            user.username = fast_string(member.value, fmt::format("{}.username", field));
        } else if (key == "uid") {
            user.uid = fast_string(member.value, fmt::format("{}.uid", field));
        } else if (key == "groups") {
            user.groups = fast_strings(member.value, fmt::format("{}.groups", field));
        } else if (key == "extra") {
            if (member.value.is_null()) {
                continue;
            }
            for (const dom::key_value_pair extra :
                 fast_object(member.value, fmt::format("{}.extra", field))) {
                std::vector<std::string> list = fast_strings(extra.value, fmt::format("{}.extra", field));
                set_extra(user, extra.key, list.empty() ? std::string() : std::move(list.front()));
            }
        }
    }
    return user;
}

int fast_code(dom::element value) {
    if (value.is_null()) {
        return 0;
    }
    // Go decodes int32: a fraction or a number out of range is an error.
    std::int64_t number = 0;
    if (value.type() != dom::element_type::INT64 || value.get_int64().get(number) != simdjson::SUCCESS ||
        number < INT32_MIN || number > INT32_MAX) {
        throw FastError{"responseStatus.code is not a 32-bit integer"};
    }
    return static_cast<int>(number);
}

AuditEvent fast_event(dom::element document) {
    dom::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS) {
        throw FastError{"not a JSON object"};
    }
    AuditEvent event;
    for (const dom::key_value_pair member : object) {
        const std::string_view key = member.key;
        const dom::element value = member.value;
        if (key == "auditID") {
            event.audit_id = fast_string(value, "auditID");
        } else if (key == "stage") {
            event.stage = stage_of(fast_string(value, "stage"));
        } else if (key == "level") {
            event.level = fast_string(value, "level");
        } else if (key == "verb") {
            event.verb = fast_string(value, "verb");
        } else if (key == "requestURI") {
            event.request_uri = fast_string(value, "requestURI");
        } else if (key == "user") {
            event.user = fast_user(value, "user");
        } else if (key == "impersonatedUser") {
            if (value.is_null()) {
                event.impersonated_user.reset();
            } else {
                event.impersonated_user = fast_user(value, "impersonatedUser");
            }
        } else if (key == "objectRef") {
            event.has_object_ref = false;
            event.resource.clear();
            event.subresource.clear();
            event.ns.clear();
            event.name.clear();
            event.api_group.clear();
            if (value.is_null()) {
                continue;
            }
            event.has_object_ref = true;
            for (const dom::key_value_pair ref : fast_object(value, "objectRef")) {
                const std::string_view ref_key = ref.key;
                if (ref_key == "resource") {
                    event.resource = fast_string(ref.value, "objectRef.resource");
                } else if (ref_key == "subresource") {
                    event.subresource = fast_string(ref.value, "objectRef.subresource");
                } else if (ref_key == "namespace") {
                    event.ns = fast_string(ref.value, "objectRef.namespace");
                } else if (ref_key == "name") {
                    event.name = fast_string(ref.value, "objectRef.name");
                } else if (ref_key == "apiGroup") {
                    event.api_group = fast_string(ref.value, "objectRef.apiGroup");
                }
            }
        } else if (key == "responseStatus") {
            event.code = 0;
            if (value.is_null()) {
                continue;
            }
            for (const dom::key_value_pair status : fast_object(value, "responseStatus")) {
                if (status.key == "code") {
                    event.code = fast_code(status.value);
                }
            }
        } else if (key == "requestReceivedTimestamp") {
            const std::string text = fast_string(value, "requestReceivedTimestamp");
            event.received.reset();
            if (!text.empty()) {
                event.received = parse_rfc3339(text);
                if (!event.received) {
                    throw FastError{
                        fmt::format("requestReceivedTimestamp is not an RFC 3339 time: '{}'", text)};
                }
            }
        } else if (key == "annotations") {
            event.decision.reset();
            event.reason.reset();
            if (value.is_null()) {
                continue;
            }
            for (const dom::key_value_pair annotation : fast_object(value, "annotations")) {
                if (!annotation.value.is_null() && !annotation.value.is_string()) {
                    throw FastError{"annotations is not a map of strings"};
                }
                if (annotation.key == kDecisionKey) {
                    event.decision = fast_string(annotation.value, "annotations");
                } else if (annotation.key == kReasonKey) {
                    event.reason = fast_string(annotation.value, "annotations");
                }
            }
        }
    }
    return event;
}
#endif

}  // namespace

std::variant<AuditEvent, std::string> decode_audit_event_reference(std::string_view json) {
    Json document = Json::parse(json, nullptr, false);
    if (document.is_discarded()) {
        return std::string("not valid JSON");
    }
    try {
        return reference_event(document);
    } catch (const ReferenceError& error) {
        return error.message;
    }
}

#ifdef RBACGRAPH_SIMDJSON
bool audit_reader_is_simdjson() {
    return true;
}

std::variant<AuditEvent, std::string> decode_audit_event_in(const char* data, std::size_t size,
                                                            std::size_t capacity) {
    thread_local dom::parser parser;
    dom::element document;
    if (parser.parse(data, size, capacity < size + simdjson::SIMDJSON_PADDING).get(document) !=
        simdjson::SUCCESS) {
        return std::string("not valid JSON");
    }
    try {
        return fast_event(document);
    } catch (const FastError& error) {
        return error.message;
    }
}

std::variant<AuditEvent, std::string> decode_audit_event(std::string_view json) {
    return decode_audit_event_in(json.data(), json.size(), 0);
}
#else
bool audit_reader_is_simdjson() {
    return false;
}

std::variant<AuditEvent, std::string> decode_audit_event_in(const char* data, std::size_t size,
                                                            std::size_t /*capacity*/) {
    return decode_audit_event_reference(std::string_view(data, size));
}

std::variant<AuditEvent, std::string> decode_audit_event(std::string_view json) {
    return decode_audit_event_reference(json);
}
#endif

}  // namespace rbacgraph
