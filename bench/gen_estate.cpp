// Writes a deterministic synthetic estate: one account's IAM dump and many small clusters
// (docs/performance.md, "The estate"):
//   rbacgraph-gen-estate --principals P --clusters C [--objects N] [--seed S] --out DIR
// DIR/iam/111122223333.json holds P users and roles (70/30) with groups, managed and inline policies and
// trust policies that delegate to the account, name users or roles (chains), or admit services;
// DIR/clusters/cNN/ holds describe-cluster, aws-auth mapping some of the roles, RBAC for the mapped groups,
// and access entries.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kAccount = "111122223333";

struct Options {
    std::size_t principals = 5000;
    std::size_t clusters = 50;
    std::size_t objects = 80;  ///< RBAC objects per cluster (Roles and RoleBindings, in pairs)
    std::uint64_t seed = 1;
    std::filesystem::path out;
};

class Random {
  public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {  // splitmix64
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool percent(unsigned p) { return below(100) < p; }

  private:
    std::uint64_t state_;
};

std::string role_arn(std::size_t i) {
    return fmt::format("arn:aws:iam::{}:role/{}role-{}", kAccount, i % 5 == 0 ? "teams/" : "", i);
}
std::string user_arn(std::size_t i) {
    return fmt::format("arn:aws:iam::{}:user/user-{}", kAccount, i);
}

std::string statement(std::string_view effect, std::string_view actions, std::string_view resources,
                      std::string_view extra = "") {
    return fmt::format(R"({{"Effect": "{}", "Action": {}, "Resource": {}{}}})", effect, actions, resources,
                       extra);
}

std::string document(const std::vector<std::string>& statements) {
    std::string out = R"({"Version": "2012-10-17", "Statement": [)";
    for (std::size_t i = 0; i < statements.size(); ++i) {
        out += (i ? ", " : "") + statements[i];
    }
    return out + "]}";
}

class EstateWriter {
  public:
    explicit EstateWriter(const Options& options)
        : options_(options),
          random_(options.seed),
          roles_(options.principals * 3 / 10),
          users_(options.principals - roles_) {}

    void write() {
        std::filesystem::create_directories(options_.out / "iam");
        std::ofstream iam(options_.out / "iam" / fmt::format("{}.json", kAccount));
        write_iam(iam);
        for (std::size_t c = 0; c < options_.clusters; ++c) {
            write_cluster(c);
        }
    }

  private:
    // Group policies: the ways users get sts:AssumeRole and EKS rights.
    std::string group_policy(std::size_t g) {
        switch (g % 6) {
            case 0:
                return document({statement("Allow", R"("sts:AssumeRole")",
                                           fmt::format(R"("arn:aws:iam::{}:role/role-{}*")", kAccount, g))});
            case 1:
                return document({statement("Allow", R"(["eks:Describe*", "eks:List*"])", R"("*")")});
            case 2:
                return document({statement("Allow", R"("sts:AssumeRole")",
                                           fmt::format(R"("arn:aws:iam::{}:role/role-1*")", kAccount)),
                                 statement("Deny", R"("sts:AssumeRole")",
                                           fmt::format(R"("arn:aws:iam::{}:role/teams/*")", kAccount))});
            case 3:
                return document(
                    {statement("Allow", R"(["eks:CreateAccessEntry", "eks:AssociateAccessPolicy"])",
                               fmt::format(R"("arn:aws:eks:eu-west-1:{}:*/c{:02}*")", kAccount, g % 50))});
            case 4:
                return document(
                    {statement("Allow", R"("sts:AssumeRole")", R"("*")",
                               R"(, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}})")});
            default:
                return document({statement("Allow", R"(["s3:GetObject", "s3:ListBucket"])", R"("*")")});
        }
    }

