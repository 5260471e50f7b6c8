// Writes a deterministic synthetic EKS cluster export of a given size, in the shapes kubectl and the AWS CLI
// print, plus a JSON-lines file of can-i requests against it:
//   rbacgraph-gen --objects N [--requests R] [--seed S] --out DIR
// The mix (docs/performance.md) follows real multi-tenant clusters: mostly read-only namespaced roles, a few
// write and wildcard rules, bindings to mapped IAM users, groups and ServiceAccounts.
#include <fmt/format.h>

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

struct Options {
    std::size_t objects = 10'000;
    std::size_t requests = 10'000;
    std::uint64_t seed = 1;
    std::filesystem::path out;
};

template <typename T>
struct Weighted {
    T value;
    unsigned weight;
};

struct ResourceChoice {
    std::string_view group;
    std::string_view resource;
};

constexpr std::array<Weighted<std::string_view>, 8> kVerbSets = {{
    {R"("get", "list", "watch")", 55},
    {R"("get", "list")", 10},
    {R"("get")", 5},
    {R"("get", "list", "watch", "create", "update", "patch", "delete")", 17},
    {R"("create")", 4},
    {R"("update", "patch")", 4},
    {R"("delete")", 3},
    {R"("*")", 2},
}};

constexpr std::array<Weighted<ResourceChoice>, 17> kResources = {{
    {{"", "pods"}, 15},
    {{"", "services"}, 10},
    {{"", "configmaps"}, 12},
    {{"apps", "deployments"}, 12},
    {{"apps", "replicasets"}, 4},
    {{"batch", "jobs"}, 6},
    {{"batch", "cronjobs"}, 3},
    {{"networking.k8s.io", "ingresses"}, 5},
    {{"", "events"}, 6},
    {{"", "pods/log"}, 8},
    {{"", "endpoints"}, 4},
    {{"", "persistentvolumeclaims"}, 4},
    {{"", "secrets"}, 4},
    {{"", "pods/exec"}, 2},
    {{"", "serviceaccounts"}, 2},
    {{"apps", "*"}, 1},
    {{"*", "*"}, 1},
}};

// The sizes of each kind for a requested total; every count is derived from the total alone.
struct Plan {
    std::size_t namespaces, service_accounts_per_namespace, cluster_roles, roles, cluster_bindings, bindings,
        mappings, access_entries;

    static Plan of(std::size_t objects) {
        Plan plan{};
        plan.namespaces = std::max<std::size_t>(4, objects / 200);
        plan.service_accounts_per_namespace = 9;
        plan.access_entries = std::max<std::size_t>(2, objects / 2000);
        plan.mappings = std::max<std::size_t>(4, objects / 10);
        const std::size_t fixed = plan.namespaces * (1 + plan.service_accounts_per_namespace) +
                                  2 * plan.access_entries + 2;  // + aws-auth + describe-cluster
        const std::size_t rbac = objects > fixed + 10 ? objects - fixed : 10;
        plan.cluster_roles = std::max<std::size_t>(2, rbac * 8 / 100);
        plan.roles = rbac * 40 / 100;
        plan.cluster_bindings = std::max<std::size_t>(1, rbac * 4 / 100);
        plan.bindings = rbac - plan.cluster_roles - plan.roles - plan.cluster_bindings;
        return plan;
    }
};

