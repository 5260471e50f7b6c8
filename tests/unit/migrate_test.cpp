// rbacgraph migrate (docs/migrate.md): each aws-auth mapping in force becomes the access entry EKS accepts
// that reproduces it, what EKS cannot reproduce is said, and each mode step is proved by the diff engine.
// Sources:
// ../shared/reference/eks-iam.md 3.8 (node mappings), 4.2 (what an entry may carry), 4.3 (default usernames),
// 5 (modes and precedence), 6 (the creator).
#include "rbacgraph/migrate.hpp"

#include <fmt/format.h>

#include <sstream>

#include "helpers.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::test {
namespace {

std::string aws_auth(std::string_view map_roles, std::string_view map_users = "",
                     std::string_view map_accounts = "") {
    std::string out =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n";
    for (const auto& [key, value] : {std::pair{"mapRoles", map_roles}, std::pair{"mapUsers", map_users},
                                     std::pair{"mapAccounts", map_accounts}}) {
        if (value.empty()) {
            continue;
        }
        out += fmt::format("  {}: |\n", key);
        std::size_t start = 0;
        while (start < value.size()) {
            const std::size_t end = value.find('\n', start);
            out += "    " + std::string(value.substr(start, end - start)) + "\n";
            start = end == std::string_view::npos ? value.size() : end + 1;
        }
    }
    return out;
}

constexpr std::string_view kDescribeConfigMap =
    R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": "CONFIG_MAP"}}})";

MigrationPlan plan_of(const std::vector<std::pair<std::string, std::string>>& files,
                      GraphOptions options = test_options()) {
    const Graph graph(load_files(files), options);
    CheckRun run;
    run.rules = builtin_rules();
    return plan_migration(graph, run);
}

const PlannedAccessEntry* entry_for(const MigrationPlan& plan, std::string_view arn) {
    for (const PlannedAccessEntry& entry : plan.entries) {
        if (entry.entry.principal_arn == arn) {
            return &entry;
        }
    }
    return nullptr;
}

// Principals whose permissions, username or groups differ (where an identity comes from is no difference).
std::size_t differences(const AccessDiff& diff) {
    return static_cast<std::size_t>(
        std::count_if(diff.changes.begin(), diff.changes.end(), [](const AccessChange& change) {
            return !change.gained.empty() || !change.lost.empty() ||
                   change.username_before != change.username_after ||
                   change.groups_before != change.groups_after;
        }));
}

constexpr std::string_view kBinding = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: developers, apiGroup: rbac.authorization.k8s.io}]
)";

TEST_CASE("migrate: a team role keeps its username and groups, and the proof finds nothing changed") {
    const MigrationPlan plan =
        plan_of({{"describe-cluster.json", std::string(kDescribeConfigMap)},
                 {"aws-auth.yaml", aws_auth("- rolearn: arn:aws:iam::111122223333:role/dev\n"
                                            "  username: dev:{{SessionName}}\n  groups: [developers]")},
                 {"rbac.yaml", std::string(kBinding)}});
    const PlannedAccessEntry* dev = entry_for(plan, "arn:aws:iam::111122223333:role/dev");
    REQUIRE(dev != nullptr);
    CHECK(dev->entry.type == "STANDARD");
    CHECK(dev->entry.username == "dev:{{SessionName}}");
    CHECK(dev->entry.kubernetes_groups == std::vector<std::string>{"developers"});
    CHECK(dev->differences.empty());
    REQUIRE(plan.steps.size() == 2);
    CHECK(plan.equivalent());
}

