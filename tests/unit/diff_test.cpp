// rbacgraph diff (docs/diff.md): permissions compare by what they allow, not by the grant; identity changes
// (aws-auth edits, access entries, the authentication mode) are access changes; a gain is rated by the new
// (or widened) findings that name its holder; estates pair clusters by name and follow assume-role routes.
#include "rbacgraph/diff.hpp"

#include <fmt/format.h>

#include <sstream>

#include "helpers.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::test {
namespace {

AccessDiff diff_of(const std::vector<std::pair<std::string, std::string>>& base,
                   const std::vector<std::pair<std::string, std::string>>& head) {
    const Graph before(load_files(base));
    const Graph after(load_files(head));
    CheckRun run;
    run.rules = builtin_rules();
    return diff_access(before, after, run_checks(before, run), run_checks(after, run));
}

const AccessChange* change_of(const AccessDiff& diff, std::string_view principal) {
    const auto found =
        std::find_if(diff.changes.begin(), diff.changes.end(),
                     [&](const AccessChange& change) { return change.principal == principal; });
    return found == diff.changes.end() ? nullptr : &*found;
}

std::string binding(std::string_view name, std::string_view role, std::string_view group) {
    return fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: {}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {}}}
subjects: [{{apiGroup: rbac.authorization.k8s.io, kind: Group, name: {}}}]
)",
                       name, role, group);
}

std::string role(std::string_view name, std::string_view resource, std::string_view verbs) {
    return fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: {}}}
rules: [{{apiGroups: [""], resources: [{}], verbs: [{}]}}]
)",
                       name, resource, verbs);
}

std::string aws_auth(std::string_view groups) {
    return fmt::format(R"(apiVersion: v1
kind: ConfigMap
metadata: {{name: aws-auth, namespace: kube-system}}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ci
      username: ci
      groups: [{}]
)",
                       groups);
}

