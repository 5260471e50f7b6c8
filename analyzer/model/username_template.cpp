#include "rbacgraph/username_template.hpp"

#include <algorithm>

#include "rbacgraph/arn.hpp"

namespace rbacgraph {
namespace {

constexpr std::string_view kEc2PrivateDnsName = "{{EC2PrivateDNSName}}";
constexpr std::string_view kAccountId = "{{AccountID}}";
constexpr std::string_view kSessionName = "{{SessionName}}";
constexpr std::string_view kSessionNameRaw = "{{SessionNameRaw}}";
constexpr std::string_view kAccessKeyId = "{{AccessKeyID}}";

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// botocore sts roleSessionNameType: [\w+=,.@-]*, length 2..64.
bool is_session_char(char c) {
    return is_word_char(c) || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

// aws-iam-authenticator renderTemplate: ^i-(\w{8}|\w{17})$ before an EC2 lookup.
bool is_instance_id(std::string_view session) {
    if (!session.starts_with("i-")) {
        return false;
    }
    const std::string_view id = session.substr(2);
    return (id.size() == 8 || id.size() == 17) && std::all_of(id.begin(), id.end(), is_word_char);
}

std::string transliterate_session(std::string_view session) {
    std::string out(session);
    std::replace(out.begin(), out.end(), '@', '-');
    return out;
}

void append_literal(std::vector<ValuePart>& parts, std::string_view text) {
    if (text.empty()) {
        return;
    }
    if (!parts.empty() && parts.back().kind == ValuePart::Kind::kLiteral) {
        parts.back().text += text;
        return;
    }
    parts.push_back({ValuePart::Kind::kLiteral, std::string(text)});
}

bool is_variable(const ValuePart& part) {
    return part.kind == ValuePart::Kind::kSessionName || part.kind == ValuePart::Kind::kSessionNameRaw;
}

std::string render_with_session(const std::vector<ValuePart>& parts, std::string_view session) {
    std::string out;
    for (const ValuePart& part : parts) {
        switch (part.kind) {
            case ValuePart::Kind::kLiteral:
                out += part.text;
                break;
            case ValuePart::Kind::kSessionName:
                out += transliterate_session(session);
                break;
            case ValuePart::Kind::kSessionNameRaw:
                out += session;
                break;
            case ValuePart::Kind::kUnknowable:
            case ValuePart::Kind::kAnyPrincipal:
                break;
        }
    }
    return out;
}

ValueMatch match_any_principal(const ValuePart& part, std::string_view candidate) {
    const auto parsed = parse_principal_arn(candidate);
    const Principal* principal = std::get_if<Principal>(&parsed);
    // The username of a mapAccounts principal is its canonical ARN, which is never an assumed-role ARN.
    if (principal == nullptr || principal->kind == PrincipalKind::kAssumedRole ||
        principal->account != part.text) {
        return {};
    }
    return {ValueMatch::Outcome::kYes, std::string(candidate)};
}

}  // namespace

bool is_valid_session_name(std::string_view session) {
    return session.size() >= 2 && session.size() <= 64 &&
           std::all_of(session.begin(), session.end(), is_session_char);
}

IdentityValue IdentityValue::literal(std::string text) {
    IdentityValue value;
    value.parts.push_back({ValuePart::Kind::kLiteral, std::move(text)});
    return value;
}

bool IdentityValue::is_literal() const {
    return std::all_of(parts.begin(), parts.end(),
                       [](const ValuePart& part) { return part.kind == ValuePart::Kind::kLiteral; });
}

std::string IdentityValue::literal_text() const {
    std::string text;
    for (const ValuePart& part : parts) {
        if (part.kind == ValuePart::Kind::kLiteral) {
            text += part.text;
        }
    }
    return text;
}

bool IdentityValue::depends_on_session() const {
    return std::any_of(parts.begin(), parts.end(), is_variable);
}

bool IdentityValue::has_unknowable() const {
    return std::any_of(parts.begin(), parts.end(),
                       [](const ValuePart& part) { return part.kind == ValuePart::Kind::kUnknowable; });
}

std::string IdentityValue::display() const {
    std::string out;
    for (const ValuePart& part : parts) {
        switch (part.kind) {
            case ValuePart::Kind::kLiteral:
                out += part.text;
                break;
            case ValuePart::Kind::kSessionName:
                out += kSessionName;
                break;
            case ValuePart::Kind::kSessionNameRaw:
                out += kSessionNameRaw;
                break;
            case ValuePart::Kind::kUnknowable:
                out += "<" + part.text + ">";
                break;
            case ValuePart::Kind::kAnyPrincipal:
                out += "<ARN of any principal in account " + part.text + ">";
                break;
        }
    }
    return out;
}

ValueMatch IdentityValue::match(std::string_view candidate) const {
    if (parts.size() == 1 && parts[0].kind == ValuePart::Kind::kAnyPrincipal) {
        return match_any_principal(parts[0], candidate);
    }
    if (is_literal()) {
        return {literal_text() == candidate ? ValueMatch::Outcome::kYes : ValueMatch::Outcome::kNo, {}};
    }
    // Literal text before the first and after the last placeholder must line up in any case.
    const auto first_placeholder = std::find_if(parts.begin(), parts.end(), [](const ValuePart& part) {
        return part.kind != ValuePart::Kind::kLiteral;
    });
    const std::string prefix = first_placeholder == parts.begin() ? "" : parts.front().text;
    const std::string suffix = parts.back().kind == ValuePart::Kind::kLiteral ? parts.back().text : "";
    if (!candidate.starts_with(prefix) || !candidate.ends_with(suffix) ||
        candidate.size() < prefix.size() + suffix.size()) {
        return {};
    }
    if (has_unknowable()) {
        return {ValueMatch::Outcome::kUnknown, {}};
    }
    // Every placeholder is the same session name s ({{SessionName}} is s with '@' -> '-'), so choose s
    // from the text at the first placeholder and check the whole rendering.
    const bool raw = first_placeholder->kind == ValuePart::Kind::kSessionNameRaw;
    const std::string_view rest = candidate.substr(prefix.size());
    for (std::size_t length = 2; length <= std::min<std::size_t>(64, rest.size()); ++length) {
        const std::string_view session = rest.substr(0, length);
        if (!is_valid_session_name(session) || (!raw && session.find('@') != std::string_view::npos)) {
            break;  // a longer slice contains the same bad character
        }
        if (render_with_session(parts, session) == candidate) {
            return {ValueMatch::Outcome::kYes, std::string(session)};
        }
    }
    return {};
}

std::variant<IdentityValue, std::string> render_template(std::string_view text,
                                                         const TemplateContext& context) {
    const bool any_session = context.session == TemplateContext::Session::kAny;
    const std::string_view session =
        context.session == TemplateContext::Session::kKnown ? std::string_view(context.session_name) : "";
    if (text.find(kEc2PrivateDnsName) != std::string_view::npos && !any_session && !is_instance_id(session)) {
        return std::string("the username template uses {{EC2PrivateDNSName}} but the session name '") +
               std::string(session) + "' is not an EC2 instance ID, so the authenticator rejects the login";
    }
    IdentityValue value;
    std::size_t position = 0;
    while (position < text.size()) {
        const std::size_t open = text.find("{{", position);
        if (open == std::string_view::npos) {
            append_literal(value.parts, text.substr(position));
            break;
        }
        append_literal(value.parts, text.substr(position, open - position));
        const std::string_view rest = text.substr(open);
        if (rest.starts_with(kEc2PrivateDnsName)) {
            value.parts.push_back({ValuePart::Kind::kUnknowable, "EC2 private DNS name, not known offline"});
            position = open + kEc2PrivateDnsName.size();
        } else if (rest.starts_with(kAccountId)) {
            append_literal(value.parts, context.account);
            position = open + kAccountId.size();
        } else if (rest.starts_with(kSessionNameRaw)) {
            if (any_session) {
                value.parts.push_back({ValuePart::Kind::kSessionNameRaw, {}});
            } else {
                append_literal(value.parts, session);
            }
            position = open + kSessionNameRaw.size();
        } else if (rest.starts_with(kSessionName)) {
            if (any_session) {
                value.parts.push_back({ValuePart::Kind::kSessionName, {}});
            } else {
                append_literal(value.parts, transliterate_session(session));
            }
            position = open + kSessionName.size();
        } else if (rest.starts_with(kAccessKeyId)) {
            value.parts.push_back({ValuePart::Kind::kUnknowable, "access key ID, not known offline"});
            position = open + kAccessKeyId.size();
        } else {
            // Unknown placeholders ({{UserID}}, {{Session}}) stay literally in the output.
            append_literal(value.parts, "{{");
            position = open + 2;
        }
    }
    if (value.parts.empty()) {
        value.parts.push_back({ValuePart::Kind::kLiteral, ""});
    }
    return value;
}

}  // namespace rbacgraph