    std::string trust(std::size_t r) {
        const unsigned kind = static_cast<unsigned>(random_.below(100));
        std::string principal;
        if (kind < 60) {
            principal = fmt::format(R"({{"AWS": "arn:aws:iam::{}:root"}})", kAccount);
        } else if (kind < 80) {
            principal = fmt::format(R"({{"AWS": ["{}", "{}"]}})", user_arn(random_.below(users_)),
                                    user_arn(random_.below(users_)));
        } else if (kind < 90) {
            principal =
                fmt::format(R"({{"AWS": "{}"}})", role_arn((r + 1 + random_.below(roles_ - 1)) % roles_));
        } else {
            principal =
                kind < 95 ? R"({"Service": "ec2.amazonaws.com"})" : R"({"Service": "eks.amazonaws.com"})";
        }
        return fmt::format(
            R"({{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole"}}]}})",
            principal);
    }

    void write_iam(std::ostream& out) {
        constexpr std::size_t kGroups = 60;
        out << "{\n    \"UserDetailList\": [\n";
        for (std::size_t u = 0; u < users_; ++u) {
            std::string inline_policies;
            if (random_.percent(10)) {
                inline_policies = fmt::format(
                    R"({{"PolicyName": "self", "PolicyDocument": {}}})",
                    document({statement("Allow", R"("sts:AssumeRole")",
                                        fmt::format(R"("{}")", role_arn(random_.below(roles_))))}));
            }
            const std::string attached =
                random_.percent(2)
                    ? R"({"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})"
                    : "";
            out << fmt::format(
                R"(        {{"Path": "/", "UserName": "user-{}", "UserId": "AIDA{:016}", "Arn": "{}", "GroupList": ["group-{}", "group-{}"], "AttachedManagedPolicies": [{}], "UserPolicyList": [{}]}}{})",
                u, u, user_arn(u), random_.below(kGroups), random_.below(kGroups), attached, inline_policies,
                u + 1 < users_ ? ",\n" : "\n");
        }
        out << "    ],\n    \"GroupDetailList\": [\n";
        for (std::size_t g = 0; g < kGroups; ++g) {
            out << fmt::format(
                R"(        {{"Path": "/", "GroupName": "group-{}", "Arn": "arn:aws:iam::{}:group/group-{}", "GroupPolicyList": [{{"PolicyName": "p", "PolicyDocument": {}}}], "AttachedManagedPolicies": []}}{})",
                g, kAccount, g, group_policy(g), g + 1 < kGroups ? ",\n" : "\n");
        }
        out << "    ],\n    \"RoleDetailList\": [\n";
        for (std::size_t r = 0; r < roles_; ++r) {
            const std::string arn = role_arn(r);
            const std::string path = r % 5 == 0 ? "/teams/" : "/";
            std::string policy = document({statement("Allow", R"(["s3:*"])", R"("*")")});
            if (r % 7 == 0) {
                policy = document({statement("Allow", R"("sts:AssumeRole")",
                                             fmt::format(R"("{}")", role_arn((r * 13 + 1) % roles_)))});
            } else if (r % 11 == 0) {
                policy = document({statement("Allow", R"(["eks:CreateCluster", "iam:PassRole"])", R"("*")")});
            }
            out << fmt::format(
                R"(        {{"Path": "{}", "RoleName": "role-{}", "RoleId": "AROA{:016}", "Arn": "{}", "AssumeRolePolicyDocument": {}, "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {}}}], "AttachedManagedPolicies": [{{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}]}}{})",
                path, r, r, arn, trust(r), policy, r + 1 < roles_ ? ",\n" : "\n");
        }
        out << "    ],\n    \"Policies\": [\n";
        out << fmt::format(
            R"(        {{"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "DefaultVersionId": "v1", "PolicyVersionList": [{{"VersionId": "v1", "IsDefaultVersion": true, "Document": {}}}]}},)"
            "\n",
            document({statement("Allow", R"("*")", R"("*")")}));
        out << fmt::format(
            R"(        {{"PolicyName": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "DefaultVersionId": "v3", "PolicyVersionList": [{{"VersionId": "v3", "IsDefaultVersion": true, "Document": {}}}]}})"
            "\n",
            document({statement("Allow",
                                R"(["s3:Get*", "s3:List*", "ec2:Describe*", "eks:Describe*", "eks:List*"])",
                                R"("*")")}));
        out << "    ]\n}\n";
    }

    void write_cluster(std::size_t c) {
        const std::string name = fmt::format("c{:02}", c);
        const auto dir = options_.out / "clusters" / name;
        std::filesystem::create_directories(dir);
        static constexpr std::array<std::string_view, 3> kModes = {"CONFIG_MAP", "API_AND_CONFIG_MAP", "API"};
        const std::string_view mode = kModes[c % 3];
        std::ofstream(dir / "describe-cluster.json") << fmt::format(
            R"({{"cluster": {{"name": "{}", "arn": "arn:aws:eks:eu-west-1:{}:cluster/{}", "accessConfig": {{"authenticationMode": "{}"}}}}}})"
            "\n",
            name, kAccount, name, mode);
        constexpr std::size_t kTeams = 40;
        std::ofstream auth(dir / "aws-auth.yaml");
        auth << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: "
                "kube-system\ndata:\n"
                "  mapRoles: |\n";
        for (std::size_t t = 0; t < kTeams; ++t) {
            const std::size_t role = (c * 37 + t * 101) % roles_;
            const std::string group = t == 0 && c % 10 == 0 ? "system:masters" : fmt::format("team-{}", t);
            auth << fmt::format(
                "    - rolearn: arn:aws:iam::{}:role/role-{}\n      username: team-{}:{{{{SessionName}}}}\n"
                "      groups:\n        - {}\n",
                kAccount, role, t, group);
        }
        std::ofstream rbac(dir / "rbac.yaml");
        // Beyond the 40 teams aws-auth maps, each pair is one more namespace of one of those teams.
        const std::size_t pairs = std::max(kTeams, options_.objects / 2);
        for (std::size_t t = 0; t < pairs; ++t) {
            rbac << fmt::format(
                "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: team-{0}\n  "
                "namespace: "
                "team-{0}\nrules:\n- apiGroups: [\"\", apps]\n  resources: [pods, deployments, {1}]\n  "
                "verbs: [get, "
                "list, watch, create]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: "
                "RoleBinding\nmetadata:\n"
                "  name: team-{0}\n  namespace: team-{0}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  "
                "kind: "
                "Role\n  name: team-{0}\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  "
                "name: "
                "team-{2}\n",
                t, t % 8 == 0 ? "secrets" : "configmaps", t % kTeams);
        }
        if (mode != "CONFIG_MAP") {
            std::ofstream entries(dir / "access-entries.json");
            for (std::size_t e = 0; e < 10; ++e) {
                const std::string arn =
                    fmt::format("arn:aws:iam::{}:role/role-{}", kAccount, (c * 53 + e * 7) % roles_);
                entries << fmt::format(
                    R"({{"accessEntry": {{"clusterName": "{}", "principalArn": "{}", "kubernetesGroups": ["team-{}"], "type": "STANDARD"}}}})"
                    "\n",
                    name, arn, e);
                entries << fmt::format(
                    R"({{"clusterName": "{}", "principalArn": "{}", "associatedAccessPolicies": [{{"policyArn": "arn:aws:eks::aws:cluster-access-policy/{}", "accessScope": {{"type": "cluster"}}}}]}})"
                    "\n",
                    name, arn, e == 0 ? "AmazonEKSClusterAdminPolicy" : "AmazonEKSViewPolicy");
            }
        }
    }

    const Options& options_;
    Random random_;
    std::size_t roles_;
    std::size_t users_;
};

int usage() {
    std::cerr << "usage: rbacgraph-gen-estate --principals P (>= 10) --clusters C (>= 1) [--objects N (RBAC "
                 "objects per cluster, default 80)] [--seed S] --out DIR\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            return usage();
        }
        const char* value = argv[i + 1];
        if (flag == "--principals") {
            options.principals = std::strtoull(value, nullptr, 10);
        } else if (flag == "--clusters") {
            options.clusters = std::strtoull(value, nullptr, 10);
        } else if (flag == "--objects") {
            options.objects = std::strtoull(value, nullptr, 10);
        } else if (flag == "--seed") {
            options.seed = std::strtoull(value, nullptr, 10);
        } else if (flag == "--out") {
            options.out = value;
        } else {
            return usage();
        }
    }
    if (options.out.empty() || options.principals < 10 || options.clusters < 1) {
        return usage();
    }
    EstateWriter(options).write();
    return 0;
}
