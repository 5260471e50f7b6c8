// The IAM side (docs/iam.md): reading get-account-authorization-details, policy evaluation, sts:AssumeRole
// reachability, and answers over an estate of clusters. Sources are named per case; "IAM-eval" is the IAM
// User Guide's policy evaluation logic, "IAM-principal" its Principal element page, "BOTO" botocore.
#include "rbacgraph/iam.hpp"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/estate.hpp"
#include "rbacgraph/rules.hpp"

using namespace rbacgraph;
using rbacgraph::test::load_files;

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAccount = "111122223333";

std::string user_json(const std::string& name, const std::string& inline_document,
                      const std::string& extra = "") {
    std::string out = R"({"UserName": ")" + name +
                      R"(", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/)" + name +
                      R"(", "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": [)";
    if (!inline_document.empty()) {
        out += R"({"PolicyName": "p", "PolicyDocument": )" + inline_document + "}";
    }
    return out + "]" + extra + "}";
}

std::string role_json(const std::string& name, const std::string& trust,
                      const std::string& inline_document = "", const std::string& arn = "") {
    std::string out = R"({"RoleName": ")" + name + R"(", "Path": "/", "Arn": ")" +
                      (arn.empty() ? "arn:aws:iam::111122223333:role/" + name : arn) +
                      R"(", "AssumeRolePolicyDocument": )" + trust +
                      R"(, "AttachedManagedPolicies": [], "RolePolicyList": [)";
    if (!inline_document.empty()) {
        out += R"({"PolicyName": "p", "PolicyDocument": )" + inline_document + "}";
    }
    return out + "]}";
}

std::string dump_json(const std::vector<std::string>& users, const std::vector<std::string>& roles,
                      const std::string& policies = "[]", const std::string& groups = "[]") {
    std::string out = R"({"UserDetailList": [)";
    for (std::size_t i = 0; i < users.size(); ++i) {
        out += (i ? "," : "") + users[i];
    }
    out += R"(], "GroupDetailList": )" + groups + R"(, "RoleDetailList": [)";
    for (std::size_t i = 0; i < roles.size(); ++i) {
        out += (i ? "," : "") + roles[i];
    }
    return out + R"(], "Policies": )" + policies + "}";
}

std::string allow(const std::string& action, const std::string& resource, const std::string& extra = "") {
    return R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ")" + action +
           R"(", "Resource": ")" + resource + "\"" + extra + "}]}";
}

std::string trust(const std::string& principal, const std::string& extra = "") {
    return R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": )" + principal +
           R"(, "Action": "sts:AssumeRole")" + extra + "}]}";
}

struct Iam {
    Export source;
    std::vector<Diagnostic> diagnostics;
    std::unique_ptr<IamIndex> index;

    explicit Iam(const std::string& dump) : source(load_files({{"iam.json", dump}})) {
        index = std::make_unique<IamIndex>(source.iam, diagnostics);
    }
    std::size_t at(std::string_view arn) const {
        const auto found = index->find(arn);
        REQUIRE_MESSAGE(found.has_value(), arn);
        return *found;
    }
    std::optional<AssumeStep> assume(std::string_view caller, std::string_view role) const {
        return index->can_assume(index->caller(caller), at(role));
    }
};

IamDecision decide(const std::string& document_json, std::string_view action, std::string_view resource,
                   bool prefix = false) {
    const Export source = load_files({{"iam.json", dump_json({user_json("u", document_json)}, {})}});
    REQUIRE(source.iam.size() == 1);
    REQUIRE(source.iam[0].users.size() == 1);
    REQUIRE(source.iam[0].users[0].inline_policies.size() == 1);
    const NamedPolicy policy{"p", &source.iam[0].users[0].inline_policies[0].document};
    IamDecision decision = evaluate_policies(std::span(&policy, 1), action, {std::string(resource), prefix});
    decision.statement = nullptr;  // points into `source`, which goes away
    return decision;
}

const std::string kRoleArn = "arn:aws:iam::111122223333:role/target";

}  // namespace

TEST_CASE("IAM wildcards: '*' and '?', actions without case, resources with case") {
    // IAM-eval "Action": action names are case-insensitive; ARNs (Resource) are case-sensitive.
    CHECK(iam_wildcard_match("sts:Assume*", "sts:AssumeRole", true));
    CHECK(iam_wildcard_match("STS:assumerole", "sts:AssumeRole", true));
    CHECK_FALSE(iam_wildcard_match("STS:assumerole", "sts:AssumeRole", false));
    CHECK(iam_wildcard_match("eks:*AccessEntry", "eks:CreateAccessEntry", true));
    CHECK(iam_wildcard_match("eks:?reateAccessEntry", "eks:CreateAccessEntry", true));
    CHECK_FALSE(iam_wildcard_match("eks:?AccessEntry", "eks:CreateAccessEntry", true));
    CHECK(iam_wildcard_match("*", "", true));
    CHECK(iam_wildcard_match("a*b*c", "axxbyyc", false));
    CHECK_FALSE(iam_wildcard_match("a*b*c", "axxbyy", false));
    CHECK_FALSE(iam_wildcard_match("arn:aws:iam::1:role/Dev", "arn:aws:iam::1:role/dev", false));
    // A pattern that is mostly stars stays linear (no exponential backtracking).
    CHECK_FALSE(iam_wildcard_match(std::string(2000, '*') + "x", std::string(5000, 'a'), false));
    // Prefix admission: could some ARN starting with the prefix match the pattern?
    CHECK(iam_pattern_admits_prefix("*", "arn:aws:eks:"));
    CHECK(iam_pattern_admits_prefix("arn:aws:eks:*:111:cluster/*", "arn:aws:eks:"));
    CHECK(iam_pattern_admits_prefix("arn:aws:eks:eu-west-1:111:access-entry/prod/*",
                                    "arn:aws:eks:eu-west-1:111:access-entry/prod/"));
    CHECK_FALSE(iam_pattern_admits_prefix("arn:aws:eks:eu-west-1:111:access-entry/dev/*",
                                          "arn:aws:eks:eu-west-1:111:access-entry/prod/"));
    CHECK_FALSE(iam_pattern_admits_prefix("arn:aws:s3:::*", "arn:aws:eks:"));
}

