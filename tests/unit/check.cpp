// The check runner: capabilities over effective permissions, suppressions, fingerprints, baselines,
// thresholds.
#include "rbacgraph/check.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "check/suppress.hpp"
#include "helpers.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"

using namespace rbacgraph;
using rbacgraph::test::graph_of;

namespace {

constexpr std::string_view kRoleAndBinding = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: binder}
rules:
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles]
  verbs: [bind]
  resourceNames: [cluster-admin, view]
- apiGroups: [""]
  resources: [nodes/proxy, secrets]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: binder, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
subjects: [{kind: Group, name: web-admins}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: binder}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
subjects: [{kind: User, name: alice}]
)";

std::vector<Finding> run(const Graph& graph, std::initializer_list<std::string> rules,
                         CheckConfig config = {},
                         std::optional<std::set<std::string>> baseline = std::nullopt) {
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = rules;
    run.config = std::move(config);
    run.baseline = std::move(baseline);
    return run_checks(graph, run).findings;
}

}  // namespace

TEST_CASE("capabilities follow binding scope and report resourceNames") {
    const Graph graph = graph_of(kRoleAndBinding);
    const CheckOptions options;
    const CheckContext context(graph, options);
    // rule.go VisitRulesFor: a RoleBinding grants only requests in its namespace; nodes/proxy has none.
    const std::vector<Probe> node_proxy = {probe("get", "nodes/proxy", true)};
    const auto proxies = context.capabilities(node_proxy);
    REQUIRE(proxies.size() == 1);
    CHECK(graph.bindings()[proxies[0].index].binding->name == "binder");
    CHECK(graph.bindings()[proxies[0].index].binding->cluster_scoped);
    // rbac.go ResourceNameMatches: a rule with resourceNames grants those names only, and they are reported.
    const std::vector<Probe> bind = {probe("bind", "clusterroles.rbac.authorization.k8s.io", true)};
    const auto binds = context.capabilities(bind);
    REQUIRE(binds.size() == 1);
    CHECK(binds[0].names == std::vector<std::string>{"cluster-admin", "view"});
    // A namespaced probe is granted by both bindings, the RoleBinding only in its namespace.
    const std::vector<Probe> secrets = {probe("get", "secrets")};
    CHECK(context.capabilities(secrets).size() == 2);
    const std::vector<Probe> secrets_elsewhere = {probe("get", "secrets").in("db")};
    CHECK(context.capabilities(secrets_elsewhere).size() == 1);
    // A probe on one named object is allowed by rules naming that object, never by rules naming others.
    const std::vector<Probe> bind_edit = {
        probe("bind", "clusterroles.rbac.authorization.k8s.io", true).named("edit")};
    CHECK(context.capabilities(bind_edit).empty());
    const std::vector<Probe> bind_view = {
        probe("bind", "clusterroles.rbac.authorization.k8s.io", true).named("view")};
    REQUIRE(context.capabilities(bind_view).size() == 1);
    CHECK(context.capabilities(bind_view)[0].names.empty());
}

TEST_CASE("namespace-scoped grants are one severity lower, cluster-wide ones keep the rule's") {
    const Graph graph = graph_of(kRoleAndBinding);
    const auto findings = run(graph, {"secrets-access"});
    REQUIRE(findings.size() == 2);
    for (const Finding& finding : findings) {
        CHECK(*finding.severity ==
              (finding.object.kind == "RoleBinding" ? RiskSeverity::kMedium : RiskSeverity::kHigh));
    }
}

TEST_CASE("fingerprints do not depend on line numbers, so baselines survive unrelated edits") {
    const Graph before = graph_of(kRoleAndBinding);
    const Graph after = graph_of("# a comment\n\n" + std::string(kRoleAndBinding));
    const auto first = run(before, {"secrets-access", "rbac-escalation"});
    const auto second = run(after, {"secrets-access", "rbac-escalation"});
    REQUIRE(first.size() == second.size());
    std::set<std::string> fingerprints;
    for (std::size_t i = 0; i < first.size(); ++i) {
        CHECK(first[i].fingerprint == second[i].fingerprint);
        CHECK(first[i].location.line + 2 == second[i].location.line);
        CHECK(fingerprints.insert(first[i].fingerprint).second);
    }
    // Known findings are flagged, do not fail, and the rest still do.
    const auto known = run(after, {"secrets-access", "rbac-escalation"}, {}, std::set{first[0].fingerprint});
    CHECK(known[0].known);
    CheckReport report;
    report.findings = known;
    CHECK(report.failing(RiskSeverity::kInfo) == known.size() - 1);
    CHECK(report.failing(std::nullopt) == 0);
}

