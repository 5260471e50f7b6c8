#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rbacgraph {

/// One piece of a rendered username or group name.
struct ValuePart {
    enum class Kind {
        kLiteral,         ///< known text
        kSessionName,     ///< {{SessionName}} of a session the caller names: [\w+=,.-]{2,64}
        kSessionNameRaw,  ///< {{SessionNameRaw}}: the same, '@' allowed
        kUnknowable,      ///< a value no offline tool can know (EC2 private DNS name, access key ID)
        kAnyPrincipal,    ///< the rest of the canonical ARN of any principal of an account (mapAccounts)
    };
    Kind kind = Kind::kLiteral;
    std::string text;  ///< literal text, or the name of the placeholder
};

/// The outcome of asking whether a (possibly templated) name can equal a given string.
struct ValueMatch {
    enum class Outcome { kNo, kYes, kUnknown };
    Outcome outcome = Outcome::kNo;
    std::string witness;  ///< the session name (or principal ARN) that makes it equal, if any was needed
};

/// A username or group that may depend on a caller-chosen session name or on a value unknown offline.
struct IdentityValue {
    std::vector<ValuePart> parts;

    static IdentityValue literal(std::string text);
    bool is_literal() const;
    /// The text of a literal value (empty otherwise).
    std::string literal_text() const;
    bool depends_on_session() const;
    bool has_unknowable() const;
    /// Human form: literals as is, session parts as {{SessionName}}, unknowable as <...>.
    std::string display() const;
    /// Can this value equal candidate? kYes carries the session name (or ARN) that makes it so.
    ValueMatch match(std::string_view candidate) const;
};

/// What is known about the session that will authenticate.
struct TemplateContext {
    enum class Session { kNone, kKnown, kAny };
    std::string account;
    Session session = Session::kNone;  ///< kNone: an IAM user (no session); kAny: a bare role ARN
    std::string session_name;          ///< with kKnown
};

/// Renders an aws-auth or access-entry username/group template as aws-iam-authenticator does
/// (pkg/server/server.go renderTemplate); the string alternative is the error that denies the request.
std::variant<IdentityValue, std::string> render_template(std::string_view text,
                                                         const TemplateContext& context);

/// True when a session name is acceptable to STS AssumeRole ([\w+=,.@-]{2,64}).
bool is_valid_session_name(std::string_view session);

}  // namespace rbacgraph