TEST_CASE("IAM policy evaluation: explicit Deny wins, NotAction/NotResource, conditions stay conditional") {
    // IAM-eval: an explicit deny in any policy overrides any allow.
    const std::string deny_after_allow =
        R"({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                          {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": ")" +
        kRoleArn + R"("}]})";
    CHECK(decide(deny_after_allow, "sts:AssumeRole", kRoleArn).effect == IamEffect::kDeny);
    CHECK(decide(deny_after_allow, "sts:AssumeRole", "arn:aws:iam::111122223333:role/other").effect ==
          IamEffect::kAllow);
    // Nothing allows: implicit deny.
    CHECK(decide(allow("s3:GetObject", "*"), "sts:AssumeRole", kRoleArn).effect == IamEffect::kImplicitDeny);
    // NotAction allows everything but the listed actions.
    const std::string not_action =
        R"({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}})";
    CHECK(decide(not_action, "sts:AssumeRole", kRoleArn).effect == IamEffect::kAllow);
    CHECK(decide(not_action, "iam:PassRole", kRoleArn).effect == IamEffect::kImplicitDeny);
    // NotResource applies to every resource but the listed ones.
    const std::string not_resource =
        R"({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": ")" + kRoleArn +
        R"("}})";
    CHECK(decide(not_resource, "sts:AssumeRole", kRoleArn).effect == IamEffect::kImplicitDeny);
    CHECK(decide(not_resource, "sts:AssumeRole", "arn:aws:iam::111122223333:role/x").effect ==
          IamEffect::kAllow);
    // Conditions are not evaluated: the answer is conditional, never allow or deny (issue 7).
    const std::string conditional =
        allow("sts:AssumeRole", "*", R"(, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}})");
    CHECK(decide(conditional, "sts:AssumeRole", kRoleArn).effect == IamEffect::kConditional);
    const std::string conditional_deny =
        R"({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                          {"Effect": "Deny", "Action": "*", "Resource": "*",
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})";
    CHECK(decide(conditional_deny, "sts:AssumeRole", kRoleArn).effect == IamEffect::kConditional);
    // A statement without Resource is invalid in an identity policy and grants nothing.
    CHECK(decide(R"({"Statement": {"Effect": "Allow", "Action": "*"}})", "sts:AssumeRole", kRoleArn).effect ==
          IamEffect::kImplicitDeny);
    // Resources known only by their start (any access entry of a cluster).
    CHECK(decide(allow("eks:AssociateAccessPolicy", "arn:aws:eks:*:111122223333:access-entry/prod/*"),
                 "eks:AssociateAccessPolicy", "arn:aws:eks:eu-west-1:111122223333:access-entry/prod/", true)
              .effect == IamEffect::kAllow);
}

TEST_CASE("get-account-authorization-details: documents as objects, JSON strings or percent-encoded") {
    // BOTO handlers.py json_decode_policies: the CLI URL-decodes documents; raw API output keeps strings.
    const std::string encoded =
        "\"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%"
        "22Resource%22%3A%22*%22%7D%5D%7D\"";
    const std::string plain_string =
        R"("{\"Statement\": {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}}")";
    const Export source =
        load_files({{"iam.json", dump_json({user_json("a", encoded), user_json("b", plain_string)}, {})}});
    CHECK(count_errors(source.diagnostics) == 0);
    REQUIRE(source.iam.size() == 1);
    CHECK(source.iam[0].account == kAccount);
    REQUIRE(source.iam[0].users.size() == 2);
    const IamStatement& first = source.iam[0].users[0].inline_policies.at(0).document.statements.at(0);
    CHECK(first.allow);
    CHECK(first.actions == std::vector<std::string>{"sts:AssumeRole"});
    const IamStatement& second = source.iam[0].users[1].inline_policies.at(0).document.statements.at(0);
    CHECK_FALSE(second.allow);
    // Statements of a string document are located at the string.
    CHECK(second.location.line == source.iam[0].users[1].location.line);
}

TEST_CASE("get-account-authorization-details: managed policies use their default version only") {
    const std::string policies = R"([{"PolicyName": "m", "Arn": "arn:aws:iam::111122223333:policy/m",
        "DefaultVersionId": "v2", "PolicyVersionList": [
          {"VersionId": "v1", "IsDefaultVersion": false, "Document": )" +
                                 allow("*", "*") + R"(},
          {"VersionId": "v2", "IsDefaultVersion": true, "Document": )" +
                                 allow("s3:GetObject", "*") + R"(}]}])";
    const std::string user = R"({"UserName": "u", "Arn": "arn:aws:iam::111122223333:user/u",
        "AttachedManagedPolicies": {"PolicyName": "m", "PolicyArn": "arn:aws:iam::111122223333:policy/m"}})";
    Iam iam(dump_json({user}, {}, policies));
    CHECK(count_errors(iam.source.diagnostics) == 0);
    const std::size_t u = iam.at("arn:aws:iam::111122223333:user/u");
    // The AWS CLI example prints AttachedManagedPolicies as one object in places: accepted.
    REQUIRE(iam.index->principals()[u].policies.size() == 1);
    CHECK(iam.index->identity_decision(u, "s3:GetObject", {"arn:aws:s3:::b", false}).effect ==
          IamEffect::kAllow);
    CHECK(iam.index->identity_decision(u, "sts:AssumeRole", {kRoleArn, false}).effect ==
          IamEffect::kImplicitDeny);
}

