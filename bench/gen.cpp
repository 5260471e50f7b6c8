// Writes a deterministic synthetic cluster export (RBAC objects as multi-document YAML and a kind: List JSON,
// an aws-auth ConfigMap) plus a JSON-lines file of can-i requests against it.
//   rbacgraph-gen --objects N [--requests R] [--seed S] --out DIR
#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::array<std::string_view, 9> kVerbs = {
    "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*"};
constexpr std::array<std::string_view, 10> kResources = {
    "pods",    "pods/log",    "pods/exec", "services",        "configmaps",
    "secrets", "deployments", "jobs",      "serviceaccounts", "*"};
constexpr std::array<std::string_view, 4> kGroups = {"", "apps", "batch", "*"};

struct Options {
    std::size_t objects = 10'000;
    std::size_t requests = 10'000;
    unsigned seed = 1;
    std::filesystem::path out;
};

class Generator {
  public:
    explicit Generator(const Options& options) : options_(options), random_(options.seed) {
        namespaces_ = std::max<std::size_t>(4, options.objects / 200);
        mappings_ = std::max<std::size_t>(4, options.objects / 10);
    }

    void write() {
        std::filesystem::create_directories(options_.out);
        const std::size_t rbac = options_.objects - 1;  // one aws-auth ConfigMap
        cluster_roles_ = std::max<std::size_t>(1, rbac / 10);
        roles_ = rbac * 4 / 10;
        const std::size_t cluster_bindings = rbac / 10;
        const std::size_t bindings = rbac - cluster_roles_ - roles_ - cluster_bindings;
        write_roles();
        write_bindings(bindings, cluster_bindings);
        write_aws_auth();
        write_requests();
    }

  private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
    template <typename List>
    std::string_view pick_from(const List& list) {
        return list[pick(list.size())];
    }

    std::string rule() {
        std::string verbs;
        for (std::size_t i = 0, n = 1 + pick(3); i < n; ++i) {
            verbs += fmt::format("{}\"{}\"", i ? ", " : "", pick_from(kVerbs));
        }
        return fmt::format("  - apiGroups: [\"{}\"]\n    resources: [\"{}\", \"{}\"]\n    verbs: [{}]\n",
                           pick_from(kGroups), pick_from(kResources), pick_from(kResources), verbs);
    }

    void write_roles() {
        std::ofstream out(options_.out / "roles.yaml");
        for (std::size_t i = 0; i < cluster_roles_; ++i) {
            out << fmt::format(
                "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: "
                "cr-{}\n  labels:\n    tier: t{}\nrules:\n",
                i, i % 5);
            for (std::size_t r = 0, n = 1 + pick(4); r < n; ++r) {
                out << rule();
            }
        }
        for (std::size_t i = 0; i < roles_; ++i) {
            out << fmt::format(
                "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-{}\n"
                "  namespace: ns-{}\nrules:\n",
                i, i % namespaces_);
            for (std::size_t r = 0, n = 1 + pick(3); r < n; ++r) {
                out << rule();
            }
        }
    }

    std::string subject() {
        switch (pick(3)) {
            case 0:
                return fmt::format(R"({{"kind": "User", "name": "user-{}"}})", pick(mappings_));
            case 1:
                return fmt::format(R"({{"kind": "Group", "name": "group-{}"}})", pick(mappings_ / 4 + 1));
            default:
                return fmt::format(R"({{"kind": "ServiceAccount", "name": "sa-{}", "namespace": "ns-{}"}})",
                                   pick(50), pick(namespaces_));
        }
    }

