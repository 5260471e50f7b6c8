// ARNs: kubernetes-sigs/aws-iam-authenticator pkg/arn/arn.go Canonicalize (and arn_test.go).
// Templates: pkg/server/server.go renderTemplate; session names: botocore sts roleSessionNameType.
#include "helpers.hpp"
#include "rbacgraph/arn.hpp"
#include "rbacgraph/username_template.hpp"

namespace rbacgraph::test {
namespace {

std::string canonical(std::string_view arn) {
    const auto parsed = parse_principal_arn(arn);
    REQUIRE(std::holds_alternative<Principal>(parsed));
    return std::get<Principal>(parsed).canonical_arn();
}

TEST_CASE("canonical ARNs: assumed-role sessions become their role, everything else is unchanged") {
    CHECK(canonical("arn:aws:iam::123456789012:user/Alice") == "arn:aws:iam::123456789012:user/Alice");
    CHECK(canonical("arn:aws:iam::123456789012:user/division/Alice") ==
          "arn:aws:iam::123456789012:user/division/Alice");
    CHECK(canonical("arn:aws:iam::123456789012:role/Users") == "arn:aws:iam::123456789012:role/Users");
    CHECK(canonical("arn:aws:sts::123456789012:assumed-role/Admin/Session") ==
          "arn:aws:iam::123456789012:role/Admin");
    CHECK(canonical("arn:aws:sts::123456789012:assumed-role/Org/Team/Admin/Session") ==
          "arn:aws:iam::123456789012:role/Org/Team/Admin");
    CHECK(canonical("arn:aws:sts::123456789012:federated-user/Bob") ==
          "arn:aws:sts::123456789012:federated-user/Bob");
    CHECK(canonical("arn:aws:iam::123456789012:root") == "arn:aws:iam::123456789012:root");
    CHECK(canonical("arn:aws-cn:iam::123456789012:role/x") == "arn:aws-cn:iam::123456789012:role/x");
}

TEST_CASE("ARNs the authenticator rejects") {
    CHECK_FALSE(is_principal_arn("NOT AN ARN"));
    CHECK_FALSE(is_principal_arn("arn:aws:sts::1:assumed-role/OnlyRole"));
    CHECK_FALSE(is_principal_arn("arn:aws:iam::1:group/devs"));
    CHECK_FALSE(is_principal_arn("arn:aws:s3:::bucket"));
    CHECK_FALSE(is_principal_arn("arn:aws-moon:iam::1:user/x"));
    CHECK_FALSE(is_principal_arn("arn:aws:iam::1"));
}

// IAM API reference, CreateRole RoleName / CreateUser UserName: [\w+=,.@-]+.
TEST_CASE("names IAM never issues: '*' and other characters outside [\\w+=,.@-]") {
    const auto impossible = [](std::string_view arn) {
        return impossible_principal_name(std::get<Principal>(parse_principal_arn(arn))).has_value();
    };
    CHECK(impossible("arn:aws:iam::1:role/*"));
    CHECK(impossible("arn:aws:iam::1:role/teams/*"));
    CHECK(impossible("arn:aws:iam::1:user/dev?"));
    CHECK(impossible("arn:aws:sts::1:assumed-role/ad*min/s"));
    CHECK_FALSE(impossible("arn:aws:iam::1:role/Admin_Role+x=y,z.w@v-1"));  // every allowed character
    CHECK_FALSE(impossible("arn:aws:iam::1:root"));
    CHECK_FALSE(impossible("arn:aws:sts::1:federated-user/bob"));
}

TEST_CASE("a role's sessions carry no path: role/teams/x is matched as role/x") {
    const auto parsed = parse_principal_arn("arn:aws:iam::1:role/teams/dev/x");
    const Principal& role = std::get<Principal>(parsed);
    CHECK(role.path == "/teams/dev/");
    CHECK(role.session_role_arn() == "arn:aws:iam::1:role/x");
}

IdentityValue render(std::string_view text, TemplateContext context) {
    auto rendered = render_template(text, context);
    REQUIRE(std::holds_alternative<IdentityValue>(rendered));
    return std::get<IdentityValue>(rendered);
}

TEST_CASE("templates with a known session: AccountID, SessionName ('@' -> '-'), SessionNameRaw") {
    const TemplateContext context{"111122223333", TemplateContext::Session::kKnown, "jane@corp.com"};
    CHECK(render("u-{{SessionName}}", context).literal_text() == "u-jane-corp.com");
    CHECK(render("{{SessionNameRaw}}", context).literal_text() == "jane@corp.com");
    CHECK(render("acct-{{AccountID}}", context).literal_text() == "acct-111122223333");
    // Unknown placeholders stay literally in the output.
    CHECK(render("{{UserID}}-{{Session}}", context).literal_text() == "{{UserID}}-{{Session}}");
}

TEST_CASE("an IAM user has no session: {{SessionName}} renders empty, {{EC2PrivateDNSName}} fails") {
    const TemplateContext user{"1", TemplateContext::Session::kNone, {}};
    CHECK(render("x{{SessionName}}y", user).literal_text() == "xy");
    CHECK(std::holds_alternative<std::string>(render_template("system:node:{{EC2PrivateDNSName}}", user)));
}

TEST_CASE(
    "{{EC2PrivateDNSName}} needs an instance-ID session (^i-(\\w{8}|\\w{17})$) and is unknowable offline") {
    const TemplateContext not_instance{"1", TemplateContext::Session::kKnown, "bob"};
    CHECK(std::holds_alternative<std::string>(
        render_template("system:node:{{EC2PrivateDNSName}}", not_instance)));
    const TemplateContext instance{"1", TemplateContext::Session::kKnown, "i-0123456789abcdef0"};
    const IdentityValue node = render("system:node:{{EC2PrivateDNSName}}", instance);
    CHECK(node.has_unknowable());
    CHECK(node.match("system:node:ip-10-0-0-1.ec2.internal").outcome == ValueMatch::Outcome::kUnknown);
    CHECK(node.match("system:kube-proxy").outcome == ValueMatch::Outcome::kNo);
}

TEST_CASE("a bare role's session name is the caller's choice: u-{{SessionName}} reaches u-bob") {
    const TemplateContext any{"1", TemplateContext::Session::kAny, {}};
    const IdentityValue value = render("u-{{SessionName}}", any);
    const ValueMatch bob = value.match("u-bob");
    CHECK(bob.outcome == ValueMatch::Outcome::kYes);
    CHECK(bob.witness == "bob");
    // Session names are 2..64 of [\w+=,.@-]; {{SessionName}} never contains '@', ':' or '/'.
    CHECK(value.match("u-b").outcome == ValueMatch::Outcome::kNo);
    CHECK(value.match("u-a@b").outcome == ValueMatch::Outcome::kNo);
    CHECK(value.match("u-a:b").outcome == ValueMatch::Outcome::kNo);
    CHECK(value.match("v-bob").outcome == ValueMatch::Outcome::kNo);
    CHECK(render("u-{{SessionNameRaw}}", any).match("u-a@b").outcome == ValueMatch::Outcome::kYes);
    // Every occurrence is the same session name.
    const IdentityValue twice = render("{{SessionName}}.{{SessionName}}", any);
    CHECK(twice.match("ab.ab").outcome == ValueMatch::Outcome::kYes);
    CHECK(twice.match("ab.cd").outcome == ValueMatch::Outcome::kNo);
}

TEST_CASE("session names accepted by STS") {
    CHECK(is_valid_session_name("jane@corp.com"));
    CHECK(is_valid_session_name("i-0123456789abcdef0"));
    CHECK_FALSE(is_valid_session_name("x"));
    CHECK_FALSE(is_valid_session_name("a:b"));
    CHECK_FALSE(is_valid_session_name(std::string(65, 'a')));
}

}  // namespace
}  // namespace rbacgraph::test