TEST_CASE("get-account-authorization-details: bad input is located and the rest is read") {
    const std::string dump = R"({"UserDetailList": [
        {"UserName": "no-arn"},
        {"UserName": "bad-effect", "Arn": "arn:aws:iam::111122223333:user/bad-effect",
         "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Maybe", "Action": "*", "Resource": "*"}}}]},
        {"UserName": "ok", "Arn": "arn:aws:iam::111122223333:user/ok"},
        42],
      "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r", "AssumeRolePolicyDocument": "not json"}],
      "IsTruncated": true})";
    const Export source = load_files({{"iam.json", dump}});
    std::vector<std::string> messages;
    for (const Diagnostic& diagnostic : source.diagnostics) {
        messages.push_back(format_diagnostic(diagnostic));
    }
    const auto has = [&](std::string_view text) {
        return std::any_of(messages.begin(), messages.end(), [&](const std::string& message) {
            return message.find(text) != std::string::npos;
        });
    };
    CHECK(has("iam.json:2:9: error: missing required field 'Arn' [IAM user no-arn]"));
    CHECK(has("Effect must be Allow or Deny, found 'Maybe'"));
    CHECK(has("UserDetailList entries must be mappings, found integer"));
    CHECK(has("not JSON"));
    CHECK(has("IsTruncated is true"));
    REQUIRE(source.iam.size() == 1);
    CHECK(source.iam[0].users.size() == 2);  // bad-effect (its statement dropped) and ok
    CHECK(source.iam[0].roles.size() == 1);
}

TEST_CASE("sts:AssumeRole: who the trust policy names, and when the caller's own policies must allow it") {
    const std::string alice_can_assume = allow("sts:AssumeRole", kRoleArn);
    const auto check_case = [&](const std::string& trust_document, const std::string& caller_policy,
                                bool expected) {
        Iam iam(dump_json({user_json("alice", caller_policy)}, {role_json("target", trust_document)}));
        CHECK(iam.assume("arn:aws:iam::111122223333:user/alice", kRoleArn).has_value() == expected);
    };
    // IAM-principal: a trust naming the user ARN is enough within the account (resource-based policy).
    check_case(trust(R"({"AWS": "arn:aws:iam::111122223333:user/alice"})"), "", true);
    // IAM-principal: the account root or id delegates to the account; the caller's policies must allow it.
    check_case(trust(R"({"AWS": "arn:aws:iam::111122223333:root"})"), "", false);
    check_case(trust(R"({"AWS": "arn:aws:iam::111122223333:root"})"), alice_can_assume, true);
    check_case(trust(R"({"AWS": "111122223333"})"), alice_can_assume, true);
    check_case(trust(R"({"AWS": "111122223333"})"),
               allow("sts:AssumeRole", "arn:aws:iam::111122223333:role/other"), false);
    // IAM-principal: "*" needs nothing more within the account.
    check_case(trust(R"("*")"), "", true);
    check_case(trust(R"({"AWS": "*"})"), "", true);
    // Another user, a service, a federated provider: not this caller.
    check_case(trust(R"({"AWS": "arn:aws:iam::111122223333:user/bob"})"), alice_can_assume, false);
    check_case(trust(R"({"Service": "ec2.amazonaws.com"})"), alice_can_assume, false);
    check_case(trust(R"({"Federated": "arn:aws:iam::111122223333:saml-provider/okta"})"), alice_can_assume,
               false);
    // 8.1: a unique id (AIDA...) is a deleted principal and matches nobody.
    check_case(trust(R"({"AWS": "AIDAEXAMPLEDELETED01"})"), alice_can_assume, false);
    // An explicit Deny in the trust policy, or in the caller's policies, wins.
    check_case(R"({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
                                 {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"},
                                  "Action": "sts:*"}]})",
               "", false);
    check_case(trust(R"({"AWS": "arn:aws:iam::111122223333:user/alice"})"),
               R"({"Statement": {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}})", false);
    // A trust statement for another action (sts:AssumeRoleWithSAML) does not admit AssumeRole.
    check_case(R"({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithSAML"}})",
               "", false);
    // sts:* and NotAction forms do.
    check_case(R"({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:*"}})", "", true);
    check_case(R"({"Statement": {"Effect": "Allow", "Principal": "*", "NotAction": "s3:*"}})", "", true);
}