class Generator {
  public:
    explicit Generator(const Options& options)
        : options_(options),
          plan_(Plan::of(options.objects)),
          state_(options.seed * 0x9E3779B97F4A7C15ULL + 1) {
        chunk_ = std::max<std::size_t>(5'000, options.objects / 16);
    }

    void write() {
        std::filesystem::create_directories(options_.out);
        write_namespaces();
        write_cluster_roles();
        write_roles();
        write_bindings(true, plan_.cluster_bindings, "clusterrolebindings");
        write_bindings(false, plan_.bindings, "rolebindings");
        write_aws_auth();
        write_cluster();
        write_access_entries();
        write_requests();
    }

  private:
    // splitmix64: the same stream for a seed on every platform and standard library.
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    std::size_t pick(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool chance(unsigned percent) { return pick(100) < percent; }

    template <typename T, std::size_t N>
    const T& pick_weighted(const std::array<Weighted<T>, N>& table) {
        unsigned total = 0;
        for (const auto& entry : table) {
            total += entry.weight;
        }
        auto roll = static_cast<unsigned>(pick(total));
        for (const auto& entry : table) {
            if (roll < entry.weight) {
                return entry.value;
            }
            roll -= entry.weight;
        }
        return table.back().value;
    }

    std::ofstream open(const std::string& name) {
        std::ofstream out(options_.out / name);
        if (!out) {
            std::cerr << "rbacgraph-gen: cannot write " << (options_.out / name).string() << '\n';
            std::exit(1);
        }
        return out;
    }

    // Chunk files so that several cores can parse them, as per-namespace exports would be.
    std::string chunk_name(std::string_view stem, std::size_t index, std::string_view extension) const {
        return fmt::format("{}-{:03}.{}", stem, index / chunk_, extension);
    }

    std::string ns(std::size_t i) const { return fmt::format("ns-{}", i % plan_.namespaces); }

    void write_namespaces() {
        std::ofstream out = open("namespaces.json");
        out << R"({"apiVersion": "v1", "items": [)" << '\n';
        for (std::size_t n = 0; n < plan_.namespaces; ++n) {
            out << fmt::format(
                R"({}{{"apiVersion": "v1", "kind": "Namespace", "metadata": {{"name": "ns-{}"}}}})",
                n ? ",\n" : "", n);
            for (std::size_t a = 0; a < plan_.service_accounts_per_namespace; ++a) {
                out << fmt::format(
                    R"(,{}{{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {{"name": "sa-{}", "namespace": "ns-{}"}}}})",
                    '\n', a, n);
            }
        }
        out << "\n], \"kind\": \"List\", \"metadata\": {\"resourceVersion\": \"\"}}\n";
    }

    // One rule in block YAML at the given indent (kubectl's -o yaml layout).
    std::string rule(std::string_view indent) {
        const ResourceChoice& first = pick_weighted(kResources);
        // A plain `*` would start a YAML alias; kubectl quotes it.
        std::string resources =
            fmt::format("{}  - {}\n", indent, first.resource == "*" ? "'*'" : first.resource);
        if (first.resource != "*" && chance(40)) {
            for (const auto& extra : kResources) {
                if (extra.value.group == first.group && extra.value.resource != first.resource &&
                    extra.value.resource != "*" && chance(30)) {
                    resources += fmt::format("{}  - {}\n", indent, extra.value.resource);
                }
            }
        }
        std::string names;
        if (first.resource == "configmaps" && chance(10)) {
            names = fmt::format("{}  resourceNames:\n{}  - app-config-{}\n", indent, indent, pick(20));
        }
        const std::string group = first.group.empty() ? "\"\"" : fmt::format("{}", first.group);
        return fmt::format("{}- apiGroups:\n{}  - {}\n{}  resources:\n{}{}{}  verbs: [{}]\n", indent, indent,
                           group == "*" ? "'*'" : group, indent, resources, names, indent,
                           pick_weighted(kVerbSets));
    }

    void write_cluster_roles() {
        // A few aggregated roles (as admin/edit/view and some add-ons), each collecting the roles that carry
        // its label: about 2% of all.
        const std::size_t aggregators = std::max<std::size_t>(3, plan_.cluster_roles / 10'000);
        std::ofstream out = open("clusterroles.yaml");
        out << "apiVersion: v1\nitems:\n";
        for (std::size_t i = 0; i < plan_.cluster_roles; ++i) {
            const std::string aggregate_label =
                i >= aggregators && chance(2)
                    ? fmt::format("      rbac.example.com/aggregate-to: agg-{}\n", pick(aggregators))
                    : "";
            out << fmt::format(
                "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata:\n"
                "    labels:\n{}      rbac.example.com/tier: t{}\n    name: cr-{}\n    resourceVersion: "
                "\"{}\"\n",
                aggregate_label, i % 50, i, 1000 + i);
            if (i < aggregators) {
                out << fmt::format(
                    "  aggregationRule:\n    clusterRoleSelectors:\n    - matchLabels:\n"
                    "        rbac.example.com/aggregate-to: agg-{}\n  rules: []\n",
                    i);
                continue;
            }
            out << "  rules:\n";
            for (std::size_t r = 0, n = 1 + pick(4); r < n; ++r) {
                out << rule("  ");
            }
        }
        out << "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
    }

    void write_roles() {
        std::ofstream out;
        for (std::size_t i = 0; i < plan_.roles; ++i) {
            if (i % chunk_ == 0) {
                out = open(chunk_name("roles", i, "yaml"));
            }
            out << fmt::format(
                "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-{}\n"
                "  namespace: {}\nrules:\n",
                i, ns(i));
            for (std::size_t r = 0, n = 1 + pick(3); r < n; ++r) {
                out << rule("");
            }
        }
    }

    std::string subject() {
        const std::size_t roll = pick(10);
        if (roll < 4) {
            return fmt::format(
                R"({{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "user-{}"}})",
                pick(plan_.mappings));
        }
        if (roll < 7) {
            return fmt::format(
                R"({{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "group-{}"}})",
                pick(plan_.mappings / 8 + 1));
        }
        return fmt::format(R"({{"kind": "ServiceAccount", "name": "sa-{}", "namespace": "ns-{}"}})",
                           pick(plan_.service_accounts_per_namespace), pick(plan_.namespaces));
    }

    void write_bindings(bool cluster, std::size_t count, std::string_view stem) {
        std::ofstream out;
        for (std::size_t i = 0; i < count; ++i) {
            if (i % chunk_ == 0) {
                if (i != 0) {
                    out << "\n], \"kind\": \"List\", \"metadata\": {\"resourceVersion\": \"\"}}\n";
                }
                out = open(cluster ? std::string(stem) + ".json" : chunk_name(stem, i, "json"));
                out << R"({"apiVersion": "v1", "items": [)" << '\n';
            }
            const std::size_t namespace_index = pick(plan_.namespaces);
            // Roles live in namespace (index % namespaces), so a RoleBinding picks one of its own namespace.
            const std::size_t per_namespace = std::max<std::size_t>(1, plan_.roles / plan_.namespaces);
            const std::size_t local_role = namespace_index + plan_.namespaces * pick(per_namespace);
            const bool to_role = !cluster && local_role < plan_.roles && chance(60);
            const std::string role_ref =
                to_role
                    ? fmt::format(R"("kind": "Role", "name": "role-{}")", local_role)
                    : fmt::format(
                          R"("kind": "ClusterRole", "name": "{}")",
                          chance(cluster ? 1 : 3) ? "edit" : fmt::format("cr-{}", pick(plan_.cluster_roles)));
            const std::string metadata =
                cluster ? fmt::format(R"({{"name": "crb-{}", "resourceVersion": "{}"}})", i, 5000 + i)
                        : fmt::format(R"({{"name": "rb-{}", "namespace": "ns-{}", "resourceVersion": "{}"}})",
                                      i, namespace_index, 5000 + i);
            std::string subjects = subject();
            for (std::size_t s = 0, extra = pick(3); s < extra; ++s) {
                subjects += ", " + subject();
            }
            out << fmt::format(
                R"({}{{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "{}", "metadata": {}, )"
                R"("roleRef": {{"apiGroup": "rbac.authorization.k8s.io", {}}}, "subjects": [{}]}})",
                i % chunk_ ? ",\n" : "", cluster ? "ClusterRoleBinding" : "RoleBinding", metadata, role_ref,
                subjects);
        }
        if (count != 0) {
            out << "\n], \"kind\": \"List\", \"metadata\": {\"resourceVersion\": \"\"}}\n";
        }
    }

    std::string mapping_username(std::size_t i) const {
        switch (i % 10) {
            case 0:
                return fmt::format("user-{}-{{{{SessionName}}}}", i);
            case 1:
                return fmt::format("user-{}:{{{{AccountID}}}}", i);
            default:
                return fmt::format("user-{}", i);
        }
    }

    void write_aws_auth() {
        std::ofstream out = open("aws-auth.yaml");
        out << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: "
               "kube-system\ndata:\n";
        std::string roles;
        std::string users;
        for (std::size_t i = 0; i < plan_.mappings; ++i) {
            const std::string groups = fmt::format("        - group-{}\n", i / 8);
            if (i % 5 == 4) {
                users += fmt::format(
                    "    - userarn: arn:aws:iam::111122223333:user/user-{}\n      username: user-{}\n"
                    "      groups:\n{}",
                    i, i, groups);
            } else {
                roles += fmt::format(
                    "    - rolearn: arn:aws:iam::111122223333:role/role-{}\n      username: {}\n      "
                    "groups:\n{}",
                    i, mapping_username(i), groups);
            }
        }
        roles +=
            "    - rolearn: arn:aws:iam::111122223333:role/eks-node-role\n"
            "      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n"
            "        - system:bootstrappers\n        - system:nodes\n";
        out << "  mapRoles: |\n" << roles << "  mapUsers: |\n" << users;
    }

    void write_cluster() {
        std::ofstream out = open("cluster.json");
        out << R"({"cluster": {"name": "bench", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/bench", )"
               R"("version": "1.31", "status": "ACTIVE", "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP", )"
               R"("bootstrapClusterCreatorAdminPermissions": false}}})"
            << '\n';
    }

    void write_access_entries() {
        std::ofstream entries = open("access-entries.json");
        std::ofstream policies = open("access-policies.json");
        constexpr std::array<std::string_view, 3> kPolicies = {"AmazonEKSViewPolicy", "AmazonEKSEditPolicy",
                                                               "AmazonEKSAdminPolicy"};
        for (std::size_t i = 0; i < plan_.access_entries; ++i) {
            const std::string principal = fmt::format("arn:aws:iam::111122223333:role/team-{}", i);
            entries << fmt::format(
                R"({{"accessEntry": {{"clusterName": "bench", "principalArn": "{}", "kubernetesGroups": ["group-{}"], )"
                R"("username": "team-{}", "type": "STANDARD"}}}})"
                "\n",
                principal, pick(plan_.mappings / 8 + 1), i);
            policies << fmt::format(
                R"({{"clusterName": "bench", "principalArn": "{}", "associatedAccessPolicies": [{{"policyArn": )"
                R"("arn:aws:eks::aws:cluster-access-policy/{}", "accessScope": {{"type": "namespace", )"
                R"("namespaces": ["ns-{}", "ns-{}*"]}}}}]}})"
                "\n",
                principal, kPolicies[i % kPolicies.size()], pick(plan_.namespaces), pick(plan_.namespaces));
        }
    }

    void write_requests() {
        std::ofstream out = open("requests.jsonl");
        for (std::size_t i = 0; i < options_.requests; ++i) {
            const ResourceChoice& choice = pick_weighted(kResources);
            std::string resource(choice.resource == "*" ? "pods" : choice.resource);
            std::string subresource;
            if (const std::size_t slash = resource.find('/'); slash != std::string::npos) {
                subresource = resource.substr(slash + 1);
                resource.resize(slash);
            }
            constexpr std::array<std::string_view, 6> kRequestVerbs = {"get",    "list",  "watch",
                                                                       "create", "patch", "delete"};
            const std::string group(choice.group == "*" ? "" : choice.group);
            const std::string ns = chance(10) ? "" : fmt::format("ns-{}", pick(plan_.namespaces));
            const std::size_t who = pick(plan_.mappings);
            const std::string arn =
                who % 5 == 4
                    ? fmt::format("arn:aws:iam::111122223333:user/user-{}", who)
                    : fmt::format("arn:aws:sts::111122223333:assumed-role/role-{}/s{}", who, pick(3));
            out << fmt::format(
                R"({{"id": {}, "arn": "{}", "verb": "{}", "resource": "{}", "subresource": "{}", "apiGroup": "{}", )"
                R"("namespace": "{}"}})"
                "\n",
                i, arn, kRequestVerbs[pick(kRequestVerbs.size())], resource, subresource, group, ns);
        }
    }

    Options options_;
    Plan plan_;
    std::uint64_t state_;
    std::size_t chunk_ = 0;
};

int usage() {
    std::cerr
        << "usage: rbacgraph-gen --objects N (>= 100) [--requests R] [--seed S] --out DIR\n"
           "Writes a deterministic synthetic export of about N objects (and R can-i requests) to DIR.\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "-h" || flag == "--help" || i + 1 >= argc) {
            return usage();
        }
        const char* value = argv[i + 1];
        if (flag == "--objects") {
            options.objects = std::strtoull(value, nullptr, 10);
        } else if (flag == "--requests") {
            options.requests = std::strtoull(value, nullptr, 10);
        } else if (flag == "--seed") {
            options.seed = std::strtoull(value, nullptr, 10);
        } else if (flag == "--out") {
            options.out = value;
        } else {
            return usage();
        }
    }
    if (options.out.empty() || options.objects < 100) {
        return usage();
    }
    Generator(options).write();
    return 0;
}