TEST_CASE("diff: the same access through another binding is no change, one more verb is") {
    const auto base =
        std::vector<std::pair<std::string, std::string>>{{"a.yaml", aws_auth("ops")},
                                                         {"r.yaml", role("reader", "configmaps", "get")},
                                                         {"b.yaml", binding("one", "reader", "ops")}};
    const AccessDiff same = diff_of(base, {{"a.yaml", aws_auth("ops")},
                                           {"r.yaml", role("reader2", "configmaps", "get")},
                                           {"b.yaml", binding("two", "reader2", "ops")}});
    CHECK(same.changes.empty());  // neither the role's ARN nor Group ops can do anything else
    // Positive control: list added.
    const AccessDiff more = diff_of(base, {{"a.yaml", aws_auth("ops")},
                                           {"r.yaml", role("reader", "configmaps", "get, list")},
                                           {"b.yaml", binding("one", "reader", "ops")}});
    const AccessChange* ci = change_of(more, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    REQUIRE(ci->gained.size() == 1);
    CHECK(ci->gained[0].verbs == std::vector<std::string>{"list"});
    CHECK(ci->lost.empty());
    // get/list configmaps trips no rule: below every threshold.
    CHECK_FALSE(ci->severity);
    CHECK(more.failing(RiskSeverity::kInfo) == 0);
}

TEST_CASE("diff: gaining get secrets cluster-wide is rated by the finding it brings (high)") {
    const AccessDiff diff = diff_of({{"a.yaml", aws_auth("ops")},
                                     {"r.yaml", role("reader", "configmaps", "get")},
                                     {"b.yaml", binding("one", "reader", "ops")}},
                                    {{"a.yaml", aws_auth("ops")},
                                     {"r.yaml", role("reader", "secrets", "get")},
                                     {"b.yaml", binding("one", "reader", "ops")}});
    const AccessChange* ci = change_of(diff, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->severity == RiskSeverity::kHigh);
    CHECK(ci->gained.size() == 1);
    CHECK(ci->lost.size() == 1);
    CHECK(diff.failing(RiskSeverity::kHigh) == 1);
    CHECK(diff.failing(RiskSeverity::kCritical) == 0);
    CHECK(diff.failing(std::nullopt) == 0);
    REQUIRE(diff.new_findings.size() == 1);
    CHECK(diff.new_findings[0].rule == "secrets-access");
}

TEST_CASE("diff: an aws-auth edit into system:masters is an identity change and everything gained") {
    const AccessDiff diff = diff_of({{"a.yaml", aws_auth("ops")}}, {{"a.yaml", aws_auth("system:masters")}});
    const AccessChange* ci = change_of(diff, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->identity_changed());
    CHECK(ci->identity_after.find("system:masters") != std::string::npos);
    REQUIRE(ci->gained.size() == 1);
    CHECK(ci->gained[0].via.find("system:masters") != std::string::npos);
    CHECK(ci->severity == RiskSeverity::kCritical);
}

TEST_CASE("diff: grants a wider grant now covers are subsumed, not lost") {
    // Issue 31: adding system:masters, or '*', listed the narrower grants it covers as lost. The RBAC
    // authorizer matches '*' against every verb and resource (rbac.go VerbMatches, ResourceMatches), and
    // system:masters is allowed before any authorizer: the access is kept.
    const auto base =
        std::vector<std::pair<std::string, std::string>>{{"a.yaml", aws_auth("ops")},
                                                         {"r.yaml", role("reader", "configmaps", "get")},
                                                         {"b.yaml", binding("one", "reader", "ops")}};
    const AccessDiff masters = diff_of(base, {{"a.yaml", aws_auth("ops, system:masters")}});
    const AccessChange* ci = change_of(masters, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->lost.empty());
    REQUIRE(ci->subsumed.size() == 1);
    CHECK(ci->subsumed[0].resource == "configmaps");
    // '*' verbs on '*' resources of the core group cover get configmaps; a wildcard of another group does not
    // (the control: that grant is lost).
    const AccessDiff wide = diff_of(base, {{"a.yaml", aws_auth("ops")},
                                           {"r.yaml", role("reader", "'*'", "'*'")},
                                           {"b.yaml", binding("one", "reader", "ops")}});
    ci = change_of(wide, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->lost.empty());
    CHECK(ci->subsumed.size() == 1);
    const AccessDiff other_group = diff_of(base, {{"a.yaml", aws_auth("ops")},
                                                  {"r.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [apps], resources: ['*'], verbs: ['*']}]
)"},
                                                  {"b.yaml", binding("one", "reader", "ops")}});
    ci = change_of(other_group, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->lost.size() == 1);
    CHECK(ci->subsumed.empty());
    // The other way: a grant HEAD adds that BASE's '*' already allowed is no gain.
    const auto wide_base =
        std::vector<std::pair<std::string, std::string>>{{"a.yaml", aws_auth("ops")},
                                                         {"r.yaml", role("reader", "configmaps", "'*'")},
                                                         {"b.yaml", binding("one", "reader", "ops")}};
    auto narrow_added = wide_base;
    narrow_added.push_back({"r2.yaml", role("getter", "configmaps", "get")});
    narrow_added.push_back({"b2.yaml", binding("two", "getter", "ops")});
    const AccessDiff covered = diff_of(wide_base, narrow_added);
    CHECK(change_of(covered, "arn:aws:iam::111122223333:role/ci") == nullptr);  // nothing changed
    // Its control: the same grant on a resource BASE did not cover is a gain.
    narrow_added.back() = {"b2.yaml", binding("two", "getter", "ops")};
    narrow_added[3] = {"r2.yaml", role("getter", "secrets", "get")};
    const AccessDiff gained = diff_of(wide_base, narrow_added);
    ci = change_of(gained, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->gained.size() == 1);
    CHECK(ci->already_allowed.empty());
}

TEST_CASE("diff: moving a cluster to API mode kills its aws-auth entries (lost access)") {
    const std::string config_map =
        R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}})";
    const std::string api = R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": "API"}}})";
    const AccessDiff diff = diff_of({{"a.yaml", aws_auth("system:masters")}, {"c.json", config_map}},
                                    {{"a.yaml", aws_auth("system:masters")}, {"c.json", api}});
    const AccessChange* ci = change_of(diff, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->identity_after == "does not authenticate");
    CHECK(ci->gained.empty());
    CHECK(ci->lost.size() == 1);
    CHECK_FALSE(ci->severity);
}

// An access entry for role/ci with one associated policy at cluster scope.
std::vector<std::pair<std::string, std::string>> access_entry_with(std::string_view policy) {
    return {
        {"c.json", R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": "API"}}})"},
        {"e.json",
         R"({"accessEntry": {"clusterName": "c", "principalArn": "arn:aws:iam::111122223333:role/ci",
                 "kubernetesGroups": [], "type": "STANDARD"}})"},
        {"p.json", fmt::format(R"({{"clusterName": "c", "principalArn": "arn:aws:iam::111122223333:role/ci",
                 "associatedAccessPolicies": [{{"policyArn": "arn:aws:eks::aws:cluster-access-policy/{}",
                 "accessScope": {{"type": "cluster"}}}}]}})",
                               policy)}};
}