TEST_CASE("sts:AssumeRole across accounts needs both sides, conditions make it conditional") {
    // IAM-eval cross-account: the trust policy and the caller's identity policy must both allow.
    const std::string other_account_role = "arn:aws:iam::444455556666:role/target";
    const std::string cross_trust = trust(R"({"AWS": "arn:aws:iam::111122223333:user/alice"})");
    {
        Iam iam(
            dump_json({user_json("alice", "")}, {role_json("target", cross_trust, "", other_account_role)}));
        CHECK_FALSE(iam.assume("arn:aws:iam::111122223333:user/alice", other_account_role).has_value());
    }
    {
        Iam iam(dump_json({user_json("alice", allow("sts:AssumeRole", other_account_role))},
                          {role_json("target", cross_trust, "", other_account_role)}));
        const auto step = iam.assume("arn:aws:iam::111122223333:user/alice", other_account_role);
        REQUIRE(step.has_value());
        CHECK(step->effect == IamEffect::kAllow);
    }
    {
        // A trust statement with a Condition (MFA): reachable, but conditional.
        Iam iam(dump_json(
            {user_json("alice", "")},
            {role_json("target",
                       trust(R"({"AWS": "arn:aws:iam::111122223333:user/alice"})",
                             R"(, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}})"))}));
        const auto step = iam.assume("arn:aws:iam::111122223333:user/alice", kRoleArn);
        REQUIRE(step.has_value());
        CHECK(step->effect == IamEffect::kConditional);
        CHECK(step->why.find("MultiFactorAuthPresent") != std::string::npos);
    }
    {
        // A caller not in the dumps: account delegation depends on policies we cannot see.
        Iam iam(dump_json({}, {role_json("target", trust(R"({"AWS": "111122223333"})"))}));
        const auto step = iam.assume("arn:aws:iam::111122223333:user/ghost", kRoleArn);
        REQUIRE(step.has_value());
        CHECK(step->effect == IamEffect::kConditional);
    }
}

TEST_CASE("sts:AssumeRole chains: sessions of a role assume further roles, and the path is kept") {
    // 8.2.6: a role session can assume roles by the same rules; a session ARN in a trust names one session
    // name of the role, which whoever assumes that role chooses.
    Iam iam(dump_json(
        {user_json("carol", "")},
        {role_json("ops", trust(R"({"AWS": "arn:aws:iam::111122223333:user/carol"})"),
                   allow("sts:AssumeRole", "arn:aws:iam::111122223333:role/admin")),
         role_json("admin", trust(R"({"AWS": "111122223333"})")),
         role_json("audit", trust(R"({"AWS": "arn:aws:sts::111122223333:assumed-role/admin/break-glass"})")),
         role_json("island", trust(R"({"AWS": "arn:aws:iam::111122223333:user/nobody"})"))}));
    const auto routes = iam.index->routes_from(iam.index->caller("arn:aws:iam::111122223333:user/carol"));
    std::map<std::string, std::vector<std::string>> paths;
    for (const IamRoute& route : routes) {
        std::vector<std::string> names;
        for (const std::uint32_t role : route.roles) {
            names.push_back(iam.index->principals()[role].name);
        }
        paths[iam.index->principals()[route.role()].name] = names;
    }
    CHECK(paths.size() == 3);
    CHECK(paths["ops"] == std::vector<std::string>{"ops"});
    CHECK(paths["admin"] == std::vector<std::string>{"ops", "admin"});
    CHECK(paths["audit"] == std::vector<std::string>{"ops", "admin", "audit"});
    CHECK_FALSE(paths.contains("island"));
    // An assumed-role session ARN is its role's caller.
    const IamCaller session = iam.index->caller("arn:aws:sts::111122223333:assumed-role/ops/carol-laptop");
    REQUIRE(session.principal.has_value());
    CHECK(iam.index->principals()[*session.principal].name == "ops");
}

TEST_CASE("a permissions boundary caps identity policies, missing policies are warned about") {
    const std::string policies = R"([{"PolicyName": "b", "Arn": "arn:aws:iam::111122223333:policy/b",
        "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
        "Document": )" + allow("s3:*", "*") +
                                 R"(}]}])";
    const std::string user = user_json("u", allow("*", "*"),
                                       R"(, "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/b"},
        "AttachedManagedPolicies": [{"PolicyName": "gone", "PolicyArn": "arn:aws:iam::aws:policy/Gone"}])");
    Iam iam(dump_json({user}, {}, policies));
    const std::size_t u = iam.at("arn:aws:iam::111122223333:user/u");
    CHECK(iam.index->identity_decision(u, "s3:GetObject", {"arn:aws:s3:::x", false}).effect ==
          IamEffect::kAllow);
    CHECK(iam.index->identity_decision(u, "sts:AssumeRole", {kRoleArn, false}).effect ==
          IamEffect::kImplicitDeny);
    REQUIRE(iam.diagnostics.size() == 1);
    CHECK(iam.diagnostics[0].message.find("arn:aws:iam::aws:policy/Gone is not in the IAM dumps") !=
          std::string::npos);
}

namespace {

const fs::path kSource = RBACGRAPH_SOURCE_DIR;

// testdata/estate: three clusters and one account (docs/estate.md walks through it).
std::unique_ptr<Estate> load_estate() {
    std::vector<Cluster> clusters;
    std::vector<IamAccountDetails> iam;
    for (const char* name : {"dev", "prod", "staging"}) {
        Export source = load_paths({(kSource / "testdata/estate/clusters" / name).string()});
        REQUIRE(count_errors(source.diagnostics) == 0);
        clusters.push_back({name, std::make_shared<const Graph>(std::move(source))});
    }
    Export shared = load_paths({(kSource / "testdata/estate/iam").string()});
    REQUIRE(count_errors(shared.diagnostics) == 0);
    return std::make_unique<Estate>(std::move(clusters), std::move(shared.iam));
}

}  // namespace

