// Property test: random RBAC exports and aws-auth mappings; rbacgraph's answers must equal a brute-force
// evaluation written here from the rules in docs/semantics.md (string comparisons over the generator's own
// data, no loader, no indexes), and who-can must be exactly the inverse of can-i over every mapped ARN.
#include <fmt/format.h>

#include <map>
#include <optional>
#include <random>
#include <set>

#include "helpers.hpp"

namespace rbacgraph::test {
namespace {

using Strings = std::vector<std::string>;

struct GenRule {
    Strings verbs, groups, resources, names, urls;
};
struct GenRole {
    bool cluster = true;
    std::string ns, name;
    std::vector<GenRule> rules;
};
struct GenSubject {
    std::string kind, name, ns;
};
struct GenBinding {
    bool cluster = true;
    std::string ns, name, role_kind, role_name;
    std::vector<GenSubject> subjects;
};
struct GenMapping {
    std::string role, username;  // username may contain {{SessionName}}
    Strings groups;
};
struct World {
    std::vector<GenRole> roles;
    std::vector<GenBinding> bindings;
    std::vector<GenMapping> mappings;  // mapRoles, in order (the last one for a role wins)
};

class Random {
  public:
    explicit Random(unsigned seed) : engine_(seed) {}
    std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(engine_); }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(engine_) < p; }
    std::string pick(const Strings& from) { return from[below(from.size())]; }
    Strings some(const Strings& from, std::size_t most) {
        Strings out;
        for (std::size_t i = 0, n = 1 + below(most); i < n; ++i) {
            const std::string item = pick(from);
            if (std::find(out.begin(), out.end(), item) == out.end()) {
                out.push_back(item);
            }
        }
        return out;
    }

  private:
    std::mt19937 engine_;
};

const Strings kVerbs = {"get", "list", "create", "delete", "*"};
const Strings kGroups = {"", "apps", "*"};
const Strings kResources = {"pods", "pods/exec", "secrets", "deployments", "*/exec", "*", "pods/*"};
const Strings kNames = {"a", "b"};
const Strings kUrls = {"/healthz", "/api*", "/apis/*", "*", "/api/**"};
const Strings kNamespaces = {"n1", "n2"};
const Strings kUsers = {"u1", "u2", "p-alice", "p-bob", "system:serviceaccount:n1:sa1"};
const Strings kGroupNames = {"g1", "g2", "system:authenticated"};
const Strings kSessions = {"alice", "bob",
                           "zz"};  // every session name that can matter: subjects are p-alice, p-bob

World generate(Random& random) {
    World world;
    for (std::size_t i = 0; i < 6; ++i) {
        GenRole role{i < 3, i < 3 ? "" : random.pick(kNamespaces), fmt::format("role{}", i), {}};
        for (std::size_t r = 0, n = 1 + random.below(3); r < n; ++r) {
            GenRule rule;
            rule.verbs = random.some(kVerbs, 2);
            if (role.cluster && random.chance(0.2)) {
                rule.urls = random.some(kUrls, 2);
            } else {
                rule.groups = random.some(kGroups, 2);
                rule.resources = random.some(kResources, 2);
                if (random.chance(0.25)) {
                    rule.names = random.some(kNames, 1);
                }
            }
            role.rules.push_back(rule);
        }
        world.roles.push_back(role);
    }
    for (std::size_t i = 0; i < 7; ++i) {
        GenBinding binding;
        binding.cluster = random.chance(0.4);
        binding.ns = binding.cluster ? "" : random.pick(kNamespaces);
        binding.name = fmt::format("binding{}", i);
        binding.role_kind = binding.cluster || random.chance(0.5) ? "ClusterRole" : "Role";
        binding.role_name = fmt::format("role{}", random.below(7));  // role6 never exists: dangling
        for (std::size_t s = 0, n = 1 + random.below(2); s < n; ++s) {
            switch (random.below(3)) {
                case 0:
                    binding.subjects.push_back({"User", random.pick(kUsers), ""});
                    break;
                case 1:
                    binding.subjects.push_back({"Group", random.pick(kGroupNames), ""});
                    break;
                default:
                    binding.subjects.push_back({"ServiceAccount", "sa1", random.chance(0.5) ? "" : "n1"});
            }
        }
        world.bindings.push_back(binding);
    }
    for (std::size_t i = 0; i < 4; ++i) {
        const std::string username = random.chance(0.4) ? "p-{{SessionName}}" : random.pick(kUsers);
        Strings groups = random.some({"g1", "g2"}, 2);
        if (random.chance(0.1)) {
            groups.push_back("system:masters");
        }
        world.mappings.push_back({fmt::format("r{}", random.below(3)), username, groups});
    }
    return world;
}