    void write_bindings(std::size_t bindings, std::size_t cluster_bindings) {
        std::ofstream out(options_.out / "bindings.json");
        out << R"({"apiVersion": "v1", "kind": "List", "items": [)" << '\n';
        for (std::size_t i = 0; i < bindings + cluster_bindings; ++i) {
            const bool cluster = i >= bindings;
            const std::size_t ns = pick(namespaces_);
            // A RoleBinding references a Role of its own namespace (role-k lives in ns-(k % namespaces)).
            const std::size_t local_role =
                ns + namespaces_ * pick(std::max<std::size_t>(1, roles_ / namespaces_));
            const bool to_role = !cluster && local_role < roles_ && pick(2) == 0;
            const std::string metadata =
                cluster ? fmt::format(R"({{"name": "crb-{}"}})", i)
                        : fmt::format(R"({{"name": "rb-{}", "namespace": "ns-{}"}})", i, ns);
            const std::string role_ref =
                to_role
                    ? fmt::format(
                          R"({{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "role-{}"}})",
                          local_role)
                    : fmt::format(
                          R"({{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cr-{}"}})",
                          pick(cluster_roles_));
            out << fmt::format(
                       R"({}{{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "{}", "metadata": {}, )"
                       R"("roleRef": {}, "subjects": [{}, {}]}})",
                       i ? ",\n" : "", cluster ? "ClusterRoleBinding" : "RoleBinding", metadata, role_ref,
                       subject(), subject())
                << '\n';
        }
        out << "]}\n";
    }

    void write_aws_auth() {
        std::ofstream out(options_.out / "aws-auth.yaml");
        out << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: "
               "kube-system\ndata:\n"
               "  mapRoles: |\n";
        for (std::size_t i = 0; i < mappings_; ++i) {
            const std::string username =
                i % 7 == 0 ? fmt::format("user-{}-{{{{SessionName}}}}", i) : fmt::format("user-{}", i);
            out << fmt::format(
                "    - rolearn: arn:aws:iam::111122223333:role/role-{}\n      username: {}\n      groups:\n"
                "        - group-{}\n",
                i, username, i / 4);
        }
    }

    void write_requests() {
        std::ofstream out(options_.out / "requests.jsonl");
        for (std::size_t i = 0; i < options_.requests; ++i) {
            std::string resource(pick_from(kResources));
            if (resource == "*") {
                resource = "pods";
            }
            std::string subresource;
            if (const std::size_t slash = resource.find('/'); slash != std::string::npos) {
                subresource = resource.substr(slash + 1);
                resource.resize(slash);
            }
            std::string_view verb = pick_from(kVerbs);
            if (verb == "*") {
                verb = "get";
            }
            const std::string ns = pick(10) == 0 ? "" : fmt::format("ns-{}", pick(namespaces_));
            out << fmt::format(
                       R"({{"id": {}, "arn": "arn:aws:sts::111122223333:assumed-role/role-{}/s{}", )"
                       R"("verb": "{}", "resource": "{}", "subresource": "{}", "apiGroup": "{}", "namespace": "{}"}})",
                       i, pick(mappings_), pick(3), verb, resource, subresource,
                       resource == "deployments" ? "apps" : (resource == "jobs" ? "batch" : ""), ns)
                << '\n';
        }
    }

    Options options_;
    std::mt19937_64 random_;
    std::size_t namespaces_ = 0;
    std::size_t mappings_ = 0;
    std::size_t cluster_roles_ = 0;
    std::size_t roles_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const char* value = argv[i + 1];
        if (flag == "--objects") {
            options.objects = std::strtoull(value, nullptr, 10);
        } else if (flag == "--requests") {
            options.requests = std::strtoull(value, nullptr, 10);
        } else if (flag == "--seed") {
            options.seed = static_cast<unsigned>(std::strtoul(value, nullptr, 10));
        } else if (flag == "--out") {
            options.out = value;
        } else {
            std::cerr << "usage: rbacgraph-gen --objects N [--requests R] [--seed S] --out DIR\n";
            return 2;
        }
    }
    if (options.out.empty() || options.objects < 10) {
        std::cerr << "usage: rbacgraph-gen --objects N (>= 10) [--requests R] [--seed S] --out DIR\n";
        return 2;
    }
    Generator(options).write();
    return 0;
}