// eks-access-entries: a policy whose rule table AWS does not publish grants what the input cannot know; the
// diff must not call its appearance "no change" (the one rule: undetermined, never no).
TEST_CASE("diff: an access policy without a published rule table is an undetermined gain, never nothing") {
    const std::vector<std::pair<std::string, std::string>> base = {
        {"c.json", R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": "API"}}})"},
        {"e.json",
         R"({"accessEntry": {"clusterName": "c", "principalArn": "arn:aws:iam::111122223333:role/ci",
                     "kubernetesGroups": [], "type": "STANDARD"}})"}};
    const AccessDiff unknown = diff_of(base, access_entry_with("AmazonEKSPolicyNobodyPublished"));
    const AccessChange* ci = change_of(unknown, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    REQUIRE(ci->gained.size() == 1);
    CHECK(ci->gained[0].undetermined);
    CHECK(ci->gained[0].resource == "(rules not published)");
    CHECK(unknown.undetermined_gains() == 1);
    // Positive control: a published policy's rows are certain.
    const AccessDiff view = diff_of(base, access_entry_with("AmazonEKSViewPolicy"));
    const AccessChange* viewer = change_of(view, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(viewer != nullptr);
    CHECK(viewer->gained.size() > 10);
    CHECK(view.undetermined_gains() == 0);
}

// A finding both sides have (same fingerprint) that now reaches one more IAM role counts like a new one:
// mapping role/ci into a group bound to read every secret widens secrets-access on that binding.
TEST_CASE("diff: an existing finding that reaches a new holder is widened and rates the gain") {
    const auto rbac = std::vector<std::pair<std::string, std::string>>{
        {"r.yaml", role("reader", "secrets", "get")}, {"b.yaml", binding("one", "reader", "readers")}};
    auto base = rbac;
    base.emplace_back("a.yaml", aws_auth("ops"));
    auto head = rbac;
    head.emplace_back("a.yaml", aws_auth("readers"));
    const AccessDiff diff = diff_of(base, head);
    CHECK(diff.new_findings.empty());
    REQUIRE(diff.changed_findings.size() == 1);
    const ChangedFinding& changed = diff.changed_findings[0];
    CHECK(changed.finding.rule == "secrets-access");
    CHECK(changed.new_holders == std::vector<std::string>{"arn:aws:iam::111122223333:role/ci"});
    CHECK(changed.widened());
    CHECK(diff.failing(RiskSeverity::kHigh) == 1);
    const AccessChange* ci = change_of(diff, "arn:aws:iam::111122223333:role/ci");
    REQUIRE(ci != nullptr);
    CHECK(ci->severity == RiskSeverity::kHigh);
    // Control: the reverse change narrows the same finding, which is listed and never fails a gate.
    const AccessDiff narrowed = diff_of(head, base);
    REQUIRE(narrowed.changed_findings.size() == 1);
    CHECK(narrowed.changed_findings[0].former_holders ==
          std::vector<std::string>{"arn:aws:iam::111122223333:role/ci"});
    CHECK_FALSE(narrowed.changed_findings[0].widened());
    CHECK(narrowed.failing(RiskSeverity::kLow) ==
          0);  // its new findings (groups nobody is mapped to) are info
}

struct EstateSide {
    std::unique_ptr<Estate> estate;
    CheckReport report;
};

// One side of testdata/estate-diff: its cluster subdirectories and its own IAM dump.
EstateSide estate_side(std::string_view side, const std::vector<std::string>& clusters) {
    std::vector<Cluster> loaded;
    for (const std::string& name : clusters) {
        loaded.push_back({name, std::make_shared<const Graph>(
                                    load_testdata(fmt::format("estate-diff/{}/{}", side, name)))});
    }
    Export iam = load_testdata(fmt::format("estate-diff/{}/iam-111122223333.json", side));
    EstateSide out;
    out.estate = std::make_unique<Estate>(std::move(loaded), std::move(iam.iam));
    CheckRun run;
    run.rules = builtin_rules();
    out.report = run_checks(*out.estate, run);
    return out;
}

const AccessChange* change_in(const AccessDiff& diff, std::string_view cluster, std::string_view principal) {
    for (const AccessChange& change : diff.changes) {
        if (change.cluster == cluster && change.principal == principal) {
            return &change;
        }
    }
    return nullptr;
}

// docs/diff.md "Estates": clusters pair by name, a new cluster is compared with an empty one, a changed role
// names who reaches it, and a user whose assume-role routes changed gets the access of the role it now
// reaches.
TEST_CASE("diff: estates pair clusters by name and follow assume-role routes") {
    const EstateSide base = estate_side("base", {"dev", "prod", "staging"});
    const EstateSide head = estate_side("head", {"dev", "prod", "qa", "staging"});
    const AccessDiff diff = diff_access(*base.estate, *head.estate, base.report, head.report);
    const std::string developers = "arn:aws:iam::111122223333:role/developers";
    const std::string bob = "arn:aws:iam::111122223333:user/bob";
    // qa exists only in HEAD: developers becomes cluster admin there.
    const AccessChange* qa = change_in(diff, "qa", developers);
    REQUIRE(qa != nullptr);
    CHECK(qa->identity_before == "does not authenticate");
    CHECK(qa->severity == RiskSeverity::kCritical);
    CHECK(std::find(qa->reached_by.begin(), qa->reached_by.end(),
                    "arn:aws:iam::111122223333:user/alice -> " + developers) != qa->reached_by.end());
    // staging: the new secrets binding, rated by its new finding.
    const AccessChange* staging = change_in(diff, "staging", developers);
    REQUIRE(staging != nullptr);
    CHECK(staging->severity == RiskSeverity::kHigh);
    REQUIRE(staging->gained.size() == 1);
    CHECK(staging->gained[0].resource == "secrets");
    // bob may now assume developers (HEAD's IAM dump): he gains its access in every cluster, through the
    // route.
    const AccessChange* bob_prod = change_in(diff, "prod", bob);
    REQUIRE(bob_prod != nullptr);
    CHECK(bob_prod->routes_changed);
    CHECK(bob_prod->reaches == std::vector<std::string>{developers});
    REQUIRE_FALSE(bob_prod->gained.empty());
    CHECK(bob_prod->gained[0].via.starts_with("route " + bob + " -> " + developers));
    CHECK(change_in(diff, "staging", bob) != nullptr);
    // Control: alice reached developers on both sides, so she has no entry of her own; prod's developers did
    // not change.
    CHECK(change_in(diff, "prod", "arn:aws:iam::111122223333:user/alice") == nullptr);
    CHECK(change_in(diff, "prod", developers) == nullptr);
    // The same estates diffed against themselves: nothing.
    const AccessDiff same = diff_access(*head.estate, *head.estate, head.report, head.report);
    CHECK(same.changes.empty());
    CHECK(same.new_findings.empty());
    CHECK(same.changed_findings.empty());
}

TEST_CASE("diff markdown: a comment GitHub accepts, with a marker, whatever the change's size") {
    // Issue 31: BASE empty against a large HEAD made megabytes of Markdown, and GitHub refuses a comment over
    // 65,536 characters; the marker lets a workflow update its own comment.
    std::string head = role("reader", "secrets", "get, list");
    for (int i = 0; i < 1500; ++i) {
        head += "---\n" + binding(fmt::format("team-{}", i), "reader", fmt::format("team-{}", i));
    }
    const AccessDiff big =
        diff_of({{"base.yaml", role("reader", "secrets", "get, list")}}, {{"head.yaml", head}});
    REQUIRE(big.changes.size() == 1500);
    std::ostringstream comment;
    write_diff_markdown(comment, big, RiskSeverity::kHigh);
    const std::string text = comment.str();
    CHECK(text.size() <= kGithubCommentLimit);
    CHECK(text.starts_with(std::string(kDiffCommentMarker) + "\n"));
    CHECK(text.find("Not shown, to keep this comment under GitHub's 65,536 characters") != std::string::npos);
    // The new findings, which fail the gate, come before the principals' details.
    CHECK(text.find("New findings") < text.find("<details><summary><code>"));
    // Positive control: a small change is whole, with no such line.
    std::ostringstream small;
    write_diff_markdown(small,
                        diff_of({}, {{"head.yaml", role("reader", "secrets", "get") + "---\n" +
                                                       binding("one", "reader", "one")}}),
                        RiskSeverity::kHigh);
    CHECK(small.str().starts_with(kDiffCommentMarker));
    CHECK(small.str().find("Not shown") == std::string::npos);
}

}  // namespace
}  // namespace rbacgraph::test