std::string flow(const Strings& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i ? ", " : "") + fmt::format("\"{}\"", items[i]);
    }
    return out + "]";
}

std::string to_yaml(const World& world) {
    std::string out;
    for (const GenRole& role : world.roles) {
        out += fmt::format(
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: {}\nmetadata: {{name: {}{}}}\nrules:\n",
            role.cluster ? "ClusterRole" : "Role", role.name, role.cluster ? "" : ", namespace: " + role.ns);
        for (const GenRule& rule : role.rules) {
            out += fmt::format("- {{verbs: {}", flow(rule.verbs));
            if (!rule.urls.empty()) {
                out += ", nonResourceURLs: " + flow(rule.urls);
            } else {
                out += ", apiGroups: " + flow(rule.groups) + ", resources: " + flow(rule.resources);
            }
            if (!rule.names.empty()) {
                out += ", resourceNames: " + flow(rule.names);
            }
            out += "}\n";
        }
    }
    for (const GenBinding& binding : world.bindings) {
        out += fmt::format(
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: {}\nmetadata: {{name: {}{}}}\n"
            "roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {}, name: {}}}\nsubjects:\n",
            binding.cluster ? "ClusterRoleBinding" : "RoleBinding", binding.name,
            binding.cluster ? "" : ", namespace: " + binding.ns, binding.role_kind, binding.role_name);
        for (const GenSubject& subject : binding.subjects) {
            out += fmt::format("- {{kind: {}, name: \"{}\"{}}}\n", subject.kind, subject.name,
                               subject.ns.empty() ? "" : ", namespace: " + subject.ns);
        }
    }
    out +=
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n"
        "  mapRoles: |\n";
    for (const GenMapping& mapping : world.mappings) {
        out +=
            fmt::format("    - rolearn: arn:aws:iam::1:role/{}\n      username: \"{}\"\n      groups: {}\n",
                        mapping.role, mapping.username, flow(mapping.groups));
    }
    return out;
}

// ---- The brute-force evaluator: the rules of docs/semantics.md, written out plainly. ----