TEST_CASE("migrate: a username EKS refuses falls back to the default, and the proof shows what it loses") {
    // EKS user guide creating-access-entries: {{SessionName}} needs a ':' before it; system: is reserved.
    const MigrationPlan plan =
        plan_of({{"describe-cluster.json", std::string(kDescribeConfigMap)},
                 {"aws-auth.yaml", aws_auth("- rolearn: arn:aws:iam::111122223333:role/dev\n"
                                            "  username: dev-{{SessionName}}\n  groups: [developers]\n"
                                            "- rolearn: arn:aws:iam::111122223333:role/report\n"
                                            "  username: system:report\n  groups: []")},
                 {"rbac.yaml", std::string(kBinding) + R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: report}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: User, name: "system:report", apiGroup: rbac.authorization.k8s.io}]
)"}});
    const PlannedAccessEntry* dev = entry_for(plan, "arn:aws:iam::111122223333:role/dev");
    REQUIRE(dev != nullptr);
    CHECK_FALSE(dev->entry.username);
    REQUIRE(dev->differences.size() == 1);
    CHECK(dev->differences[0].find("no ':' before it") != std::string::npos);
    const PlannedAccessEntry* report = entry_for(plan, "arn:aws:iam::111122223333:role/report");
    REQUIRE(report != nullptr);
    CHECK_FALSE(report->entry.username);
    CHECK_FALSE(plan.equivalent());
    // The report role's view of the cluster is bound to its old username: lost at both steps.
    const auto& changes = plan.steps[0].diff.changes;
    const auto found = std::find_if(changes.begin(), changes.end(), [](const AccessChange& change) {
        return change.principal == "arn:aws:iam::111122223333:role/report";
    });
    REQUIRE(found != changes.end());
    CHECK_FALSE(found->lost.empty());
    // The dev role's groups still carry its access: only its username changes.
    const auto dev_change = std::find_if(changes.begin(), changes.end(), [](const AccessChange& change) {
        return change.principal == "arn:aws:iam::111122223333:role/dev";
    });
    REQUIRE(dev_change != changes.end());
    CHECK(dev_change->lost.empty());
    CHECK(dev_change->username_before != dev_change->username_after);
}