TEST_CASE("estate: a user with only sts:AssumeRole on developers reads pods through it, per cluster") {
    const auto estate = load_estate();
    const std::string alice = "arn:aws:iam::111122223333:user/alice";
    const EstateCanI answer =
        can_i_estate(*estate, alice, rbacgraph::test::resource_request("list", "pods", "web"), false);
    REQUIRE(answer.answers.size() == 3);
    std::map<std::string, bool> allowed;
    for (const EstateCanI::Answer& cluster : answer.answers) {
        allowed[cluster.cluster->name] = cluster.decision.allowed();
        if (cluster.decision.allowed()) {
            CHECK(answer.hops[cluster.hop].arn == "arn:aws:iam::111122223333:role/developers");
            CHECK(answer.hops[cluster.hop].route.roles.size() == 1);
        }
    }
    // prod binds group developers cluster-wide; staging in web; dev only in dev-* namespaces.
    CHECK(allowed == std::map<std::string, bool>{{"dev", false}, {"prod", true}, {"staging", true}});
    // Without the role, alice herself is mapped nowhere.
    const EstateWhatCan what = what_can_estate(*estate, alice);
    for (const EstateWhatCan::Answer& cluster : what.answers) {
        if (cluster.hop == 0) {
            CHECK_FALSE(cluster.result.identity.authenticated);
        }
    }
    // And she cannot delete them anywhere.
    CHECK_FALSE(can_i_estate(*estate, alice,
                             rbacgraph::test::resource_request("delete", "pods", "kube-system"), false)
                    .allowed_anywhere());
}

// check over many clusters runs whole clusters on several threads, a window at a time, and files them in
// estate order (issue 33): the report must be the one a single thread gives, finding for finding, including
// fingerprints (numbered in the order met) and timings' counts. 40 clusters span more than one window.
TEST_CASE("estate: check over many clusters on several threads reports as on one") {
    std::vector<Cluster> clusters;
    for (int i = 0; i < 40; ++i) {
        const char* name = std::array{"dev", "prod", "staging"}[static_cast<std::size_t>(i % 3)];
        Export source = load_paths({(kSource / "testdata/estate/clusters" / name).string()});
        clusters.push_back({fmt::format("c{:02}", i), std::make_shared<const Graph>(std::move(source))});
    }
    Export shared = load_paths({(kSource / "testdata/estate/iam").string()});
    const Estate estate(std::move(clusters), std::move(shared.iam));
    const auto report_with = [&](unsigned threads) {
        CheckRun run;
        run.rules = builtin_rules();
        run.threads = threads;
        return run_checks(estate, run);
    };
    const CheckReport one = report_with(1);
    REQUIRE(one.findings.size() > 40);
    for (const unsigned threads : {2U, 5U}) {
        const CheckReport many = report_with(threads);
        REQUIRE(many.findings.size() == one.findings.size());
        for (std::size_t i = 0; i < one.findings.size(); ++i) {
            CHECK(many.findings[i].fingerprint == one.findings[i].fingerprint);
            CHECK(many.findings[i].cluster == one.findings[i].cluster);
            CHECK(many.findings[i].message == one.findings[i].message);
        }
        REQUIRE(many.timings.size() == one.timings.size());
        for (std::size_t i = 0; i < one.timings.size(); ++i) {
            CHECK(many.timings[i].findings == one.timings[i].findings);
        }
    }
    // Every prod and staging copy reports (26 clusters, besides the account-wide findings): a control that
    // the comparison is not of one cluster's findings.
    std::set<std::string> reporting;
    for (const Finding& finding : one.findings) {
        reporting.insert(finding.cluster);
    }
    CHECK(reporting.size() >= 26);
}

TEST_CASE("estate: the IAM rules flag the seeds' scenarios, with paths and clusters") {
    const auto estate = load_estate();
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {"assume-to-masters", "create-cluster-passrole", "eks-api-escalation"};
    const CheckReport report = run_checks(*estate, run);
    std::set<std::tuple<std::string, std::string, std::string>> found;
    for (const Finding& finding : report.findings) {
        found.insert({std::string(finding.rule), finding.object.name, finding.cluster});
    }
    CHECK(found == std::set<std::tuple<std::string, std::string, std::string>>{
                       {"assume-to-masters", "carol", "prod"},
                       {"assume-to-masters", "ops", "prod"},
                       {"create-cluster-passrole", "bob", ""},
                       {"eks-api-escalation", "dave", "prod"},
                   });
    for (const Finding& finding : report.findings) {
        if (finding.object.name == "carol") {
            CHECK(finding.message.find("carol -> ops -> platform-admin") != std::string::npos);
            CHECK(finding.severity == RiskSeverity::kCritical);
        }
    }
    // Who-can lists IAM principals that reach an allowed role.
    const ReachIndex reach(estate->iam());
    const auto& reachers = reach.reachers("arn:aws:iam::111122223333:role/platform-admin");
    std::set<std::string> names;
    for (const Reacher& reacher : reachers) {
        names.insert(estate->iam().principals()[reacher.principal].name);
    }
    CHECK(names == std::set<std::string>{"carol", "ops"});  // erin's Deny on platform-admin wins
}

namespace {

// A real dump loads without errors, indexes every principal, and every principal's routes can be computed
// (trusts naming sessions, roots, services, SAML).
void check_iam_dump(const fs::path& path) {
    Export source = load_paths({path.string()});
    CHECK(count_errors(source.diagnostics) == 0);
    REQUIRE(source.iam.size() == 1);
    std::vector<Diagnostic> diagnostics;
    const IamIndex index(source.iam, diagnostics);
    CHECK(!index.principals().empty());
    CHECK(index.principals().size() == source.iam[0].users.size() + source.iam[0].roles.size());
    const ReachIndex reach(index);
    (void)reach;
}

}  // namespace

