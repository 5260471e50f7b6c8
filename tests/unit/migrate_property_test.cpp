// Property (issue 34): for random aws-auth + RBAC worlds, migrate's proof agrees with an independent diff:
// the export rewritten by the plan as an eksctl ClusterConfig (read back by the eksctl reader, not built by
// migrated_export) compared with the export as it is, at both mode steps.
#include <fmt/format.h>

#include <map>
#include <random>
#include <set>
#include <sstream>

#include "helpers.hpp"
#include "rbacgraph/migrate.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::test {
namespace {

struct World {
    std::string aws_auth;
    std::string rbac;
};

World random_world(std::mt19937& random) {
    const auto pick = [&](const std::vector<std::string>& values) {
        return values[std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(random)];
    };
    const std::vector<std::string> usernames = {"",
                                                "ops",
                                                "ops:{{SessionName}}",
                                                "dev-{{SessionName}}",
                                                "system:reporter",
                                                "eks:thing",
                                                "alice",
                                                "system:node:{{EC2PrivateDNSName}}",
                                                "system:node:{{SessionName}}",
                                                "x:{{AccountID}}"};
    const std::vector<std::string> groups = {
        "system:masters",       "system:nodes", "system:bootstrappers",
        "system:node-proxier",  "developers",   "ops",
        "system:authenticated", "viewers",      "eks:kube-proxy-windows"};
    std::string roles;
    std::string users;
    const int entries = std::uniform_int_distribution<int>(1, 6)(random);
    for (int i = 0; i < entries; ++i) {
        const bool user = std::uniform_int_distribution<int>(0, 3)(random) == 0;
        const int id = std::uniform_int_distribution<int>(0, 4)(random);  // repeats make duplicates
        std::string entry = user ? fmt::format("- userarn: arn:aws:iam::111122223333:user/u{}\n", id)
                                 : fmt::format("- rolearn: arn:aws:iam::111122223333:role/r{}\n", id);
        if (const std::string username = pick(usernames); !username.empty()) {
            entry += fmt::format("  username: \"{}\"\n", username);
        }
        entry += "  groups:\n";
        const int count = std::uniform_int_distribution<int>(0, 3)(random);
        for (int g = 0; g < count; ++g) {
            entry += fmt::format("  - \"{}\"\n", pick(groups));
        }
        (user ? users : roles) += entry;
    }
    const auto block = [](const std::string& text) {
        std::string out;
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);) {
            out += "    " + line + "\n";
        }
        return out;
    };
    World world;
    world.aws_auth =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n";
    if (!roles.empty()) {
        world.aws_auth += "  mapRoles: |\n" + block(roles);
    }
    if (!users.empty()) {
        world.aws_auth += "  mapUsers: |\n" + block(users);
    }
    // Bindings to groups and users the mappings may name.
    const std::vector<std::string> subjects = {"Group developers",   "Group ops",
                                               "Group viewers",      "User ops",
                                               "User alice",         "User system:reporter",
                                               "Group system:nodes", "Group system:bootstrappers"};
    const std::vector<std::string> roles_bound = {"view", "edit", "admin"};
    const int bindings = std::uniform_int_distribution<int>(1, 4)(random);
    for (int i = 0; i < bindings; ++i) {
        const std::string subject = pick(subjects);
        const std::size_t space = subject.find(' ');
        world.rbac += fmt::format(
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: b{}, "
            "namespace: "
            "ns{}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "
            "{}}}\nsubjects: "
            "[{{kind: {}, name: \"{}\", apiGroup: rbac.authorization.k8s.io}}]\n",
            i, i % 2, pick(roles_bound), subject.substr(0, space), subject.substr(space + 1));
    }
    return world;
}

// Per principal: gained and lost (scope, namespace, resource, names, verbs), username and groups.
using Rows =
    std::set<std::tuple<int, std::string, std::string, std::vector<std::string>, std::vector<std::string>>>;
struct Seen {
    Rows gained, lost;
    std::string username_before, username_after;
    std::vector<std::string> groups_before, groups_after;
    bool operator==(const Seen&) const = default;
};

std::map<std::string, Seen> seen(const AccessDiff& diff) {
    std::map<std::string, Seen> out;
    for (const AccessChange& change : diff.changes) {
        if (change.gained.empty() && change.lost.empty() && change.username_before == change.username_after &&
            change.groups_before == change.groups_after) {
            continue;  // where the identity comes from changed, nothing else
        }
        Seen& entry = out[change.principal];
        for (const auto& [rows, set] :
             {std::pair{&change.gained, &entry.gained}, std::pair{&change.lost, &entry.lost}}) {
            for (const PermissionRow& row : *rows) {
                set->emplace(static_cast<int>(row.scope), row.ns, row.resource, row.resource_names,
                             row.verbs);
            }
        }
        entry.username_before = change.username_before;
        entry.username_after = change.username_after;
        entry.groups_before = change.groups_before;
        entry.groups_after = change.groups_after;
    }
    return out;
}

TEST_CASE("migrate property: the proof agrees with a diff of the export rewritten by the plan") {
    std::mt19937 random(20261207);
    CheckRun run;
    run.rules = builtin_rules();
    const CheckReport none;
    int planned_entries = 0;
    int differing_worlds = 0;
    for (int world_index = 0; world_index < 150; ++world_index) {
        const World world = random_world(random);
        const std::vector<std::pair<std::string, std::string>> files = {
            {"describe-cluster.json",
             R"({"cluster": {"name": "c", "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/c",
                 "accessConfig": {"authenticationMode": "CONFIG_MAP"}}})"},
            {"aws-auth.yaml", world.aws_auth},
            {"rbac.yaml", world.rbac}};
        const Graph graph(load_files(files), test_options());
        const MigrationPlan plan = plan_migration(graph, run);
        planned_entries += static_cast<int>(plan.entries.size());
        differing_worlds += plan.equivalent() ? 0 : 1;
        std::ostringstream eksctl;
        write_migrate_eksctl(eksctl, plan);
        REQUIRE(plan.steps.size() == 2);
        for (const MigrationStep& step : plan.steps) {
            std::string fragment = eksctl.str();
            if (step.mode == AuthenticationMode::kApi) {
                const std::string from = "authenticationMode: API_AND_CONFIG_MAP";
                fragment.replace(fragment.find(from), from.size(), "authenticationMode: API");
            }
            const Graph rewritten(load_files({{"aws-auth.yaml", world.aws_auth},
                                              {"rbac.yaml", world.rbac},
                                              {"cluster.yaml", fragment}}),
                                  test_options());
            const auto independent = seen(diff_access(graph, rewritten, none, none));
            const auto proof = seen(step.diff);
            CHECK_MESSAGE(independent == proof,
                          fmt::format("world {} step {}:\n{}\n{}", world_index, to_string(step.mode),
                                      world.aws_auth, world.rbac));
        }
    }
    // The worlds exercise both outcomes (a generator that made only equivalent plans would test little).
    CHECK(planned_entries > 150);
    CHECK(differing_worlds > 10);
    CHECK(differing_worlds < 150);
}

}  // namespace
}  // namespace rbacgraph::test