TEST_CASE("migrate: system:masters becomes AmazonEKSClusterAdminPolicy, kept not lost") {
    const MigrationPlan plan = plan_of(
        {{"describe-cluster.json", std::string(kDescribeConfigMap)},
         {"aws-auth.yaml", aws_auth("- rolearn: arn:aws:iam::111122223333:role/admin\n"
                                    "  username: admin:{{SessionName}}\n  groups: [system:masters]")}});
    const PlannedAccessEntry* admin = entry_for(plan, "arn:aws:iam::111122223333:role/admin");
    REQUIRE(admin != nullptr);
    CHECK(admin->entry.kubernetes_groups.empty());
    REQUIRE(admin->policies.size() == 1);
    CHECK(admin->policies[0].policy_arn ==
          "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    CHECK(admin->policies[0].scope.cluster_wide);
    REQUIRE(admin->differences.size() == 1);
    // Nothing is lost: masters' everything is covered by the policy's '*' (subsumed), and the policy's rows
    // were already allowed under masters; the group itself changes.
    for (const MigrationStep& step : plan.steps) {
        for (const AccessChange& change : step.diff.changes) {
            CHECK(change.lost.empty());
            CHECK(change.gained.empty());
        }
    }
    CHECK_FALSE(plan.equivalent());  // the groups differ: system:masters is gone from the requests
}

TEST_CASE("migrate: node and Fargate mappings become their entry types") {
    const MigrationPlan plan = plan_of(
        {{"describe-cluster.json", std::string(kDescribeConfigMap)},
         {"aws-auth.yaml", aws_auth("- rolearn: arn:aws:iam::111122223333:role/node\n"
                                    "  username: system:node:{{EC2PrivateDNSName}}\n  groups: "
                                    "[system:bootstrappers, system:nodes]\n"
                                    "- rolearn: arn:aws:iam::111122223333:role/win\n"
                                    "  username: system:node:{{EC2PrivateDNSName}}\n"
                                    "  groups: [system:bootstrappers, system:nodes, eks:kube-proxy-windows]\n"
                                    "- rolearn: arn:aws:iam::111122223333:role/fargate\n"
                                    "  username: system:node:{{SessionName}}\n"
                                    "  groups: [system:bootstrappers, system:nodes, system:node-proxier]\n"
                                    "- rolearn: arn:aws:iam::111122223333:role/not-a-node\n"
                                    "  username: system:node:{{EC2PrivateDNSName}}\n  groups: [ops]")}});
    CHECK(entry_for(plan, "arn:aws:iam::111122223333:role/node")->entry.type == "EC2_LINUX");
    CHECK(entry_for(plan, "arn:aws:iam::111122223333:role/win")->entry.type == "EC2_WINDOWS");
    CHECK(entry_for(plan, "arn:aws:iam::111122223333:role/fargate")->entry.type == "FARGATE_LINUX");
    // A node username without system:nodes is no node mapping (names prove nothing): STANDARD, and the
    // username EKS refuses is said.
    const PlannedAccessEntry* other = entry_for(plan, "arn:aws:iam::111122223333:role/not-a-node");
    REQUIRE(other != nullptr);
    CHECK(other->entry.type == "STANDARD");
    CHECK_FALSE(other->entry.username);
    CHECK(other->entry.kubernetes_groups == std::vector<std::string>{"ops"});
}

TEST_CASE("migrate: entries that grant nothing today are not moved, mapAccounts is named") {
    const MigrationPlan plan = plan_of(
        {{"describe-cluster.json", std::string(kDescribeConfigMap)},
         {"aws-auth.yaml", aws_auth("- rolearn: arn:aws:sts::111122223333:assumed-role/deployer/ci\n"
                                    "  username: deployer\n  groups: [deployers]\n"
                                    "- rolearn: arn:aws:iam::111122223333:role/teams/pathed\n"
                                    "  username: pathed\n  groups: [deployers]\n"
                                    "- rolearn: arn:aws:iam::111122223333:role/dup\n"
                                    "  username: first\n  groups: [a]\n"
                                    "- rolearn: arn:aws:iam::111122223333:role/dup\n"
                                    "  username: second\n  groups: [b]",
                                    "", "- \"444455556666\"")},
         {"iam.json",
          R"({"UserDetailList": [{"UserName": "bob", "Path": "/", "Arn": "arn:aws:iam::444455556666:user/bob",
              "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": []}],
              "GroupDetailList": [], "RoleDetailList": [], "Policies": []})"}});
    // Moving an entry that matches nobody would grant what it never granted: none of the three is planned.
    CHECK(entry_for(plan, "arn:aws:iam::111122223333:role/deployer") == nullptr);
    CHECK(entry_for(plan, "arn:aws:iam::111122223333:role/teams/pathed") == nullptr);
    // Of the duplicates, the one in force (the last: configmap.go saveMap) moves; the control.
    const PlannedAccessEntry* dup = entry_for(plan, "arn:aws:iam::111122223333:role/dup");
    REQUIRE(dup != nullptr);
    CHECK(dup->entry.username == "second");
    std::size_t accounts = 0;
    for (const UnmovedMapping& unmoved : plan.unmoved) {
        if (unmoved.mapping == "mapAccounts 444455556666") {
            ++accounts;
            CHECK(unmoved.in_force);
            CHECK(unmoved.principals == std::vector<std::string>{"arn:aws:iam::444455556666:user/bob"});
        }
    }
    CHECK(accounts == 1);
    CHECK(plan.unmoved.size() == 4);  // assumed-role, pathed, the first dup, the account
    CHECK(plan.steps[1].locked_out == std::vector<std::string>{"arn:aws:iam::444455556666:user/bob"});
    CHECK(plan.steps[0].locked_out.empty());  // API_AND_CONFIG_MAP still reads mapAccounts
    CHECK_FALSE(plan.equivalent());
}

TEST_CASE(
    "migrate: the creator's hidden mapping becomes the entry EKS creates, and API mode has nothing to move") {
    GraphOptions options = test_options();
    options.creator_arn = "arn:aws:iam::111122223333:role/creator";
    const MigrationPlan plan = plan_of({{"describe-cluster.json", std::string(kDescribeConfigMap)}}, options);
    const PlannedAccessEntry* creator = entry_for(plan, "arn:aws:iam::111122223333:role/creator");
    REQUIRE(creator != nullptr);
    CHECK(creator->created_by_eks);
    REQUIRE(creator->policies.size() == 1);
    // Without the creator, the plan says it cannot show that entry (the control).
    const MigrationPlan unknown = plan_of({{"describe-cluster.json", std::string(kDescribeConfigMap)}});
    CHECK(unknown.entries.empty());
    REQUIRE(unknown.notes.size() == 1);
    CHECK(unknown.notes[0].find("--creator") != std::string::npos);
    const MigrationPlan api =
        plan_of({{"describe-cluster.json",
                  R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode": "API"}}})"},
                 {"aws-auth.yaml", aws_auth("- rolearn: arn:aws:iam::111122223333:role/dev\n  username: dev\n"
                                            "  groups: [developers]")}});
    CHECK(api.entries.empty());
    CHECK(api.steps.empty());
    CHECK(api.equivalent());
}