// The AWS CLI's documented example, vendored (testdata/corpus/SOURCES.txt): its quirks (an object where a
// list is expected, a single Statement, IsTruncated) must not cost a principal.
TEST_CASE("the AWS CLI's example IAM dump loads without errors and indexes") {
    check_iam_dump(kSource / "testdata" / "corpus" / "awscli-iam-get-account-authorization-details.json");
}

// cloudsplaining's 824 KB dump is too large to vendor: a clone without ../shared reports this case as
// skipped.
const fs::path kCloudsplainingDump = kSource / ".." / "shared" / "corpus" / "eks-real" /
                                     "cloudsplaining-example-iam-authorization-details.json";
TEST_CASE("the shared corpus's cloudsplaining IAM dump loads without errors and indexes" *
          doctest::skip(!fs::exists(kCloudsplainingDump))) {
    check_iam_dump(kCloudsplainingDump);
}

// aws-auth mapping role/target to system:masters.
constexpr std::string_view kTargetIsMasters = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/target
      username: admin
      groups: [system:masters]
)";

TEST_CASE("estate can-i: a route that hinges on a condition answers 'conditional', not yes") {
    // issue 7: a grant that depends on a condition is reported as conditional, never counted as allowed.
    std::vector<Cluster> clusters;
    Export cluster = load_files({{"aws-auth.yaml", std::string(kTargetIsMasters)}});
    clusters.push_back({"c", std::make_shared<const Graph>(std::move(cluster))});
    const Export iam = load_files(
        {{"iam.json",
          dump_json(
              {user_json("alice", "")},
              {role_json("target",
                         trust(R"({"AWS": "arn:aws:iam::111122223333:user/alice"})",
                               R"(, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}})"))})}});
    const Estate estate(std::move(clusters), iam.iam);
    const EstateCanI answer = can_i_estate(estate, "arn:aws:iam::111122223333:user/alice",
                                           rbacgraph::test::resource_request("delete", "nodes"), false);
    REQUIRE(answer.answers.size() == 1);
    CHECK(answer.answers[0].decision.allowed());
    CHECK(answer.answers[0].conditional);
    CHECK_FALSE(answer.allowed_anywhere());
}

// ---- AWS's documented evaluation, case by case (issue 14; eks-iam.md section 10). Each case has a positive
// control.
namespace {

const std::string kUserX = "arn:aws:iam::111122223333:user/x";

// One cluster "prod" (API_AND_CONFIG_MAP) whose aws-auth maps role/target to system:masters, and an IAM dump.
std::unique_ptr<Estate> prod_with(const std::string& dump) {
    std::vector<Cluster> clusters;
    Export cluster = load_files(
        {{"describe-cluster.json",
          R"({"cluster":{"name":"prod","arn":"arn:aws:eks:eu-west-1:111122223333:cluster/prod","accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"}}})"},
         {"aws-auth.yaml", std::string(kTargetIsMasters)}});
    clusters.push_back({"prod", std::make_shared<const Graph>(std::move(cluster))});
    Export iam = load_files({{"iam.json", dump}});
    REQUIRE(count_errors(iam.diagnostics) == 0);
    return std::make_unique<Estate>(std::move(clusters), std::move(iam.iam));
}

Verdict can_get_pods(const Estate& estate, const std::string& arn) {
    return can_i_estate(estate, arn, rbacgraph::test::resource_request("get", "pods", "default"), false)
        .verdict();
}

std::set<std::string> findings_of(const Estate& estate, std::string_view rule) {
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {std::string(rule)};
    std::set<std::string> out;
    for (const Finding& finding : run_checks(estate, run).findings) {
        out.insert(finding.object.name + " " + std::string(to_string(*finding.severity)));
    }
    return out;
}

std::string managed(const std::string& name, const std::string& document) {
    return R"({"PolicyName": ")" + name + R"(", "Arn": "arn:aws:iam::111122223333:policy/)" + name +
           R"(", "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
        "Document": )" +
           document + "}]}";
}

}  // namespace

TEST_CASE("IAM-eval 'at least one Allow': any Allow statement of a trust is a route (defect 1)") {
    // Statement 1 delegates to the account (x has no identity policy: fails); statement 2 names x under MFA.
    const std::string account_and_mfa = R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/x"}, "Action": "sts:AssumeRole",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})";
    const auto estate = prod_with(dump_json({user_json("x", "")}, {role_json("target", account_and_mfa)}));
    CHECK(can_get_pods(*estate, kUserX) == Verdict::kUndetermined);  // conditional, whatever the order
    CHECK(findings_of(*estate, "assume-to-masters") == std::set<std::string>{"x high"});
    // Positive control: with an identity Allow, statement 1 alone is a sure route.
    const auto sure = prod_with(dump_json({user_json("x", allow("sts:AssumeRole", kRoleArn))},
                                          {role_json("target", account_and_mfa)}));
    CHECK(can_get_pods(*sure, kUserX) == Verdict::kAllowed);
    CHECK(findings_of(*sure, "assume-to-masters") == std::set<std::string>{"x critical"});
}

