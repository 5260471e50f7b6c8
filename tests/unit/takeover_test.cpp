// The takeover list (analyzer/check/takeover.cpp) is one list for every rule that rates what a
// ServiceAccount, or a pod running as it, can do: any capability another rule rates high or critical is a
// takeover at that severity (issue 27). The meta-test asks it of every fixture of the catalog: wherever a
// rule rates a subject's grant high or critical (a ServiceAccount, or a user or group asked the same way),
// the subject's takeover is at least that severe.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::test {
namespace {

namespace fs = std::filesystem;

// Rules whose findings are not about what an account can do through RBAC: the workload rule is the list's own
// client; undetermined-grant is about what may be allowed; irsa-cluster-admin is the IAM route (a pod's IAM
// role), which is reported there with the workloads it reaches; anonymous-access and authenticated-broad rate
// who holds a grant (everybody), not what the grant does.
const std::set<std::string_view> kNotCapabilities = {"privileged-workload-account",
                                                     "undetermined-grant",
                                                     "irsa-cluster-admin",
                                                     "irsa-role",
                                                     "anonymous-access",
                                                     "authenticated-broad"};

// The identity a finding's subject stands for, with its own namespace: "ServiceAccount ns/name", "User u",
// "Group g" (as a user of that group only).
std::optional<std::pair<Identity, std::string>> identity_of(const std::string& subject) {
    const std::size_t space = subject.find(' ');
    if (space == std::string::npos) {
        return std::nullopt;
    }
    const std::string kind = subject.substr(0, space);
    const std::string name = subject.substr(space + 1);
    if (kind == "ServiceAccount") {
        const std::size_t slash = name.find('/');
        const std::string ns = name.substr(0, slash);
        return std::pair(
            kubernetes_identity(fmt::format("system:serviceaccount:{}:{}", ns, name.substr(slash + 1)), {}),
            ns);
    }
    if (kind == "User") {
        return std::pair(kubernetes_identity(name, {}), std::string());
    }
    if (kind == "Group") {
        return std::pair(kubernetes_identity("rbacgraph-test-member", {name}), std::string());
    }
    return std::nullopt;
}

TEST_CASE("takeover list: every subject a rule rates high or critical has a takeover at least as severe") {
    std::size_t compared = 0;
    for (const Rule& rule : builtin_rules()) {
        if (kNotCapabilities.contains(rule.info.slug)) {
            continue;
        }
        const fs::path dir =
            fs::path(RBACGRAPH_SOURCE_DIR) / "testdata" / "rules" / std::string(rule.info.slug);
        for (const auto& entry : fs::directory_iterator(dir)) {
            if (!entry.path().filename().string().starts_with("fires")) {
                continue;
            }
            Export source = load_paths({entry.path().string()});
            std::vector<IamAccountDetails> iam = std::move(source.iam);
            const Estate estate({{"", std::make_shared<const Graph>(std::move(source))}}, std::move(iam));
            CheckRun run;
            run.rules = builtin_rules();
            run.options.enabled = {std::string(rule.info.slug)};
            run.options.include_builtin = true;
            const CheckContext context(*estate.clusters().front().graph, run.options,
                                       CheckScope{&estate, nullptr, 0});
            for (const Finding& finding : run_checks(estate, run).findings) {
                const RiskSeverity severity = finding.severity.value_or(rule.info.severity);
                if (severity < RiskSeverity::kHigh) {
                    continue;
                }
                for (const std::string& subject : finding.subjects) {
                    const auto identity = identity_of(subject);
                    if (!identity) {
                        continue;
                    }
                    CAPTURE(entry.path().string());
                    CAPTURE(finding.message);
                    CAPTURE(subject);
                    const auto takeover = context.identity_takeover(identity->first, identity->second);
                    CHECK(takeover.has_value());
                    CHECK((takeover && takeover->severity >= severity));
                    ++compared;
                }
            }
        }
    }
    MESSAGE(compared << " subjects of high or critical findings compared with the takeover list");
    CHECK(compared > 10);  // the fixtures do reach the list
}

// strongest_account_in rates the accounts no subject names once per namespace (they hold only what their
// groups hold); an account named by a binding, as a ServiceAccount or as the user
// system:serviceaccount:NS:NAME, is rated on its own. The attacker's test: the account that holds
// cluster-admin is named only as a User.
std::optional<AccountTakeover> strongest_in(const std::string& yaml, const std::string& ns) {
    Export source = load_yaml(yaml);
    const Estate estate({{"", std::make_shared<const Graph>(std::move(source), test_options())}}, {});
    CheckOptions options;
    const CheckContext context(*estate.clusters().front().graph, options, CheckScope{&estate, nullptr, 0});
    return context.strongest_account_in(ns);
}

const char* const kAccounts = R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: apps}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: b, namespace: apps}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: c, namespace: apps}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: read-config}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: c-reads, namespace: apps}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-config}
subjects: [{kind: ServiceAccount, name: c, namespace: apps}]
)";