TEST_CASE("migrate: the eksctl and CloudFormation outputs load back as the planned entries") {
    // Issue 34: the fragments are the plan, not a description of it: read by rbacgraph's own eksctl and
    // CloudFormation readers beside the export, they give the cluster of the proof's first step.
    const std::string auth = aws_auth(
        "- rolearn: arn:aws:iam::111122223333:role/node\n"
        "  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n"
        "- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin:{{SessionName}}\n"
        "  groups: [system:masters, ops]",
        "- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n  groups: [developers]");
    const std::vector<std::pair<std::string, std::string>> base = {
        {"describe-cluster.json",
         R"({"cluster": {"name": "c", "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/c",
             "accessConfig": {"authenticationMode": "CONFIG_MAP"}}})"},
        {"aws-auth.yaml", auth},
        {"rbac.yaml", std::string(kBinding)}};
    const Graph graph(load_files(base), test_options());
    CheckRun run;
    run.rules = builtin_rules();
    const MigrationPlan plan = plan_migration(graph, run);
    REQUIRE(plan.entries.size() == 3);
    const Graph planned(migrated_export(graph, plan, AuthenticationMode::kApiAndConfigMap), test_options());
    const CheckReport none;
    const auto reloaded = [&](std::string name, std::string text, bool with_cluster) {
        std::vector<std::pair<std::string, std::string>> files = {{"aws-auth.yaml", auth},
                                                                  {"rbac.yaml", std::string(kBinding)}};
        if (with_cluster) {
            files.push_back({"describe-cluster.json",
                             R"({"cluster": {"name": "c", "accessConfig": {"authenticationMode":
                                 "API_AND_CONFIG_MAP"}}})"});
        }
        files.emplace_back(std::move(name), std::move(text));
        return Graph(load_files(files), test_options());
    };
    std::ostringstream eksctl;
    write_migrate_eksctl(eksctl, plan);
    CHECK(eksctl.str().find("region: \"eu-west-1\"") != std::string::npos);
    const Graph from_eksctl = reloaded("cluster.yaml", eksctl.str(), false);
    CHECK(from_eksctl.source().access_entries.size() == 3);
    CHECK(differences(diff_access(planned, from_eksctl, none, none)) == 0);
    std::ostringstream cloudformation;
    write_migrate_cloudformation(cloudformation, plan);
    const Graph from_template = reloaded("template.yaml", cloudformation.str(), true);
    CHECK(from_template.source().access_entries.size() == 3);
    CHECK(differences(diff_access(planned, from_template, none, none)) == 0);
    // The aws-auth that remains, beside the entries, keeps the cluster of the first step: every mapping it
    // drops is replaced by an entry that takes priority.
    std::ostringstream remaining;
    write_migrate_aws_auth(remaining, plan);
    const Graph with_remaining(load_files({{"aws-auth.yaml", remaining.str()},
                                           {"rbac.yaml", std::string(kBinding)},
                                           {"cluster.yaml", eksctl.str()}}),
                               test_options());
    REQUIRE(with_remaining.source().aws_auth);
    CHECK(with_remaining.source().aws_auth->map_roles.size() == 1);  // the node mapping stays
    CHECK(differences(diff_access(planned, with_remaining, none, none)) == 0);
    // The control: the export without the fragment is not the planned cluster.
    CHECK(differences(diff_access(planned, graph, none, none)) > 0);
}

}  // namespace
}  // namespace rbacgraph::test