TEST_CASE("IAM-eval: a trust naming a role ARN is limited by that role's permissions boundary (defect 2)") {
    const std::string boundary = managed("s3-only", allow("s3:*", "*"));
    const std::string mid_role =
        R"({"RoleName": "mid", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/mid",
        "AssumeRolePolicyDocument": )" +
        trust(R"({"AWS": "arn:aws:iam::111122223333:user/x"})") + R"(,
        "AttachedManagedPolicies": [], "RolePolicyList": [],
        "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/s3-only"}})";
    // "Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a
    // permissions boundary": x -> mid works, mid -> target does not.
    const auto limited = prod_with(
        dump_json({user_json("x", "")},
                  {mid_role, role_json("target", trust(R"({"AWS": "arn:aws:iam::111122223333:role/mid"})"))},
                  "[" + boundary + "]"));
    CHECK(can_get_pods(*limited, kUserX) == Verdict::kDenied);
    // A trust naming the session ARN is not limited ("not limited by an implicit deny in ... a permissions
    // boundary"): the positive control.
    const auto session = prod_with(dump_json(
        {user_json("x", "")},
        {mid_role,
         role_json("target", trust(R"({"AWS": "arn:aws:sts::111122223333:assumed-role/mid/deploy"})"))},
        "[" + boundary + "]"));
    CHECK(can_get_pods(*session, kUserX) == Verdict::kAllowed);
}

TEST_CASE(
    "IAM-eval row 5: a user's boundary and a trust naming the user: disputed, so conditional, never no") {
    const std::string boundary = managed("s3-only", allow("s3:*", "*"));
    const std::string bounded_x =
        user_json("x", "", R"(, "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/s3-only"})");
    const auto estate = prod_with(
        dump_json({bounded_x}, {role_json("target", trust(R"({"AWS": "arn:aws:iam::111122223333:user/x"})"))},
                  "[" + boundary + "]"));
    const EstateCanI answer =
        can_i_estate(*estate, kUserX, rbacgraph::test::resource_request("get", "pods", "x"), true);
    CHECK(answer.verdict() == Verdict::kUndetermined);
    const auto step = estate->iam().can_assume(estate->iam().caller(kUserX), *estate->iam().find(kRoleArn));
    REQUIRE(step.has_value());
    CHECK(step->why.find("AWS's pages disagree") != std::string::npos);
    // Without the boundary: a sure route.
    const auto plain =
        prod_with(dump_json({user_json("x", "")},
                            {role_json("target", trust(R"({"AWS": "arn:aws:iam::111122223333:user/x"})"))}));
    CHECK(can_get_pods(*plain, kUserX) == Verdict::kAllowed);
}

TEST_CASE("IAM-more id_roles_use_passrole: a role of another account cannot be passed (defect 3)") {
    const std::string cluster_trust = trust(R"({"Service": "eks.amazonaws.com"})");
    const std::string creator = R"({"UserName": "c", "Path": "/", "Arn": "arn:aws:iam::444455556666:user/c",
        "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": [{"PolicyName": "p", "PolicyDocument":
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["eks:CreateCluster", "iam:PassRole"],
        "Resource": "*"}]}}]})";
    const auto foreign = prod_with(dump_json({creator}, {role_json("cluster-role", cluster_trust)}));
    CHECK(findings_of(*foreign, "create-cluster-passrole").empty());
    // Positive control: the same role in the creator's own account.
    const auto own = prod_with(dump_json(
        {creator},
        {role_json("cluster-role", cluster_trust, "", "arn:aws:iam::444455556666:role/cluster-role")}));
    CHECK(findings_of(*own, "create-cluster-passrole") == std::set<std::string>{"c high"});
}