bool has(const Strings& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

bool rule_allows_plain(const GenRule& rule, const Request& request) {
    if (!has(rule.verbs, "*") && !has(rule.verbs, request.verb)) {
        return false;
    }
    if (request.non_resource) {
        for (const std::string& url : rule.urls) {
            std::string prefix = url;
            while (!prefix.empty() && prefix.back() == '*') {
                prefix.pop_back();
            }
            if (url == "*" || url == request.path ||
                (url.back() == '*' && request.path.compare(0, prefix.size(), prefix) == 0)) {
                return true;
            }
        }
        return false;
    }
    if (!has(rule.groups, "*") && !has(rule.groups, request.api_group)) {
        return false;
    }
    const std::string combined =
        request.subresource.empty() ? request.resource : request.resource + "/" + request.subresource;
    const bool resource_ok =
        has(rule.resources, "*") || has(rule.resources, combined) ||
        (!request.subresource.empty() && has(rule.resources, "*/" + request.subresource));
    return resource_ok && (rule.names.empty() || has(rule.names, request.name));
}

struct PlainIdentity {
    std::string user;
    Strings groups;
};

bool plain_allows(const World& world, const PlainIdentity& who, const Request& request) {
    if (has(who.groups, "system:masters")) {
        return true;
    }
    for (const GenBinding& binding : world.bindings) {
        if (!binding.cluster && request.ns != binding.ns) {
            continue;
        }
        bool applies = false;
        for (const GenSubject& subject : binding.subjects) {
            if (subject.kind == "User") {
                applies = applies || subject.name == who.user;
            } else if (subject.kind == "Group") {
                applies = applies || has(who.groups, subject.name);
            } else {
                const std::string ns = subject.ns.empty() ? binding.ns : subject.ns;
                applies = applies ||
                          (!ns.empty() && who.user == "system:serviceaccount:" + ns + ":" + subject.name);
            }
        }
        if (!applies) {
            continue;
        }
        for (const GenRole& role : world.roles) {
            const bool referenced =
                role.name == binding.role_name &&
                ((binding.role_kind == "ClusterRole" && role.cluster) ||
                 (binding.role_kind == "Role" && !binding.cluster && !role.cluster && role.ns == binding.ns));
            if (!referenced) {
                continue;
            }
            for (const GenRule& rule : role.rules) {
                if (rule_allows_plain(rule, request)) {
                    return true;
                }
            }
        }
    }
    return false;
}

// A bare role ARN: allowed if some session name makes it so; a session ARN: that session only.
bool plain_can(const World& world, const std::string& role, std::optional<std::string> session,
               const Request& request) {
    const GenMapping* mapping = nullptr;
    for (const GenMapping& candidate : world.mappings) {
        if (candidate.role == role) {
            mapping = &candidate;  // the last entry wins
        }
    }
    if (mapping == nullptr) {
        return false;
    }
    const Strings sessions = session ? Strings{*session} : kSessions;
    for (const std::string& name : sessions) {
        std::string user = mapping->username;
        if (const std::size_t at = user.find("{{SessionName}}"); at != std::string::npos) {
            user.replace(at, std::string("{{SessionName}}").size(), name);
        }
        PlainIdentity who{user, mapping->groups};
        who.groups.push_back("system:authenticated");
        if (plain_allows(world, who, request)) {
            return true;
        }
    }
    return false;
}

Request random_request(Random& random) {
    if (random.chance(0.15)) {
        return url_request(random.pick({"get", "post"}),
                           random.pick({"/healthz", "/api", "/apis", "/apis/v1", "/version"}));
    }
    Request request = resource_request(
        random.pick({"get", "list", "create", "delete"}), random.pick({"pods", "secrets", "deployments"}),
        random.chance(0.25) ? "" : random.pick(kNamespaces), random.chance(0.5) ? "" : random.pick(kNames),
        random.pick({"", "apps"}));
    if (request.resource == "pods" && random.chance(0.4)) {
        request.subresource = random.pick({"exec", "log", "*"});
    }
    return request;
}

TEST_CASE("property: can-i agrees with a brute-force evaluation; who-can is its exact inverse") {
    std::size_t checked = 0;
    std::size_t allowed = 0;
    for (unsigned seed = 1; seed <= 300; ++seed) {
        Random random(seed);
        const World world = generate(random);
        const Graph graph = graph_of(to_yaml(world));
        REQUIRE(count_errors(graph.source().diagnostics) == 0);
        const Strings arns = {"arn:aws:iam::1:role/r0", "arn:aws:iam::1:role/r1", "arn:aws:iam::1:role/r2",
                              "arn:aws:sts::1:assumed-role/r0/alice", "arn:aws:sts::1:assumed-role/r1/bob"};
        std::vector<Authorizer> authorizers;
        for (const std::string& arn : arns) {
            authorizers.emplace_back(graph, resolve_arn(graph, arn));
        }
        for (int i = 0; i < 20; ++i) {
            const Request request = random_request(random);
            std::set<std::string> expected_principals;
            for (std::size_t a = 0; a < arns.size(); ++a) {
                const std::string role = "r" + std::string(1, arns[a][arns[a].find("/r") + 2]);
                const std::optional<std::string> session =
                    arns[a].find("assumed-role") != std::string::npos
                        ? std::optional<std::string>(arns[a].substr(arns[a].rfind('/') + 1))
                        : std::nullopt;
                const bool expected = plain_can(world, role, session, request);
                INFO("seed " << seed << ", " << arns[a] << ", " << request.display() << "\n"
                             << to_yaml(world));
                CHECK(authorizers[a].authorize(request).allowed() == expected);
                ++checked;
                allowed += expected ? 1 : 0;
                if (!session && expected) {
                    expected_principals.insert(arns[a]);
                }
            }
            // who-can over the mapped ARNs (each mapped role is a bare role ARN) is the inverse of can-i.
            std::set<std::string> principals;
            for (const WhoCanPrincipal& principal : who_can(graph, request).principals) {
                if (!principal.undetermined) {
                    principals.insert(principal.identity.arn);
                }
            }
            std::set<std::string> mapped_and_allowed;
            for (const std::string& arn : expected_principals) {
                mapped_and_allowed.insert(arn);
            }
            INFO("seed " << seed << ", " << request.display());
            CHECK(principals == mapped_and_allowed);
        }
    }
    MESSAGE(checked << " can-i answers compared, " << allowed << " allowed");
}

}  // namespace
}  // namespace rbacgraph::test
