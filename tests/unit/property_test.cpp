// Property test: random RBAC exports, aws-auth mappings, access entries and access policies (one tabled, one
// that rbacgraph cannot evaluate); every answer must equal a brute-force evaluation written here from the
// rules in docs/semantics.md (string comparisons over the generator's own data, no loader, no indexes, no
// grant table), in both directions: can-i for each ARN, and the reverse questions (who-can's principals and
// subjects, check's capabilities) for each request.
#include <fmt/format.h>

#include <map>
#include <optional>
#include <random>
#include <set>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/rules.hpp"

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
    bool bootstrap_label = false;  // kubernetes.io/bootstrapping: rbac-defaults, as an attacker writes it
};
struct GenSubject {
    std::string kind, name, ns;
};
struct GenBinding {
    bool cluster = true;
    std::string ns, name, role_kind, role_name;
    std::vector<GenSubject> subjects;
    bool bootstrap_label = false;
};
struct GenMapping {
    std::string role, username;  // username may contain {{SessionName}}
    Strings groups;
};
struct GenPolicy {
    bool unknown = false;  // a policy rbacgraph knows nothing of (undetermined in scope); else SecretReader
    bool cluster = true;
    Strings namespaces;  // may end in '*'
};
struct GenEntry {
    std::string role;
    Strings groups;
    std::vector<GenPolicy> policies;
};
struct World {
    std::vector<GenRole> roles;
    std::vector<GenBinding> bindings;
    std::vector<GenMapping> mappings;  // mapRoles, in order (the last one for a role wins)
    bool api_mode = false;             // API_AND_CONFIG_MAP: access entries apply and override aws-auth
    std::vector<GenEntry> entries;     // one per role at most
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
    world.api_mode = random.chance(0.6);
    for (const char* role : {"r1", "r3"}) {
        if (!random.chance(0.5)) {
            continue;
        }
        GenEntry entry{role, random.chance(0.5) ? random.some({"g1", "g2"}, 2) : Strings{}, {}};
        for (std::size_t p = 0, n = random.below(3); p < n; ++p) {
            GenPolicy policy;
            policy.unknown = random.chance(0.4);
            policy.cluster = random.chance(0.4);
            if (!policy.cluster) {
                policy.namespaces = random.some({"n1", "n2", "n*"}, 2);
            }
            // Associating a policy again replaces its scope: keep one association per policy.
            const auto same =
                std::find_if(entry.policies.begin(), entry.policies.end(),
                             [&](const GenPolicy& other) { return other.unknown == policy.unknown; });
            if (same == entry.policies.end()) {
                entry.policies.push_back(policy);
            }
        }
        world.entries.push_back(entry);
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
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: {}\nmetadata: {{name: "
            "\"{}\"{}{}}}\nrules:\n",
            role.cluster ? "ClusterRole" : "Role", role.name, role.cluster ? "" : ", namespace: " + role.ns,
            role.bootstrap_label ? ", labels: {kubernetes.io/bootstrapping: rbac-defaults}" : "");
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
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: {}\nmetadata: {{name: \"{}\"{}{}}}\n"
            "roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {}, name: \"{}\"}}\nsubjects:\n",
            binding.cluster ? "ClusterRoleBinding" : "RoleBinding", binding.name,
            binding.cluster ? "" : ", namespace: " + binding.ns,
            binding.bootstrap_label ? ", labels: {kubernetes.io/bootstrapping: rbac-defaults}" : "",
            binding.role_kind, binding.role_name);
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
    out += fmt::format("---\ncluster: {{name: c, accessConfig: {{authenticationMode: {}}}}}\n",
                       world.api_mode ? "API_AND_CONFIG_MAP" : "CONFIG_MAP");
    for (const GenEntry& entry : world.entries) {
        out += fmt::format(
            "---\naccessEntry: {{principalArn: \"arn:aws:iam::1:role/{}\", type: STANDARD, kubernetesGroups: "
            "{}}}\n",
            entry.role, flow(entry.groups));
        if (entry.policies.empty()) {
            continue;
        }
        out += fmt::format("---\nprincipalArn: \"arn:aws:iam::1:role/{}\"\nassociatedAccessPolicies:\n",
                           entry.role);
        for (const GenPolicy& policy : entry.policies) {
            out += fmt::format(
                "- {{policyArn: \"arn:aws:eks::aws:cluster-access-policy/{}\", accessScope: {}}}\n",
                policy.unknown ? "AmazonEKSNotYetKnownPolicy" : "AmazonEKSSecretReaderPolicy",
                policy.cluster ? std::string("{type: cluster}")
                               : "{type: namespace, namespaces: " + flow(policy.namespaces) + "}");
        }
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

bool subject_matches(const GenBinding& binding, const GenSubject& subject, const PlainIdentity& who) {
    if (subject.kind == "User") {
        return subject.name == who.user;
    }
    if (subject.kind == "Group") {
        return has(who.groups, subject.name);
    }
    const std::string ns = subject.ns.empty() ? binding.ns : subject.ns;
    return !ns.empty() && who.user == "system:serviceaccount:" + ns + ":" + subject.name;
}

const GenRole* referenced_role(const World& world, const GenBinding& binding) {
    for (const GenRole& role : world.roles) {
        const bool referenced =
            role.name == binding.role_name &&
            ((binding.role_kind == "ClusterRole" && role.cluster) ||
             (binding.role_kind == "Role" && !binding.cluster && !role.cluster && role.ns == binding.ns));
        if (referenced) {
            return &role;
        }
    }
    return nullptr;
}

bool role_allows_plain(const GenRole& role, const Request& request) {
    return std::any_of(role.rules.begin(), role.rules.end(),
                       [&](const GenRule& rule) { return rule_allows_plain(rule, request); });
}

// A RoleBinding grants namespaced requests of its own namespace only: never URLs or cluster-scope requests.
bool binding_in_scope(const GenBinding& binding, const Request& request) {
    return binding.cluster || (!request.non_resource && request.ns == binding.ns);
}

bool rbac_allows(const World& world, const PlainIdentity& who, const Request& request) {
    if (has(who.groups, "system:masters")) {
        return true;
    }
    for (const GenBinding& binding : world.bindings) {
        if (!binding_in_scope(binding, request)) {
            continue;
        }
        const bool applies =
            std::any_of(binding.subjects.begin(), binding.subjects.end(),
                        [&](const GenSubject& subject) { return subject_matches(binding, subject, who); });
        const GenRole* role = referenced_role(world, binding);
        if (applies && role != nullptr && role_allows_plain(*role, request)) {
            return true;
        }
    }
    return false;
}

// An EKS access scope: cluster, or namespaced requests whose namespace equals an entry or its '*' prefix.
bool policy_in_scope(const GenPolicy& policy, const Request& request) {
    if (policy.cluster) {
        return true;
    }
    if (request.non_resource || request.ns.empty()) {
        return false;
    }
    return std::any_of(policy.namespaces.begin(), policy.namespaces.end(), [&](const std::string& pattern) {
        return pattern.back() == '*'
                   ? request.ns.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0
                   : pattern == request.ns;
    });
}

// AmazonEKSSecretReaderPolicy: get, list, watch on core secrets (access-policy-reference.adoc).
bool secret_reader_allows(const Request& request) {
    return !request.non_resource && request.api_group.empty() && request.resource == "secrets" &&
           request.subresource.empty() &&
           (request.verb == "get" || request.verb == "list" || request.verb == "watch");
}

const GenEntry* entry_of(const World& world, const std::string& role) {
    if (!world.api_mode) {
        return nullptr;  // CONFIG_MAP mode: access entries do not apply
    }
    for (const GenEntry& entry : world.entries) {
        if (entry.role == role) {
            return &entry;
        }
    }
    return nullptr;
}

std::string render(const std::string& username, const std::string& session) {
    std::string user = username;
    if (const std::size_t at = user.find("{{SessionName}}"); at != std::string::npos) {
        user.replace(at, std::string("{{SessionName}}").size(), session);
    }
    return user;
}

// A bare role ARN: allowed if some session name makes it so; a session ARN: that session only. An access
// entry overrides the aws-auth entry; its policies belong to it; a policy rbacgraph cannot evaluate makes a
// request in its scope undetermined unless something allows it.
Verdict plain_decide(const World& world, const std::string& role, std::optional<std::string> session,
                     const Request& request) {
    const Strings sessions = session ? Strings{*session} : kSessions;
    if (const GenEntry* entry = entry_of(world, role)) {
        bool undetermined = false;
        for (const GenPolicy& policy : entry->policies) {
            if (!policy_in_scope(policy, request)) {
                continue;
            }
            if (!policy.unknown && secret_reader_allows(request)) {
                return Verdict::kAllowed;
            }
            undetermined = undetermined || policy.unknown;
        }
        for (const std::string& name : sessions) {
            PlainIdentity who{"arn:aws:sts::1:assumed-role/" + role + "/" + name, entry->groups};
            who.groups.push_back("system:authenticated");
            if (rbac_allows(world, who, request)) {
                return Verdict::kAllowed;
            }
        }
        return undetermined ? Verdict::kUndetermined : Verdict::kDenied;
    }
    const GenMapping* mapping = nullptr;
    for (const GenMapping& candidate : world.mappings) {
        if (candidate.role == role) {
            mapping = &candidate;  // the last entry wins
        }
    }
    if (mapping == nullptr) {
        return Verdict::kDenied;
    }
    for (const std::string& name : sessions) {
        PlainIdentity who{render(mapping->username, name), mapping->groups};
        who.groups.push_back("system:authenticated");
        if (rbac_allows(world, who, request)) {
            return Verdict::kAllowed;
        }
    }
    return Verdict::kDenied;
}

// who-can's Kubernetes subjects: system:masters, then every subject (as it matches) of a binding in scope
// whose role allows the request; subjects that can match nobody are not holders.
std::set<std::string> plain_subjects(const World& world, const Request& request) {
    std::set<std::string> out{"Group system:masters"};
    for (const GenBinding& binding : world.bindings) {
        const GenRole* role = referenced_role(world, binding);
        if (!binding_in_scope(binding, request) || role == nullptr || !role_allows_plain(*role, request)) {
            continue;
        }
        for (const GenSubject& subject : binding.subjects) {
            if (subject.kind == "ServiceAccount") {
                const std::string ns = subject.ns.empty() ? binding.ns : subject.ns;
                if (!ns.empty()) {
                    out.insert("ServiceAccount " + ns + "/" + subject.name);
                }
            } else {
                out.insert(subject.kind + " " + subject.name);
            }
        }
    }
    return out;
}

// check's capabilities for one probe, as "binding NAME [names]" or "policy ROLE": the grants whose holders
// can match somebody and that allow the probe in some namespace (no namespace given) or in its namespace, for
// every name or for the names a rule lists (the first rule allowing every name wins, else the first naming
// some).
std::set<std::string> plain_capabilities(const World& world, const Request& request) {
    std::set<std::string> out;
    const bool any_namespace = !request.non_resource && request.ns.empty();
    for (const GenBinding& binding : world.bindings) {
        const GenRole* role = referenced_role(world, binding);
        const bool scoped =
            binding.cluster || (!request.non_resource && (any_namespace || request.ns == binding.ns));
        const bool held =
            std::any_of(binding.subjects.begin(), binding.subjects.end(), [&](const GenSubject& subject) {
                return subject.kind == "User" || subject.kind == "Group" || !subject.ns.empty() ||
                       !binding.cluster;
            });
        if (role == nullptr || !scoped || !held) {
            continue;
        }
        std::optional<Strings> names;
        for (const GenRule& rule : role->rules) {
            if (rule_allows_plain(rule, request)) {
                names = Strings{};
                break;
            }
        }
        if (!names && !request.non_resource && request.name.empty()) {
            for (const GenRule& rule : role->rules) {
                GenRule any_name = rule;
                any_name.names.clear();
                if (!rule.names.empty() && rule_allows_plain(any_name, request)) {
                    names = rule.names;
                    break;
                }
            }
        }
        if (names) {
            out.insert("binding " + binding.name + " " + flow(*names));
        }
    }
    if (!world.api_mode) {
        return out;
    }
    for (const GenEntry& entry : world.entries) {
        for (const GenPolicy& policy : entry.policies) {
            const bool scoped = policy.cluster || (!request.non_resource &&
                                                   (any_namespace ? true : policy_in_scope(policy, request)));
            if (!policy.unknown && scoped && secret_reader_allows(request)) {
                out.insert("policy " + entry.role);
            }
        }
    }
    return out;
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

std::string capability_key(const Graph& graph, const Capability& capability) {
    if (capability.source == Capability::Source::kAccessPolicy) {
        const std::string& arn = graph.access_policy_grants()[capability.index].association->principal_arn;
        return "policy " + arn.substr(arn.rfind('/') + 1);
    }
    return "binding " + graph.bindings()[capability.index].binding->name + " " + flow(capability.names);
}

TEST_CASE("property: can-i, who-can and check's capabilities agree with a brute-force evaluation") {
    std::size_t checked = 0;
    std::size_t allowed = 0;
    std::size_t undetermined = 0;
    CheckOptions check_options;
    check_options.enabled = {"secrets-access"};  // so that grants of everything are not left to another rule
    for (unsigned seed = 1; seed <= 300; ++seed) {
        Random random(seed);
        const World world = generate(random);
        const Graph graph = graph_of(to_yaml(world));
        REQUIRE(count_errors(graph.source().diagnostics) == 0);
        const MappedAccess access(graph);
        const CheckContext context(graph, check_options);
        const Strings arns = {"arn:aws:iam::1:role/r0",
                              "arn:aws:iam::1:role/r1",
                              "arn:aws:iam::1:role/r2",
                              "arn:aws:iam::1:role/r3",
                              "arn:aws:sts::1:assumed-role/r0/alice",
                              "arn:aws:sts::1:assumed-role/r1/bob"};
        std::vector<Authorizer> authorizers;
        for (const std::string& arn : arns) {
            authorizers.emplace_back(graph, resolve_arn(graph, arn));
        }
        for (int i = 0; i < 20; ++i) {
            const Request request = random_request(random);
            INFO("seed " << seed << ", " << request.display() << "\n" << to_yaml(world));
            // Forward: can-i for every ARN.
            std::map<std::string, Verdict> expected_principals;
            for (std::size_t a = 0; a < arns.size(); ++a) {
                const std::string role = arns[a].substr(arns[a].find("/r") + 1, 2);
                const std::optional<std::string> session =
                    arns[a].find("assumed-role") != std::string::npos
                        ? std::optional<std::string>(arns[a].substr(arns[a].rfind('/') + 1))
                        : std::nullopt;
                const Verdict expected = plain_decide(world, role, session, request);
                INFO(arns[a]);
                CHECK(to_string(authorizers[a].authorize(request).verdict) == to_string(expected));
                ++checked;
                allowed += expected == Verdict::kAllowed ? 1 : 0;
                undetermined += expected == Verdict::kUndetermined ? 1 : 0;
                if (!session && expected != Verdict::kDenied) {
                    expected_principals[arns[a]] = expected;
                }
            }
            // Reverse: who-can's principals (each mapped role is a bare role ARN), allowed or maybe.
            std::map<std::string, Verdict> principals;
            const WhoCan answer = who_can(access, request);
            for (const WhoCanPrincipal& principal : answer.principals) {
                principals[principal.identity.arn] =
                    principal.undetermined ? Verdict::kUndetermined : Verdict::kAllowed;
            }
            std::map<std::string, Verdict> mapped_expected;
            for (const auto& [arn, verdict] : expected_principals) {
                const std::string role = arn.substr(arn.rfind('/') + 1);
                const bool mapped =
                    entry_of(world, role) != nullptr ||
                    std::any_of(world.mappings.begin(), world.mappings.end(),
                                [&](const GenMapping& mapping) { return mapping.role == role; });
                if (mapped) {
                    mapped_expected[arn] = verdict;
                }
            }
            CHECK(principals == mapped_expected);
            // Reverse: who-can's Kubernetes subjects.
            std::set<std::string> subjects;
            for (const WhoCanSubject& subject : answer.subjects) {
                subjects.insert(subject.subject.kind == "ServiceAccount"
                                    ? "ServiceAccount " + subject.subject.ns + "/" + subject.subject.name
                                    : subject.subject.kind + " " + subject.subject.name);
            }
            CHECK(subjects == plain_subjects(world, request));
            // Reverse: check's capabilities, for the request as a probe (a namespaced one without a namespace
            // asks about any namespace).
            const std::vector<Probe> probe_list = {Probe{request, false, "probe"}};
            std::set<std::string> capabilities;
            for (const Capability& capability : context.capabilities(probe_list)) {
                capabilities.insert(capability_key(graph, capability));
            }
            CHECK(capabilities == plain_capabilities(world, request));
        }
    }
    MESSAGE(checked << " can-i answers compared (" << allowed << " allowed, " << undetermined
                    << " undetermined), each request also asked in reverse");
    CHECK(undetermined > 0);  // the generator does reach the third answer
}

// ---- check against who-can and can-i, over worlds an attacker writes. ----

// Names of objects every cluster has, of look-alikes, and the system: subjects an attacker writes beside
// them.
const Strings kBuiltinNames = {"cluster-admin", "system:basic-user",   "system:discovery",    "view",
                               "edit",          "system:controller:x", "system:node-proxier", "eks:x"};

// A world whose roles reach the catalog's probes (escalation, impersonation, tokens, webhooks, exec, Secrets,
// workloads) and whose objects are named, labelled and bound like the built-in ones, or are exact copies of
// them with something added.
World generate_attacker_world(Random& random) {
    const Strings verbs = {"get",    "list", "create",   "update",      "patch",
                           "delete", "bind", "escalate", "impersonate", "*"};
    const Strings groups = {"", "apps", "rbac.authorization.k8s.io", "admissionregistration.k8s.io", "*"};
    const Strings resources = {"pods",
                               "pods/exec",
                               "secrets",
                               "deployments",
                               "serviceaccounts/token",
                               "nodes/proxy",
                               "clusterroles",
                               "roles",
                               "rolebindings",
                               "users",
                               "groups",
                               "mutatingwebhookconfigurations",
                               "configmaps",
                               "*"};
    World world;
    for (std::size_t i = 0; i < 7; ++i) {
        GenRole role{i < 4, i < 4 ? "" : random.pick(kNamespaces), fmt::format("role{}", i), {}};
        if (role.cluster && random.chance(0.4)) {
            role.name = random.pick(kBuiltinNames);
            role.bootstrap_label = random.chance(0.5);
        }
        for (std::size_t r = 0, n = 1 + random.below(3); r < n; ++r) {
            GenRule rule;
            rule.verbs = random.some(verbs, 3);
            rule.groups = random.some(groups, 2);
            rule.resources = random.some(resources, 3);
            if (random.chance(0.2)) {
                rule.names = random.some({"a", "*", "cluster-admin", "aws-auth"}, 2);
            }
            role.rules.push_back(rule);
        }
        world.roles.push_back(role);
    }
    const Strings role_names = [&] {
        Strings names;
        for (const GenRole& role : world.roles) {
            names.push_back(role.name);
        }
        names.emplace_back("cluster-admin");  // the built-in one when no role of the world has the name
        return names;
    }();
    for (std::size_t i = 0; i < 8; ++i) {
        GenBinding binding;
        binding.cluster = random.chance(0.5);
        binding.ns = binding.cluster ? "" : random.pick(kNamespaces);
        binding.name = random.chance(0.3) ? random.pick(kBuiltinNames) + (binding.cluster ? "" : "-ns")
                                          : fmt::format("binding{}", i);
        binding.bootstrap_label = random.chance(0.3);
        binding.role_kind = binding.cluster || random.chance(0.6) ? "ClusterRole" : "Role";
        binding.role_name = random.pick(role_names);
        for (std::size_t s = 0, n = 1 + random.below(3); s < n; ++s) {
            switch (random.below(4)) {
                case 0:
                    binding.subjects.push_back(
                        {"User", random.pick({"u1", "system:anonymous", "system:kube-proxy"}), ""});
                    break;
                case 1:
                    binding.subjects.push_back({"Group",
                                                random.pick({"g1", "system:masters", "system:authenticated",
                                                             "system:unauthenticated"}),
                                                ""});
                    break;
                case 2:
                    binding.subjects.push_back(
                        {"ServiceAccount", random.pick({"sa1", "default", "kubernetes-dashboard"}),
                         random.chance(0.3) ? "" : random.pick({"n1", "kube-system"})});
                    break;
                default:
                    binding.subjects.push_back({"Group", "g2", ""});
            }
        }
        world.bindings.push_back(binding);
    }
    world.mappings.push_back({"r0", "u1", {"g1"}});
    world.mappings.push_back({"r1", "p-{{SessionName}}", {"g2"}});
    return world;
}

Identity identity_of_holder(const std::string& holder) {
    const std::size_t space = holder.find(' ');
    const std::string kind = holder.substr(0, space);
    const std::string name = holder.substr(space + 1);
    if (kind == "ServiceAccount") {
        const std::size_t slash = name.find('/');
        return kubernetes_identity(
            fmt::format("system:serviceaccount:{}:{}", name.substr(0, slash), name.substr(slash + 1)), {});
    }
    if (kind == "Group") {
        return kubernetes_identity("rbacgraph-property-member", {name});
    }
    return kubernetes_identity(name, {});
}

TEST_CASE("property: every finding names exactly who-can's holders and cites can-i --explain's rule") {
    std::size_t compared = 0;
    std::set<std::string> rules_compared;
    for (unsigned seed = 1; seed <= 120; ++seed) {
        Random random(seed);
        const World world = generate_attacker_world(random);
        GraphOptions options;
        options.builtin_objects = true;  // the bootstrap policy as an overlay: look-alikes meet the real ones
        const Graph graph = graph_of(to_yaml(world), options);
        REQUIRE(count_errors(graph.source().diagnostics) == 0);
        const MappedAccess access(graph);
        CheckRun run;
        run.rules = builtin_rules();
        run.options.include_builtin = true;
        run.options.record_requests = true;
        for (const Finding& finding : run_checks(graph, run).findings) {
            if (!finding.request) {
                continue;  // not a grant allowing a probe (a lint, a mapping, a capability)
            }
            INFO("seed " << seed << ", " << finding.rule << ": " << finding.message << "\n"
                         << to_yaml(world));
            const WhoCan answer = who_can(access, *finding.request);
            std::set<std::string> allowed;
            for (const WhoCanSubject& subject : answer.subjects) {
                // A finding is about a binding and names every subject bound; on EKS anonymous subjects
                // are refused before authorization (1.32+) or undetermined (version unknown), which
                // who-can says with anonymous_reach (the world's cluster has no version).
                const bool anonymous_doubt =
                    !answer.anonymous_reach.empty() && is_anonymous_subject(subject.subject);
                if (!subject.undetermined || anonymous_doubt) {
                    allowed.insert(subject.subject.display());
                }
            }
            for (const WhoCanSubject& subject : answer.refused) {
                allowed.insert(subject.subject.display());
            }
            for (const WhoCanPrincipal& principal : answer.principals) {
                if (!principal.undetermined) {
                    allowed.insert(principal.identity.arn);
                }
            }
            const bool binding = finding.object.kind.ends_with("Binding");
            const std::vector<std::string>& holders = binding ? finding.subjects.list() : finding.arns.list();
            // Every holder the finding names is one who-can names for the request, and (bindings) every
            // subject who-can names through the same binding is one the finding names.
            for (const std::string& holder : holders) {
                CHECK_MESSAGE(allowed.contains(holder), holder);
            }
            if (binding) {
                // The binding's holders as the table has them. A finding about the whole binding names them
                // all, and who-can names no other subject through it; a finding about one holder (anonymous
                // access, a dashboard's account) names one of them.
                std::set<std::string> of_binding;
                for (std::size_t b = 0; b < graph.grants().binding_count(); ++b) {
                    const GrantTable::BindingSource source = graph.grants().binding_source(b);
                    if (source.binding->display() == finding.object.display()) {
                        for (const GrantId id : source.grants) {
                            of_binding.insert(graph.grants().grant(id).holder_display());
                        }
                    }
                }
                const std::set<std::string> named(holders.begin(), holders.end());
                CHECK(std::includes(of_binding.begin(), of_binding.end(), named.begin(), named.end()));
                if (named == of_binding) {
                    const std::string via = finding.object.display() + " -> ";
                    for (const WhoCanSubject& subject : answer.subjects) {
                        if (subject.via.starts_with(via)) {
                            CHECK(named.contains(subject.subject.display()));
                        }
                    }
                }
                // can-i --explain, asked as the first holder: some grant of it cites the same rule.
                // An anonymous holder's answer carries the cluster's anonymous reach (undetermined here):
                // asked as the first other holder when there is one.
                REQUIRE(!holders.empty());
                const auto asked =
                    std::find_if(holders.begin(), holders.end(), [&](const std::string& holder) {
                        return answer.anonymous_reach.empty() || (holder != "User system:anonymous" &&
                                                                  holder != "Group system:unauthenticated");
                    });
                const Decision decision =
                    Authorizer(graph, identity_of_holder(asked == holders.end() ? holders.front() : *asked))
                        .authorize(*finding.request, true);
                if (asked == holders.end()) {
                    CHECK(decision.verdict == Verdict::kUndetermined);
                } else {
                    REQUIRE(decision.allowed());
                    const bool same_rule = std::any_of(
                        decision.grants.begin(), decision.grants.end(), [&](const GrantMatch& grant) {
                            return granted_rule(graph, grant) == finding.rule_cited;
                        });
                    CHECK(same_rule);
                }
            }
            ++compared;
            rules_compared.insert(std::string(finding.rule));
        }
    }
    MESSAGE(compared << " findings of " << rules_compared.size() << " rules compared with who-can and can-i");
    CHECK(rules_compared.size() >= 12);  // the worlds reach most permission rules
}

}  // namespace
}  // namespace rbacgraph::test