TEST_CASE("IAM-more policy variables: ${aws:username} in a 2012-10-17 policy is the user's name (defect 4)") {
    const std::string by_name =
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::111122223333:role/${aws:username}"}]})";
    const std::string account_trust = trust(R"({"AWS": "111122223333"})");
    Iam iam(dump_json({user_json("target", by_name), user_json("other", by_name)},
                      {role_json("target", account_trust)}));
    const auto step = iam.assume("arn:aws:iam::111122223333:user/target", kRoleArn);
    REQUIRE(step.has_value());
    CHECK(step->effect == IamEffect::kAllow);
    CHECK_FALSE(iam.assume("arn:aws:iam::111122223333:user/other", kRoleArn).has_value());  // role/other
    // "2008-10-17": the text is literal, so nothing matches role/target.
    std::string literal = by_name;
    literal.replace(literal.find("2012-10-17"), 10, "2008-10-17");
    Iam old(dump_json({user_json("target", literal)}, {role_json("target", account_trust)}));
    CHECK_FALSE(old.assume("arn:aws:iam::111122223333:user/target", kRoleArn).has_value());
    // A variable the dump does not tell (a tag): conditional, never silently false.
    std::string tag = by_name;
    tag.replace(tag.find("${aws:username}"), 15, "${aws:PrincipalTag/team}");
    Iam tagged(dump_json({user_json("target", tag)}, {role_json("target", account_trust)}));
    const auto maybe = tagged.assume("arn:aws:iam::111122223333:user/target", kRoleArn);
    REQUIRE(maybe.has_value());
    CHECK(maybe->effect == IamEffect::kConditional);
    // ${aws:userid} from the dump's UserId; ${aws:PrincipalAccount} from the ARN.
    CHECK(decide(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::${aws:PrincipalAccount}/*"}]})",
                 "s3:GetObject", "arn:aws:s3:::111122223333/x")
              .effect ==
          IamEffect::kConditional);  // evaluate_policies without a principal: unknown, conditional
    Iam with_id(dump_json({user_json("target", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:userid}/*"}]})",
                                     R"(, "UserId": "AIDAEXAMPLE")")},
                          {}));
    CHECK(with_id.index
              ->identity_decision(with_id.at("arn:aws:iam::111122223333:user/target"), "s3:GetObject",
                                  {"arn:aws:s3:::home/AIDAEXAMPLE/f", false})
              .effect == IamEffect::kAllow);
    CHECK(with_id.index
              ->identity_decision(with_id.at("arn:aws:iam::111122223333:user/target"), "s3:GetObject",
                                  {"arn:aws:s3:::home/AIDAOTHER/f", false})
              .effect == IamEffect::kImplicitDeny);
}

TEST_CASE(
    "SAR-eks: access-entry actions are authorized on access-entry ARNs, CreateCluster on '*' (defects 5, "
    "6)") {
    const auto user_with = [](const std::string& name, const std::string& statements) {
        return user_json(name, R"({"Version": "2012-10-17", "Statement": [)" + statements + "]}");
    };
    const std::string all_but_entries = R"({"Effect": "Allow", "Action": "eks:*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["eks:AssociateAccessPolicy", "eks:UpdateAccessEntry"],
         "Resource": "arn:aws:eks:eu-west-1:111122223333:access-entry/*"})";
    const std::string on_cluster_only = R"({"Effect": "Allow", "Action": ["eks:CreateAccessEntry",
        "eks:AssociateAccessPolicy", "eks:UpdateAccessEntry"], "Resource": "arn:aws:eks:eu-west-1:111122223333:cluster/prod"})";
    const std::string everything = R"({"Effect": "Allow", "Action": "eks:*", "Resource": "*"})";
    const auto estate =
        prod_with(dump_json({user_with("denied", all_but_entries), user_with("cluster", on_cluster_only),
                             user_with("admin", everything)},
                            {}));
    // Create entry only: high; both create and associate (the positive control): critical.
    CHECK(findings_of(*estate, "eks-api-escalation") ==
          std::set<std::string>{"admin critical", "cluster high", "denied high"});
    // eks:CreateCluster on cluster ARNs only does not allow it; on "*" it does.
    const std::string cluster_trust = trust(R"({"Service": "eks.amazonaws.com"})");
    const auto creators = prod_with(dump_json(
        {user_with(
             "narrow",
             R"({"Effect": "Allow", "Action": "eks:CreateCluster", "Resource": "arn:aws:eks:*:111122223333:cluster/*"},
                               {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})"),
         user_with(
             "wide",
             R"({"Effect": "Allow", "Action": ["eks:CreateCluster", "iam:PassRole"], "Resource": "*"})")},
        {role_json("cluster-role", cluster_trust)}));
    CHECK(findings_of(*creators, "create-cluster-passrole") == std::set<std::string>{"wide high"});
}

TEST_CASE("IAM-principal: a trust naming one session admits that session only (defect 7)") {
    const auto estate = prod_with(dump_json(
        {}, {role_json("r1", trust(R"({"AWS": "*"})")),
             role_json("target", trust(R"({"AWS": "arn:aws:sts::111122223333:assumed-role/r1/deploy"})"))}));
    CHECK(can_get_pods(*estate, "arn:aws:sts::111122223333:assumed-role/r1/other") == Verdict::kDenied);
    CHECK(can_get_pods(*estate, "arn:aws:sts::111122223333:assumed-role/r1/deploy") == Verdict::kAllowed);
    CHECK(can_get_pods(*estate, "arn:aws:iam::111122223333:role/r1") ==
          Verdict::kAllowed);  // any session it names
}

TEST_CASE("IAM-more: the account root user cannot assume a role (defect 8)") {
    const auto estate = prod_with(dump_json({user_json("u", "")}, {role_json("target", trust(R"("*")"))}));
    CHECK(can_get_pods(*estate, "arn:aws:iam::111122223333:root") == Verdict::kDenied);
    CHECK(can_get_pods(*estate, "arn:aws:iam::111122223333:user/u") == Verdict::kAllowed);  // control
}

TEST_CASE("IAM-more NotPrincipal: exceptions need every level, IAM refuses it in trust policies (defect 9)") {
    // AWS's example: Deny to everyone but Bob lists Bob's ARN and his account's.
    const std::string all_but_erin = R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:user/erin", "arn:aws:iam::111122223333:root"]},
         "Action": "sts:AssumeRole"}]})";
    Iam iam(dump_json({user_json("erin", ""), user_json("frank", "")}, {role_json("target", all_but_erin)}));
    const auto erin = iam.assume("arn:aws:iam::111122223333:user/erin", kRoleArn);
    REQUIRE(erin.has_value());
    CHECK(erin->effect == IamEffect::kAllow);
    CHECK_FALSE(iam.assume("arn:aws:iam::111122223333:user/frank", kRoleArn)
                    .has_value());         // the account ARN exempts nobody else
    CHECK_FALSE(iam.diagnostics.empty());  // flagged: not an input IAM accepts
    // Erin listed without her account: AWS does not say; undetermined (conditional), not allowed or denied.
    std::string partial = all_but_erin;
    const std::string account_level = R"(, "arn:aws:iam::111122223333:root")";
    partial.replace(partial.find(account_level), account_level.size(), "");
    Iam unclear(dump_json({user_json("erin", "")}, {role_json("target", partial)}));
    const auto maybe = unclear.assume("arn:aws:iam::111122223333:user/erin", kRoleArn);
    REQUIRE(maybe.has_value());
    CHECK(maybe->effect == IamEffect::kConditional);
    // Allow with NotPrincipal in a trust: refused by IAM, admits nobody here.
    Iam allow_not(
        dump_json({user_json("erin", "")}, {role_json("target", R"({"Statement": [{"Effect": "Allow",
        "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "sts:AssumeRole"}]})")}));
    CHECK_FALSE(allow_not.assume("arn:aws:iam::111122223333:user/erin", kRoleArn).has_value());
}