// A finding's rule slug and ID are views, not copies (a 1M-object check holds 773,100 findings, twice while
// they are filed: performance.md, "Sixth pass"). They must view the catalog's own text, which lives for the
// program, never a string the runner made: the report below outlives the run, its context and its graph's
// rules.
TEST_CASE("a finding's rule and ID view the catalog's text and outlive the run that stamped them") {
    std::vector<Finding> findings;
    {
        const Graph graph = graph_of(kRoleAndBinding);
        findings = run(graph, {"secrets-access", "rbac-escalation"});
    }
    REQUIRE(findings.size() >= 2);
    std::set<std::string_view> seen;
    for (const Finding& finding : findings) {
        const Rule* own = find_rule(builtin_rules(), finding.rule);
        REQUIRE(own != nullptr);
        CHECK(finding.rule.data() == own->info.slug.data());
        CHECK(finding.id.data() == own->info.id.data());
        CHECK(finding.id == own->info.id);
        seen.insert(finding.rule);
    }
    // Control: both rules found something, so the loop above compared views of two catalog entries.
    CHECK(seen == std::set<std::string_view>{"secrets-access", "rbac-escalation"});
    // The fixed-size part stays small; a field added here is paid for once per finding, twice at filing.
    static_assert(sizeof(Finding) <= 432, "a Finding is held hundreds of thousands of times: keep it small");
}

// The ARNs holding a binding's grants, and its subjects, are made once per binding and shared by every
// finding about it, across rules and rule threads (performance.md, "Sixth pass"); another binding has its own
// lists.
TEST_CASE("findings about one binding share one list of ARNs and of subjects, and only that binding's") {
    const Graph graph = graph_of(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ops-b
      username: ops-b
      groups: [ops]
    - rolearn: arn:aws:iam::111122223333:role/ops-a
      username: ops-a
      groups: [ops]
    - rolearn: arn:aws:iam::111122223333:role/dev
      username: dev
      groups: [dev]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: power}
rules:
- apiGroups: [""]
  resources: [secrets, pods/exec]
  verbs: [get, create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: power}
subjects: [{kind: Group, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: power}
subjects: [{kind: Group, name: dev}]
)");
    for (const unsigned threads : {1U, 2U}) {
        CAPTURE(threads);
        CheckRun run;
        run.rules = builtin_rules();
        run.options.enabled = {"secrets-access", "pod-exec"};
        run.threads = threads;
        const std::vector<Finding> findings = run_checks(graph, run).findings;
        std::map<std::string, std::vector<const Finding*>> by_binding;
        for (const Finding& finding : findings) {
            by_binding[finding.object.name].push_back(&finding);
        }
        REQUIRE(by_binding["ops"].size() >= 2);
        REQUIRE(by_binding["dev"].size() >= 2);
        const std::vector<std::string>& ops = by_binding["ops"].front()->arns.list();
        const std::vector<std::string>& dev = by_binding["dev"].front()->arns.list();
        CHECK(ops == std::vector<std::string>{"arn:aws:iam::111122223333:role/ops-a",
                                              "arn:aws:iam::111122223333:role/ops-b"});
        CHECK(dev == std::vector<std::string>{"arn:aws:iam::111122223333:role/dev"});
        CHECK(&ops != &dev);
        const std::vector<std::string>& ops_subjects = by_binding["ops"].front()->subjects.list();
        const std::vector<std::string>& dev_subjects = by_binding["dev"].front()->subjects.list();
        CHECK(ops_subjects == std::vector<std::string>{"Group ops"});
        CHECK(dev_subjects == std::vector<std::string>{"Group dev"});
        for (const Finding* finding : by_binding["ops"]) {
            CHECK(&finding->arns.list() == &ops);
            CHECK(&finding->subjects.list() == &ops_subjects);
        }
        for (const Finding* finding : by_binding["dev"]) {
            CHECK(&finding->arns.list() == &dev);
            CHECK(&finding->subjects.list() == &dev_subjects);
        }
    }
    // An empty list shares nothing and reads as empty.
    const SharedStrings none;
    CHECK(none.empty());
    CHECK(none.list().empty());
    CHECK(SharedStrings(std::vector<std::string>{}) == none);
    CHECK_FALSE(SharedStrings{"arn:aws:iam::1:role/x"} == none);
}

