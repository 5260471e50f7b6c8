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

}  // namespace
}  // namespace rbacgraph::test