TEST_CASE("strongest account of a namespace: unnamed accounts share one rating, named ones are rated each") {
    SUBCASE("control: nobody holds a takeover") {
        CHECK_FALSE(strongest_in(kAccounts, "apps").has_value());
    }
    SUBCASE("the account named only as a User holds cluster-admin") {
        const auto best = strongest_in(std::string(kAccounts) + R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
subjects: [{kind: User, name: "system:serviceaccount:apps:b", apiGroup: rbac.authorization.k8s.io}]
)",
                                       "apps");
        REQUIRE(best.has_value());
        CHECK(best->account == "apps/b");
        CHECK(best->severity == RiskSeverity::kCritical);
    }
    SUBCASE("the account a ClusterRoleBinding names as a ServiceAccount holds cluster-admin") {
        const auto best = strongest_in(std::string(kAccounts) + R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: c-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
subjects: [{kind: ServiceAccount, name: c, namespace: apps}]
)",
                                       "apps");
        REQUIRE(best.has_value());
        CHECK(best->account == "apps/c");
        CHECK(best->severity == RiskSeverity::kCritical);
    }
    SUBCASE("the namespace's group holds cluster-admin: the first account in order, unnamed") {
        const auto best = strongest_in(std::string(kAccounts) + R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-apps-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
subjects: [{kind: Group, name: "system:serviceaccounts:apps", apiGroup: rbac.authorization.k8s.io}]
)",
                                       "apps");
        REQUIRE(best.has_value());
        CHECK(best->account == "apps/a");
        CHECK(best->severity == RiskSeverity::kCritical);
    }
    // The takeover list asks for listed names only of an account that holds a rule limited by resourceNames
    // (Authorizer::lists_names); these hold one, so the named grant must still count.
    const auto may_bind = [](std::string_view role) {
        return fmt::format(R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: bind-one}}
rules: [{{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind],
          resourceNames: [{}]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: c-binds}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: bind-one}}
subjects: [{{kind: ServiceAccount, name: c, namespace: apps}}]
)",
                           role);
    };
    SUBCASE("the account may bind only the ClusterRole that can do anything: a takeover through its name") {
        const auto best = strongest_in(std::string(kAccounts) + may_bind("everything"), "apps");
        REQUIRE(best.has_value());
        CHECK(best->account == "apps/c");
        CHECK(best->severity == RiskSeverity::kCritical);
    }
    SUBCASE("control: it may bind only a ClusterRole that reads ConfigMaps: no takeover") {
        CHECK_FALSE(strongest_in(std::string(kAccounts) + may_bind("read-config"), "apps").has_value());
    }
}

TEST_CASE("an authorizer says whether it holds a rule limited by resourceNames") {
    const auto lists_names = [](std::string_view rule) {
        const Graph graph(load_yaml(fmt::format(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: r}}
rules: [{}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: b}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}}
subjects: [{{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}}]
)",
                                                rule)),
                          test_options());
        return std::pair(Authorizer(graph, kubernetes_identity("jane", {})).lists_names(),
                         Authorizer(graph, kubernetes_identity("bob", {})).lists_names());
    };
    CHECK(lists_names("{apiGroups: [apps], resources: [daemonsets], verbs: [update], resourceNames: [ds]}") ==
          std::pair(true, false));  // only the holder holds it
    CHECK(lists_names("{apiGroups: [apps], resources: [daemonsets], verbs: [update]}") ==
          std::pair(false, false));
}

}  // namespace
}  // namespace rbacgraph::test