// Two findings of one rule on one object with the same key would share a fingerprint; the report numbers the
// repeats in filing order ("-2", "-3"), so a baseline holds each apart. The rule below files three such
// findings and one with another key (the control: a fingerprint of its own, unnumbered).
TEST_CASE("repeated fingerprints are numbered in filing order, on one thread or several") {
    static const Rule kRepeats{{"RG999", "test-repeats", "rbac", RiskSeverity::kLow, "test"},
                               [](const CheckContext&, std::vector<Finding>& out) {
                                   for (const char* key : {"same", "same", "other", "same"}) {
                                       Finding finding;
                                       finding.object = {"ClusterRole", "", "binder"};
                                       finding.key = key;
                                       finding.message = key;
                                       out.push_back(finding);
                                   }
                               }};
    const Graph graph = graph_of(kRoleAndBinding);
    for (const unsigned threads : {1U, 2U}) {
        CheckRun run;
        run.rules = std::span(&kRepeats, 1);
        run.threads = threads;
        const CheckReport report = run_checks(graph, run);
        REQUIRE(report.findings.size() == 4);
        std::vector<std::string> same;
        std::string other;
        for (const Finding& finding : report.findings) {
            (finding.key == "same" ? same.emplace_back() : other) = finding.fingerprint;
        }
        REQUIRE(same.size() == 3);
        std::sort(same.begin(), same.end());
        CHECK(same[1] == same[0] + "-2");
        CHECK(same[2] == same[0] + "-3");
        CHECK(same[0].size() == 16);
        CHECK(other.size() == 16);
        CHECK(other != same[0]);
    }
}

TEST_CASE("config suppressions match every given field, with '*' globs") {
    CHECK(check::glob_match("arn:aws:iam::*:role/ci-*", "arn:aws:iam::1:role/ci-deploy"));
    CHECK_FALSE(check::glob_match("arn:aws:iam::*:role/ci-*", "arn:aws:iam::1:role/dev"));
    CHECK(check::glob_match("*", ""));
    CHECK(check::glob_match("a*b*c", "axxbyyc"));
    CHECK_FALSE(check::glob_match("a*b*c", "axxbyy"));
    const Graph graph = graph_of(kRoleAndBinding);
    CheckConfig config;
    config.suppressions.push_back(
        {"RG206", "ClusterRoleBinding", "", "binder", "User alice", "", "reviewed", {}});
    config.suppressions.push_back(
        {"secrets-access", "RoleBinding", "", "", "Group nobody", "", "no match", {}});
    const auto findings = run(graph, {"secrets-access"}, config);
    REQUIRE(findings.size() == 2);
    for (const Finding& finding : findings) {
        CHECK((finding.suppression != nullptr) == (finding.object.kind == "ClusterRoleBinding"));
    }
}

TEST_CASE("a suppression annotation needs rules and a reason, a bad one suppresses nothing and says why") {
    const std::string yaml = std::string(kRoleAndBinding) + R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: quiet
  annotations: {rbacgraph.io/suppress: "secrets-access, RG210: monitoring, reviewed"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
subjects: [{kind: User, name: bob}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: no-reason
  annotations: {rbacgraph.io/suppress: "secrets-access"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
subjects: [{kind: User, name: carol}]
)";
    const Graph graph = graph_of(yaml);
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {"secrets-access", "node-proxy"};
    const CheckReport report = run_checks(graph, run);
    std::map<std::string, int> suppressed;
    for (const Finding& finding : report.findings) {
        suppressed[finding.object.name] += finding.suppression ? 1 : 0;
    }
    CHECK(suppressed["quiet"] == 2);
    CHECK(suppressed["no-reason"] == 0);
    REQUIRE(report.diagnostics.size() == 1);
    CHECK(report.diagnostics[0].message.find("reason is required") != std::string::npos);
}

TEST_CASE("config and baseline files: errors name the file, entries that parse still apply") {
    const auto dir = std::filesystem::temp_directory_path() / "rbacgraph-check-test";
    std::filesystem::create_directories(dir);
    const std::string config_file = (dir / "config.yaml").string();
    std::ofstream(config_file) << "suppressions:\n- {rule: pod-exec, reason: ok}\n- {rule: pod-exec}\n";
    std::vector<Diagnostic> diagnostics;
    const CheckConfig config = load_check_config(config_file, diagnostics, builtin_rules());
    CHECK(config.suppressions.size() == 1);
    REQUIRE(count_errors(diagnostics) == 1);
    CHECK(diagnostics[0].location.file == config_file);
    const std::string baseline_file = (dir / "baseline.json").string();
    std::ofstream(baseline_file) << "{\"findings\": [{\"fingerprint\": \"abc\"}, {\"rule\": \"x\"}]}";
    diagnostics.clear();
    const auto baseline = load_baseline(baseline_file, diagnostics);
    REQUIRE(baseline.has_value());
    CHECK(*baseline == std::set<std::string>{"abc"});
    CHECK(count_errors(diagnostics) == 1);
    std::ofstream(baseline_file) << "not json";
    diagnostics.clear();
    CHECK_FALSE(load_baseline(baseline_file, diagnostics).has_value());
    CHECK(count_errors(diagnostics) == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("config files: misspelt keys and rule names are errors with the nearest name, new keys are read") {
    // Issue 31: `supressions:` was "an unknown field the API server drops" and `secret-access` suppressed
    // nothing; both now stop the run with the name the writer meant.
    const auto dir = std::filesystem::temp_directory_path() / "rbacgraph-config-keys-test";
    std::filesystem::create_directories(dir);
    const std::string file = (dir / "config.yaml").string();
    const auto load = [&](std::string_view text, std::vector<Diagnostic>& diagnostics) {
        std::ofstream(file) << text;
        return load_check_config(file, diagnostics, builtin_rules());
    };
    std::vector<Diagnostic> diagnostics;
    load("supressions:\n- {rule: pod-exec, reason: ok}\n", diagnostics);
    REQUIRE(count_errors(diagnostics) == 1);
    CHECK(diagnostics[0].message.find("unknown key 'supressions'") != std::string::npos);
    CHECK(diagnostics[0].message.find("did you mean 'suppressions'?") != std::string::npos);
    diagnostics.clear();
    load("suppressions:\n- {rule: secret-access, reason: ok}\n- {rule: pod-exec, reson: x, reason: fine}\n",
         diagnostics);
    REQUIRE(count_errors(diagnostics) == 2);
    CHECK(diagnostics[0].message.find("did you mean 'secrets-access'?") != std::string::npos);
    CHECK(diagnostics[1].message.find("unknown key 'reson' in a suppression (did you mean 'reason'?)") !=
          std::string::npos);
    diagnostics.clear();
    load("disable: [pod-exek]\nfail-on: hihg\nenable: ['*']\n", diagnostics);
    CHECK(count_errors(diagnostics) == 3);
    diagnostics.clear();
    // A version or a creator that is no version or ARN would change answers in silence: errors.
    const CheckConfig bad = load("kubernetes-version: latest\ncreator: platform-team\n", diagnostics);
    CHECK(count_errors(diagnostics) == 2);
    CHECK(!bad.kubernetes_version);
    CHECK(!bad.creator);
    // Positive control: every key, well formed, loads without a word; the baseline is the config's neighbour.
    diagnostics.clear();
    const CheckConfig config = load(
        "enable: [pod-exec, RG206]\ndisable: [node-proxy]\nfail-on: medium\nmin-severity: low\n"
        "baseline: base.json\nsuppressions:\n- {rule: '*', namespace: kube-system, reason: platform team}\n"
        "default-namespace: shop\nkubernetes-version: '1.35'\n"
        "creator: arn:aws:iam::111122223333:role/cluster-creator\n",
        diagnostics);
    CHECK(diagnostics.empty());
    CHECK(config.enable == std::vector<std::string>{"pod-exec", "RG206"});
    CHECK(config.disable == std::vector<std::string>{"node-proxy"});
    CHECK(config.fail_on == "medium");
    CHECK(config.min_severity == "low");
    CHECK(config.baseline == (dir / "base.json").string());
    CHECK(config.suppressions.size() == 1);
    CHECK(config.default_namespace == "shop");
    CHECK(config.kubernetes_version == "1.35");
    CHECK(config.creator == "arn:aws:iam::111122223333:role/cluster-creator");
    std::filesystem::remove_all(dir);
}

TEST_CASE("docs/check.md's config example shows every key the config reads") {
    const std::string doc = test::read_text(std::filesystem::path(RBACGRAPH_SOURCE_DIR) / "docs/check.md");
    for (const std::string_view key : check_config_keys()) {
        CHECK_MESSAGE(doc.find("\n" + std::string(key) + ":") != std::string::npos, key);
    }
}

TEST_CASE("a config suppression that matches no finding of the run is a warning") {
    const Graph graph = graph_of(kRoleAndBinding);
    CheckConfig config;
    const auto suppression = [](std::string rule, std::string name, std::string reason, int line) {
        SuppressionRule entry;
        entry.rule = std::move(rule);
        entry.name = std::move(name);
        entry.reason = std::move(reason);
        entry.location = {"config.yaml", line, 3};
        return entry;
    };
    config.suppressions = {suppression("node-proxy", "binder", "used", 5),
                           suppression("node-proxy", "nobody", "stale", 7),
                           suppression("pod-exec", "nobody", "rule not run", 9)};
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {"node-proxy"};
    run.config = config;
    const CheckReport report = run_checks(graph, run);
    // Only the stale one: the used one matched, and pod-exec did not run.
    REQUIRE(report.diagnostics.size() == 1);
    CHECK(report.diagnostics[0].severity == Severity::kWarning);
    CHECK(report.diagnostics[0].location.line == 7);
    CHECK(report.diagnostics[0].message.find("matches no finding") != std::string::npos);
}

TEST_CASE(".rbacgraph.yaml is found here or in a parent, never above the repository root") {
    const auto root = std::filesystem::temp_directory_path() / "rbacgraph-find-config-test";
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root / "repo" / ".git");
    std::filesystem::create_directories(root / "repo" / "deploy" / "rbac");
    // Above the repository: never read.
    std::ofstream(root / ".rbacgraph.yaml") << "fail-on: never\n";
    CHECK_FALSE(find_check_config(root / "repo" / "deploy" / "rbac").has_value());
    std::ofstream(root / "repo" / ".rbacgraph.yaml") << "fail-on: low\n";
    CHECK(find_check_config(root / "repo" / "deploy" / "rbac") ==
          (root / "repo" / ".rbacgraph.yaml").string());
    // The nearest wins.
    std::ofstream(root / "repo" / "deploy" / ".rbacgraph.yaml") << "fail-on: high\n";
    CHECK(find_check_config(root / "repo" / "deploy" / "rbac") ==
          (root / "repo" / "deploy" / ".rbacgraph.yaml").string());
    std::filesystem::remove_all(root);
}

TEST_CASE(
    "workloads: where each kind keeps its pod spec, the account it runs as, and whether a token is mounted") {
    // k8s API: Pod.spec, <controller>.spec.template.spec, CronJob.spec.jobTemplate.spec.template.spec; an
    // empty serviceAccountName falls back to the deprecated serviceAccount, then to "default".
    const Export source = rbacgraph::test::load_yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
spec: {containers: []}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s, namespace: a}
spec: {template: {spec: {serviceAccount: legacy}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c, namespace: a}
spec: {jobTemplate: {spec: {template: {spec: {serviceAccountName: job, automountServiceAccountToken: false}}}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: r
  namespace: a
  ownerReferences: [{kind: Deployment, name: d}]
spec: {template: {spec: {serviceAccountName: app, automountServiceAccountToken: true}}}
)");
    REQUIRE(source.workloads.size() == 4);
    std::map<std::string, const Workload*> by_kind;
    for (const Workload& workload : source.workloads) {
        by_kind[workload.kind] = &workload;
    }
    CHECK(by_kind["Pod"]->service_account == "default");
    CHECK(by_kind["StatefulSet"]->service_account == "legacy");
    CHECK(by_kind["CronJob"]->service_account == "job");
    CHECK_FALSE(by_kind["CronJob"]->token_mounted);
    CHECK(by_kind["ReplicaSet"]->token_mounted);
    CHECK(by_kind["ReplicaSet"]->owned);
    CHECK_FALSE(by_kind["Pod"]->owned);
}

// check -o json is written one finding at a time; it must be exactly the document check_json builds.
TEST_CASE("streamed check JSON equals check_json().dump(2), with and without findings") {
    const Graph graph = graph_of(kRoleAndBinding);
    for (const auto& [empty, suppressed] : {std::pair{false, false}, {false, true}, {true, false}}) {
        CheckRun run;
        run.rules = builtin_rules();
        if (empty) {
            run.options.enabled = {"anonymous-access"};
        }
        if (suppressed) {
            // A reason with every character class the writer escapes or hands over to nlohmann.
            run.config.suppressions.push_back(
                {"*", "", "", "", "", "", "a \"quoted\" \\ reason\twith\ncontrol\x01 and caf\xC3\xA9", {}});
        }
        const CheckReport report = run_checks(graph, run);
        const bool want_suppressed = suppressed;  // clang 14 cannot capture a structured binding
        CHECK(std::all_of(report.findings.begin(), report.findings.end(), [&](const Finding& finding) {
            return (finding.suppression != nullptr) == want_suppressed;
        }));
        CHECK(report.findings.empty() == empty);
        std::ostringstream streamed;
        write_check_json(streamed, report, RiskSeverity::kHigh, {}, graph.source());
        CHECK(streamed.str() == check_json(report, RiskSeverity::kHigh, {}, graph.source()).dump(2) + "\n");
    }
}

// GitHub code scanning (github/docs sarif-support.md; codeql-action upload-lib.ts, fingerprints.ts): alerts
// are identified by rule and partialFingerprints.primaryLocationLineHash; `suppressions` and `baselineState`
// are ignored; security-severity is read from the rule only.
TEST_CASE(
    "SARIF as GitHub reads it: no suppressed or known results by default, one alert per finding, "
    "severity by sub-rule") {
    const Graph graph = graph_of(kRoleAndBinding);
    CheckRun check_run;
    check_run.rules = builtin_rules();
    check_run.options.enabled = {"secrets-access", "node-proxy"};
    CheckReport report = run_checks(graph, check_run);
    REQUIRE(report.findings.size() == 3);  // secrets cluster-wide (high) and in web (medium), nodes/proxy
    report.findings[0].known = true;       // as --baseline would mark it

    const nlohmann::json log = check_sarif(report, builtin_rules(), {}, nullptr);
    const nlohmann::json& results = log["runs"][0]["results"];
    CHECK(results.size() == 2);
    const nlohmann::json& rules = log["runs"][0]["tool"]["driver"]["rules"];
    std::set<std::string> hashes;
    for (const auto& result : results) {
        hashes.insert(result["partialFingerprints"]["primaryLocationLineHash"].get<std::string>());
        const auto& rule = rules[result["ruleIndex"].get<std::size_t>()];
        CHECK(rule["id"] == result["ruleId"]);
        // What GitHub shows is the finding's own severity.
        const std::string severity = result["properties"]["severity"];
        const std::string expected_score = severity == "high" ? "8.0" : severity == "medium" ? "5.5" : "?";
        CHECK(rule["properties"]["security-severity"] == expected_score);
        if (severity == "medium") {
            CHECK(result["ruleId"] == "RG206/medium");  // secrets-access's default is high
        }
    }
    CHECK(hashes.size() == results.size());

    // Positive control: with include_suppressed every finding is there, the known one marked unchanged.
    SarifOptions everything;
    everything.include_suppressed = true;
    const nlohmann::json all = check_sarif(report, builtin_rules(), {}, nullptr, everything);
    REQUIRE(all["runs"][0]["results"].size() == 3);
    const auto unchanged =
        std::count_if(all["runs"][0]["results"].begin(), all["runs"][0]["results"].end(),
                      [](const auto& result) { return result["baselineState"] == "unchanged"; });
    CHECK(unchanged == 1);
}

// SARIF 2.1.0 3.4.3 (artifactLocation.uri is a URI reference, RFC 3986), 3.14.14 (originalUriBaseIds);
// GitHub maps uriBaseId %SRCROOT% paths to repository files.
TEST_CASE("SARIF locations: relative to the working directory, percent-encoded, stdin named") {
    CHECK(sarif_artifact("rbac/a b#1?.yaml", "/repo") ==
          nlohmann::json{{"uri", "rbac/a%20b%231%3F.yaml"}, {"uriBaseId", "%SRCROOT%"}});
    CHECK(sarif_artifact("/repo/x/r\xc3\xa9le.yaml", "/repo/") ==
          nlohmann::json{{"uri", "x/r%C3%A9le.yaml"}, {"uriBaseId", "%SRCROOT%"}});
    CHECK(sarif_artifact("./x/../y/100%.yaml", "/repo") ==
          nlohmann::json{{"uri", "y/100%25.yaml"}, {"uriBaseId", "%SRCROOT%"}});
    // Outside the working directory: an absolute file URI, never a "../" that maps to no repository file.
    CHECK(sarif_artifact("../shared/c.yaml", "/repo") == nlohmann::json{{"uri", "file:///shared/c.yaml"}});
    CHECK(sarif_artifact("/etc/k.yaml", "/repo") == nlohmann::json{{"uri", "file:///etc/k.yaml"}});
    CHECK(sarif_artifact("<stdin>", "/repo") == nlohmann::json{{"uri", "urn:rbacgraph:stdin"}});
}

TEST_CASE("SARIF limits: --min-severity filters, --max-results keeps the most severe and says so") {
    const Graph graph = graph_of(kRoleAndBinding);
    CheckRun check_run;
    check_run.rules = builtin_rules();
    check_run.options.enabled = {"secrets-access", "node-proxy"};
    const CheckReport report = run_checks(graph, check_run);
    REQUIRE(report.findings.size() == 3);  // two high, one medium

    SarifOptions high_only;
    high_only.min_severity = RiskSeverity::kHigh;
    CHECK(check_sarif(report, builtin_rules(), {}, nullptr, high_only)["runs"][0]["results"].size() == 2);

    SarifOptions one;
    one.max_results = 1;
    one.category = "rbacgraph/prod";
    const nlohmann::json log = check_sarif(report, builtin_rules(), {}, nullptr, one);
    const nlohmann::json& run = log["runs"][0];
    REQUIRE(run["results"].size() == 1);
    CHECK(run["results"][0]["properties"]["severity"] == "high");
    CHECK(run["automationDetails"]["id"] == "rbacgraph/prod");
    const auto& notifications = run["invocations"][0]["toolExecutionNotifications"];
    REQUIRE(notifications.size() == 1);
    CHECK(notifications[0]["message"]["text"].get<std::string>().starts_with("2 of 3 results left out"));
    // Positive control: the default limit keeps all three and notifies nothing.
    const nlohmann::json all = check_sarif(report, builtin_rules(), {}, nullptr);
    CHECK(all["runs"][0]["results"].size() == 3);
    CHECK(all["runs"][0]["invocations"][0]["toolExecutionNotifications"].empty());
}
