// The request a user types is the request rbacgraph answers (issue 29): kubectl's reading of TYPE words
// (kubectl auth can-i: schema.ParseResourceArg, the shortcut expander, the discovery REST mapper preferring
// groups in discovery order), checked against the API server's discovery documents the catalog is generated
// from (../shared/reference/discovery: api__v1.json and aggregated_v2.json; scripts/gen-api-catalog).
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <random>
#include <sstream>
#include <string>
#include <variant>

#include "helpers.hpp"
#include "rbacgraph/api_catalog.hpp"
#include "rbacgraph/query.hpp"
#include "rbacgraph/report.hpp"

namespace rbacgraph::test {
namespace {

// A catalog with two CRDs, as an export with `kubectl get crd -o yaml` gives: cert-manager's certificates
// (short names cert, certs) and a CRD whose plural collides with core events.
ApiCatalog catalog_with_crds() {
    ApiCatalog catalog = ApiCatalog::builtin();
    ApiResource certificates;
    certificates.group = "cert-manager.io";
    certificates.resource = "certificates";
    certificates.singular = "certificate";
    certificates.kind = "Certificate";
    certificates.short_names = {"cert", "certs"};
    certificates.versions = {"v1"};
    certificates.subresources = {"status"};
    certificates.source = "CustomResourceDefinition certificates.cert-manager.io";
    catalog.add(certificates);
    ApiResource events = certificates;
    events.group = "example.com";
    events.resource = "events";
    events.singular = "event";
    events.kind = "Event";
    events.short_names = {};
    events.source = "CustomResourceDefinition events.example.com";
    catalog.add(events);
    ApiResource widgets = certificates;
    widgets.group = "a.example.com";
    widgets.resource = "widgets";
    widgets.singular = "widget";
    widgets.kind = "Widget";
    widgets.short_names = {"wd"};
    widgets.source = "CustomResourceDefinition widgets.a.example.com";
    catalog.add(widgets);
    ApiResource other_widgets = widgets;
    other_widgets.group = "b.example.com";
    other_widgets.source = "CustomResourceDefinition widgets.b.example.com";
    catalog.add(other_widgets);
    return catalog;
}

struct Case {
    const char* verb;
    const char* word;      // as typed
    const char* option;    // "--subresource=X", or ""
    const char* group;     // expected API group
    const char* resource;  // expected plural
    const char* subresource;
    const char* name;
    bool doubt;  // the words leave the answer in doubt
};

// Each expected row is a discovery entry: (group, plural) with its singular, kind and shortNames.
constexpr Case kCases[] = {
    // core v1 (api__v1.json): plural, singular, kind, short name
    {"get", "pods", "", "", "pods", "", "", false},
    {"get", "pod", "", "", "pods", "", "", false},
    {"get", "Pod", "", "", "pods", "", "", false},
    {"get", "po", "", "", "pods", "", "", false},
    {"get", "PODS", "", "", "pods", "", "", false},
    {"get", "services", "", "", "services", "", "", false},
    {"get", "service", "", "", "services", "", "", false},
    {"get", "svc", "", "", "services", "", "", false},
    {"list", "configmaps", "", "", "configmaps", "", "", false},
    {"list", "configmap", "", "", "configmaps", "", "", false},
    {"list", "cm", "", "", "configmaps", "", "", false},
    {"get", "secrets", "", "", "secrets", "", "", false},
    {"get", "secret", "", "", "secrets", "", "", false},
    {"get", "Secret", "", "", "secrets", "", "", false},
    {"list", "namespaces", "", "", "namespaces", "", "", false},
    {"list", "ns", "", "", "namespaces", "", "", false},
    {"list", "nodes", "", "", "nodes", "", "", false},
    {"list", "no", "", "", "nodes", "", "", false},
    {"list", "node", "", "", "nodes", "", "", false},
    {"get", "persistentvolumeclaims", "", "", "persistentvolumeclaims", "", "", false},
    {"get", "pvc", "", "", "persistentvolumeclaims", "", "", false},
    {"get", "pv", "", "", "persistentvolumes", "", "", false},
    {"get", "serviceaccounts", "", "", "serviceaccounts", "", "", false},
    {"get", "sa", "", "", "serviceaccounts", "", "", false},
    {"get", "serviceaccount", "", "", "serviceaccounts", "", "", false},
    {"get", "endpoints", "", "", "endpoints", "", "", false},
    {"get", "ep", "", "", "endpoints", "", "", false},
    {"get", "rc", "", "", "replicationcontrollers", "", "", false},
    {"get", "quota", "", "", "resourcequotas", "", "", false},
    {"get", "limits", "", "", "limitranges", "", "", false},
    {"get", "cs", "", "", "componentstatuses", "", "", false},
    // ev is a short name of core events and events.k8s.io events: the core group comes first in discovery.
    {"get", "ev", "", "", "events", "", "", false},
    {"get", "events", "", "", "events", "", "", false},
    {"get", "events.events.k8s.io", "", "events.k8s.io", "events", "", "", false},
    // apps (aggregated_v2.json)
    {"get", "deployments", "", "apps", "deployments", "", "", false},
    {"get", "deployment", "", "apps", "deployments", "", "", false},
    {"get", "Deployment", "", "apps", "deployments", "", "", false},
    {"get", "deploy", "", "apps", "deployments", "", "", false},
    {"get", "deployments.apps", "", "apps", "deployments", "", "", false},
    {"get", "deploy.apps", "", "apps", "deployments", "", "", false},
    {"get", "deployments.v1.apps", "", "apps", "deployments", "", "", false},
    {"get", "daemonsets", "", "apps", "daemonsets", "", "", false},
    {"get", "ds", "", "apps", "daemonsets", "", "", false},
    {"get", "daemonset", "", "apps", "daemonsets", "", "", false},
    {"get", "statefulsets", "", "apps", "statefulsets", "", "", false},
    {"get", "sts", "", "apps", "statefulsets", "", "", false},
    {"get", "replicasets", "", "apps", "replicasets", "", "", false},
    {"get", "rs", "", "apps", "replicasets", "", "", false},
    {"get", "controllerrevisions", "", "apps", "controllerrevisions", "", "", false},
    // batch, autoscaling, networking, policy, rbac, storage, apiextensions, certificates, scheduling
    {"create", "jobs", "", "batch", "jobs", "", "", false},
    {"create", "job", "", "batch", "jobs", "", "", false},
    {"create", "cronjobs", "", "batch", "cronjobs", "", "", false},
    {"create", "cj", "", "batch", "cronjobs", "", "", false},
    {"get", "hpa", "", "autoscaling", "horizontalpodautoscalers", "", "", false},
    {"get", "ing", "", "networking.k8s.io", "ingresses", "", "", false},
    {"get", "ingress", "", "networking.k8s.io", "ingresses", "", "", false},
    {"get", "netpol", "", "networking.k8s.io", "networkpolicies", "", "", false},
    {"get", "pdb", "", "policy", "poddisruptionbudgets", "", "", false},
    {"bind", "clusterroles", "", "rbac.authorization.k8s.io", "clusterroles", "", "", false},
    {"bind", "clusterrole", "", "rbac.authorization.k8s.io", "clusterroles", "", "", false},
    {"create", "rolebindings", "", "rbac.authorization.k8s.io", "rolebindings", "", "", false},
    {"create", "RoleBinding", "", "rbac.authorization.k8s.io", "rolebindings", "", "", false},
    {"escalate", "roles.rbac.authorization.k8s.io", "", "rbac.authorization.k8s.io", "roles", "", "", false},
    {"get", "sc", "", "storage.k8s.io", "storageclasses", "", "", false},
    {"get", "crd", "", "apiextensions.k8s.io", "customresourcedefinitions", "", "", false},
    {"get", "crds", "", "apiextensions.k8s.io", "customresourcedefinitions", "", "", false},
    {"approve", "csr", "", "certificates.k8s.io", "certificatesigningrequests", "", "", false},
    {"get", "pc", "", "scheduling.k8s.io", "priorityclasses", "", "", false},
    {"get", "leases", "", "coordination.k8s.io", "leases", "", "", false},
    // subresources: rbacgraph's RESOURCE/SUBRESOURCE where the catalog knows it, else kubectl's TYPE/NAME
    {"create", "pods/exec", "", "", "pods", "exec", "", false},
    {"get", "pods/log", "", "", "pods", "log", "", false},
    {"create", "po/portforward", "", "", "pods", "portforward", "", false},
    {"update", "deployments/scale", "", "apps", "deployments", "scale", "", false},
    {"update", "deploy.apps/scale", "", "apps", "deployments", "scale", "", false},
    {"create", "serviceaccounts/token", "", "", "serviceaccounts", "token", "", false},
    {"get", "nodes/proxy", "", "", "nodes", "proxy", "", false},
    {"get", "nodes/stats", "", "", "nodes", "stats", "", false},  // kubelet authorization (k8s-rbac.md 13)
    {"get", "secrets/checkout-db", "", "", "secrets", "", "checkout-db", false},
    {"get", "pods/web-0", "", "", "pods", "", "web-0", false},
    {"get", "deploy/web", "", "apps", "deployments", "", "web", false},
    {"get", "pods/logs", "", "", "pods", "", "logs", false},  // no such subresource: a pod named logs
    // authorization-only resources
    {"impersonate", "users", "", "", "users", "", "", false},
    {"impersonate", "groups", "", "", "groups", "", "", false},
    {"impersonate", "userextras/scopes", "", "authentication.k8s.io", "userextras", "scopes", "", false},
    {"sign", "signers", "", "certificates.k8s.io", "signers", "", "", false},
    // CRDs from the input, and the built-in group preferred over a CRD with the same plural
    {"get", "certificates", "", "cert-manager.io", "certificates", "", "", false},
    {"get", "cert", "", "cert-manager.io", "certificates", "", "", false},
    {"get", "certs.cert-manager.io", "", "cert-manager.io", "certificates", "", "", false},
    {"get", "certificate/web-tls", "", "cert-manager.io", "certificates", "", "web-tls", false},
    {"get", "events.example.com", "", "example.com", "events", "", "", false},
    // wildcards
    {"get", "*", "", "", "*", "", "", false},
    // doubts: misspelt resources and verbs, unknown subresources and groups
    {"get", "deploymnets", "", "", "deploymnets", "", "", true},
    {"get", "secretz", "", "", "secretz", "", "", true},
    {"get", "pods.apps", "", "apps", "pods", "", "", true},
    {"gett", "pods", "", "", "pods", "", "", true},
    {"get", "foos.example.org", "", "example.org", "foos", "", "", true},
    {"get", "pods", "--subresource=exex", "", "pods", "exex", "", true},
};

ResolvedRequest resolved(const Case& row, const ApiCatalog& catalog) {
    RequestWords words{.verb = row.verb, .resource = row.word};
    if (std::string_view(row.option).starts_with("--subresource=")) {
        words.subresource = std::string(std::string_view(row.option).substr(14));
    }
    auto result = resolve_request(words, catalog);
    REQUIRE_MESSAGE(std::holds_alternative<ResolvedRequest>(result), row.word);
    return std::get<ResolvedRequest>(std::move(result));
}

TEST_CASE("a hundred requests typed as kubectl users type them resolve as kubectl resolves them") {
    const ApiCatalog catalog = catalog_with_crds();
    CHECK(std::size(kCases) >= 80);
    for (const Case& row : kCases) {
        const std::string asked = std::string(row.verb) + " " + row.word;
        INFO(asked);
        const ResolvedRequest request = resolved(row, catalog);
        CHECK(request.request.api_group == row.group);
        CHECK(request.request.resource == row.resource);
        CHECK(request.request.subresource == row.subresource);
        CHECK(request.request.name == row.name);
        CHECK(request.doubts.empty() == !row.doubt);
        // A doubt is always explained by a warning (kubectl's wording), and the other way round for words.
        CHECK(request.warnings.empty() == !row.doubt);
    }
}

TEST_CASE("words that cannot be one request are usage errors, never guesses") {
    const ApiCatalog catalog = catalog_with_crds();
    const auto error = [&](RequestWords words) {
        return std::holds_alternative<std::string>(resolve_request(std::move(words), catalog));
    };
    CHECK(error({.verb = "get", .resource = "widgets"}));  // widgets.a.example.com or widgets.b.example.com
    CHECK(error({.verb = "get", .resource = "wd"}));       // the same by short name
    CHECK(error({.verb = "get", .resource = "pods", .ns = "*"}));      // -n '*': -A is meant
    CHECK(error({.verb = "get", .resource = "pods/a/b"}));             // a name never holds '/'
    CHECK(error({.verb = "get", .resource = "pods/a", .name = "b"}));  // two names
    CHECK(error({.verb = "get", .resource = "pods/log", .subresource = "exec"}));
    CHECK(error({.verb = "get", .resource = "deployments.apps", .api_group = "batch"}));
    // Positive controls: each of those, written so that it is one request.
    CHECK_FALSE(error({.verb = "get", .resource = "widgets.a.example.com"}));
    CHECK_FALSE(error({.verb = "get", .resource = "pods", .ns = ""}));
    CHECK_FALSE(error({.verb = "get", .resource = "pods/a", .subresource = "log"}));
    CHECK_FALSE(error({.verb = "get", .resource = "pods/log", .subresource = "log"}));
    CHECK_FALSE(error({.verb = "get", .resource = "deployments", .api_group = "apps"}));
}

TEST_CASE(
    "a cluster-scoped resource asked in a namespace is asked at cluster scope, with kubectl's warning") {
    const ApiCatalog& catalog = ApiCatalog::builtin();
    const auto request = std::get<ResolvedRequest>(
        resolve_request({.verb = "get", .resource = "nodes", .ns = "web"}, catalog));
    CHECK(request.request.ns.empty());
    CHECK(request.warnings.size() == 1);
    CHECK(request.doubts.empty());
    // Positive control: a namespaced resource keeps its namespace, silently.
    const auto pods =
        std::get<ResolvedRequest>(resolve_request({.verb = "get", .resource = "pods", .ns = "web"}, catalog));
    CHECK(pods.request.ns == "web");
    CHECK(pods.warnings.empty());
}

// The property the issue asks for: a misspelt resource or verb never gets a bare "no". Misspellings are made
// by deleting, doubling, swapping or changing one letter of every plural, singular and short name, and of
// every verb; those that happen to be another known word are skipped (they are not misspellings).
TEST_CASE("random misspellings of known resources and verbs never produce a bare no") {
    const ApiCatalog& catalog = ApiCatalog::builtin();
    const Graph graph =
        graph_of(bound_cluster_rule("{apiGroups: [''], resources: [configmaps], verbs: [get]}"));
    std::vector<std::string> words;
    for (const ApiResource& resource : catalog.resources()) {
        words.push_back(resource.resource);
        words.push_back(resource.singular);
        words.insert(words.end(), resource.short_names.begin(), resource.short_names.end());
    }
    std::mt19937 random(29);  // fixed: the same cases every run
    const auto misspell = [&](std::string word) {
        std::uniform_int_distribution<std::size_t> position(0, word.size() - 1);
        const std::size_t at = position(random);
        switch (random() % 4) {
            case 0:
                word.erase(at, 1);
                break;
            case 1:
                word.insert(at, 1, word[at]);
                break;
            case 2:
                if (at + 1 < word.size()) {
                    std::swap(word[at], word[at + 1]);
                } else {
                    word += 'x';
                }
                break;
            default:
                word[at] = static_cast<char>('a' + random() % 26);
                break;
        }
        return word;
    };
    std::size_t tried = 0;
    for (int round = 0; round < 5; ++round) {
        for (const std::string& word : words) {
            const std::string typo = misspell(word);
            if (typo.empty() || catalog.resolve(typo).outcome != ResourceResolution::Outcome::kUnknown) {
                continue;  // another real word, or nothing
            }
            ++tried;
            auto result = resolve_request({.verb = "get", .resource = typo, .ns = "web"}, catalog);
            REQUIRE(std::holds_alternative<ResolvedRequest>(result));
            const ResolvedRequest& request = std::get<ResolvedRequest>(result);
            Decision decision = Authorizer(graph, kubernetes_identity("u", {})).authorize(request.request);
            apply_request_doubts(decision, request.doubts);
            INFO(std::string(typo));
            CHECK(decision.verdict != Verdict::kDenied);
        }
        for (const std::string& verb : plain_verbs(VerbUse::kResource)) {
            const std::string typo = misspell(verb);
            if (typo.empty() || is_known_verb(typo, VerbUse::kResource)) {
                continue;
            }
            ++tried;
            auto result = resolve_request({.verb = typo, .resource = "configmaps", .ns = "web"}, catalog);
            const ResolvedRequest& request = std::get<ResolvedRequest>(result);
            Decision decision = Authorizer(graph, kubernetes_identity("u", {})).authorize(request.request);
            apply_request_doubts(decision, request.doubts);
            INFO(std::string(typo));
            CHECK(decision.verdict != Verdict::kDenied);
        }
    }
    CHECK(tried > 300);
    // Positive control: the correctly spelt request is answered, yes or no, with no doubt.
    const auto right = std::get<ResolvedRequest>(
        resolve_request({.verb = "get", .resource = "configmaps", .ns = "web"}, catalog));
    CHECK(right.doubts.empty());
    CHECK(Authorizer(graph, kubernetes_identity("u", {})).authorize(right.request).verdict ==
          Verdict::kAllowed);
    const auto denied = std::get<ResolvedRequest>(
        resolve_request({.verb = "get", .resource = "secrets", .ns = "web"}, catalog));
    CHECK(Authorizer(graph, kubernetes_identity("u", {})).authorize(denied.request).verdict ==
          Verdict::kDenied);
}

}  // namespace
}  // namespace rbacgraph::test

namespace rbacgraph::test {
namespace {

std::vector<std::string> listed_lines(const RulesInNamespace& listed) {
    std::vector<std::string> lines;
    for (const ListedRule& rule : listed.rules) {
        lines.push_back(fmt::format("{}|{}|{}|{}{}", rule.resource, rule.non_resource_url,
                                    fmt::join(rule.resource_names, " "), fmt::join(rule.verbs, " "),
                                    rule.undetermined ? "|?" : ""));
    }
    return lines;
}

// kubectl auth can-i --list prints a SelfSubjectRulesReview of one namespace: RBAC's RulesFor visits the
// ClusterRoleBindings, then the RoleBindings of that namespace only (k8s-rbac.md section 9; plugin/pkg/auth/
// authorizer/rbac/rbac.go RulesFor). With -A kubectl sends namespace "", and only cluster-wide rules come
// back.
TEST_CASE("can-i --list: the rules in force in one namespace, merged per line as kubectl prints them") {
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: read-pods}
rules: [{apiGroups: [''], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everywhere}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-pods}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: web, namespace: web}
rules:
- {apiGroups: [''], resources: [pods], verbs: [watch, get]}
- {apiGroups: [apps], resources: [deployments/scale], verbs: [patch]}
- {apiGroups: [''], resources: [secrets], resourceNames: [tls], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
)");
    const WhatCan jane = what_can(graph, Authorizer(graph, kubernetes_identity("jane", {})));
    const RulesInNamespace web = rules_in_namespace(jane, "web");
    const std::vector<std::string> web_lines = listed_lines(web);
    // Both bindings' pod verbs on one line, with both sources.
    CHECK(std::count(web_lines.begin(), web_lines.end(), "pods|||get list watch") == 1);
    CHECK(std::count(web_lines.begin(), web_lines.end(), "deployments.apps/scale|||patch") == 1);
    CHECK(std::count(web_lines.begin(), web_lines.end(), "secrets||tls|get") == 1);
    const auto pods = std::find_if(web.rules.begin(), web.rules.end(),
                                   [](const ListedRule& rule) { return rule.resource == "pods"; });
    REQUIRE(pods != web.rules.end());
    CHECK(pods->via.size() == 2);
    // Resource lines come before URL lines, as in kubectl's table.
    const auto first_url = std::find_if(web.rules.begin(), web.rules.end(),
                                        [](const ListedRule& rule) { return rule.resource.empty(); });
    CHECK(std::all_of(first_url, web.rules.end(),
                      [](const ListedRule& rule) { return rule.resource.empty(); }));
    // Another namespace, and no namespace (-A): the cluster-wide pod rule alone.
    for (const std::string ns : {"other", ""}) {
        const std::vector<std::string> lines = listed_lines(rules_in_namespace(jane, ns));
        CHECK(std::count(lines.begin(), lines.end(), "pods|||get list") == 1);
        CHECK(std::none_of(lines.begin(), lines.end(),
                           [](const std::string& line) { return line.starts_with("secrets"); }));
    }
    CHECK_FALSE(web.masters);
}

// An EKS access policy's namespaces may end in '*' (eks-iam.md section 5: "dev-*"): it covers "dev-a", not
// "de".
TEST_CASE("can-i --list: an access scope's namespace pattern covers the namespaces it names") {
    WhatCan result;
    result.identity = kubernetes_identity("jane", {});
    PermissionRow row;
    row.scope = PermissionRow::Scope::kNamespace;
    row.ns = "dev-*";
    row.resource = "pods";
    row.verbs = {"get"};
    row.via = "access policy";
    result.rows.push_back(row);
    result.unexpanded.push_back({"partial policy", {"dev-*"}, {}, true});
    CHECK(listed_lines(rules_in_namespace(result, "dev-a")) == std::vector<std::string>{"pods|||get"});
    CHECK(rules_in_namespace(result, "dev-a").unexpanded.size() == 1);
    CHECK(rules_in_namespace(result, "de").rules.empty());
    CHECK(rules_in_namespace(result, "de").unexpanded.empty());
    CHECK(rules_in_namespace(result, "").rules.empty());
}

// who-can for a request without a name lists who may do it for every name (subject_locator.go); a rule
// limited by resourceNames does not allow it (rule.go ResourceNameMatches), but whoever holds one can read
// the objects it names: issue 29 asks for them in a section of their own, never among the allowed.
TEST_CASE("who-can without a name lists the holders limited by resourceNames apart, with their names") {
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: one-secret, namespace: web}
rules: [{apiGroups: [''], resources: [secrets], resourceNames: [tls, db], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: all-secrets, namespace: web}
rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: named, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-secret}
subjects:
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
- {kind: User, name: both, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: every, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: all-secrets}
subjects:
- {kind: User, name: both, apiGroup: rbac.authorization.k8s.io}
- {kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}
)");
    const auto names_of = [](const WhoCan& result) {
        std::vector<std::string> out;
        for (const WhoCanSubject& subject : result.subjects) {
            out.push_back(subject.subject.name);
        }
        return out;
    };
    const WhoCan unnamed = who_can(graph, resource_request("get", "secrets", "web"));
    const std::vector<std::string> allowed = names_of(unnamed);
    CHECK(std::count(allowed.begin(), allowed.end(), "bob") == 1);
    CHECK(std::count(allowed.begin(), allowed.end(), "both") == 1);
    CHECK(std::count(allowed.begin(), allowed.end(), "jane") == 0);
    REQUIRE(unnamed.for_names.size() == 1);  // jane only: "both" may read every secret and is listed above
    REQUIRE(unnamed.for_names.front().subject);
    CHECK(unnamed.for_names.front().subject->name == "jane");
    CHECK(unnamed.for_names.front().names == std::vector<std::string>{"db", "tls"});
    // Positive control: asked for the secret by name, jane is allowed, and no section is needed.
    Request named = resource_request("get", "secrets", "web");
    named.name = "tls";
    const WhoCan by_name = who_can(graph, named);
    const std::vector<std::string> allowed_by_name = names_of(by_name);
    CHECK(std::count(allowed_by_name.begin(), allowed_by_name.end(), "jane") == 1);
    CHECK(by_name.for_names.empty());
    // Another namespace: the RoleBindings of web say nothing there.
    CHECK(who_can(graph, resource_request("get", "secrets", "other")).for_names.empty());
}

// "Did you mean" for commands, flags, option values, rule names and resources: the optimal string alignment
// distance counts a swap of neighbours as one slip, so the commonest typos are found; a word far from every
// known one gets no guess.
TEST_CASE("nearest_words: swaps, drops and extra letters are one slip, and far words get no guess") {
    const std::vector<std::string> formats{"text", "json", "sarif", "junit", "markdown", "gitlab-sast"};
    CHECK(nearest_words("jsno", formats, 1) == std::vector<std::string>{"json"});
    CHECK(nearest_words("jso", formats, 1) == std::vector<std::string>{"json"});
    CHECK(nearest_words("sariff", formats, 1) == std::vector<std::string>{"sarif"});
    CHECK(nearest_words("hihg", {"critical", "high", "medium"}, 1) == std::vector<std::string>{"high"});
    CHECK(nearest_words("--fial-on", {"--fail-on", "--format"}, 1) == std::vector<std::string>{"--fail-on"});
    // Positive control for the other side: nothing near, no guess; an exact word is no typo.
    CHECK(nearest_words("yaml", formats, 1).empty());
    CHECK(nearest_words("json", formats, 1).empty());
}

// A cluster's own catalog as input (issue 29): `kubectl api-resources -o wide`, aggregated discovery
// (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) and an APIResourceList add what the cluster serves beyond
// the built-in catalog, so "certs" is a request for certificates.cert-manager.io rather than an unknown word.
TEST_CASE("discovery documents and kubectl api-resources tables add the cluster's resources to the catalog") {
    const auto resolved = [](const Export& source, const std::string& word) {
        RequestWords words;
        words.verb = "get";
        words.resource = word;
        const auto result = resolve_request(words, catalog_of(source));
        const auto* request = std::get_if<ResolvedRequest>(&result);
        return request == nullptr || !request->doubts.empty()
                   ? std::string("?")
                   : request->request.api_group + "/" + request->request.resource +
                         (request->request.subresource.empty() ? "" : "/" + request->request.subresource);
    };
    const std::string dir = std::string(RBACGRAPH_SOURCE_DIR) + "/testdata/discovery/";
    // Positive control: without them, a CRD's short name is unknown.
    CHECK(resolved(Export{}, "certs") == "?");
    for (const std::string file : {"api-resources-wide.txt", "apis-cert-manager.json"}) {
        const Export source = load_paths({dir + file});
        CHECK(errors_in(source) == 0);
        CHECK(resolved(source, "certs") == "cert-manager.io/certificates");
        CHECK(resolved(source, "Certificate") == "cert-manager.io/certificates");
    }
    const Export table = load_paths({dir + "api-resources-wide.txt"});
    CHECK(resolved(table, "widget") == "example.com/widgets");
    CHECK(resolved(table, "po") == "/pods");  // built in: the catalog's entry stays
    const Export aggregated = load_paths({dir + "apis-cert-manager.json"});
    CHECK(resolved(aggregated, "certificates/status") == "cert-manager.io/certificates/status");
    const Export metrics = load_paths({dir + "apis-metrics-v1beta1.json"});
    CHECK(errors_in(metrics) == 0);
    CHECK(resolved(metrics, "podmetrics") == "metrics.k8s.io/pods");
    CHECK(resolved(metrics, "nodes.metrics.k8s.io") == "metrics.k8s.io/nodes");
    // A table line whose columns do not sit under the header is an error, not a guess.
    const Export broken =
        load_files({{"api.txt", "NAME SHORTNAMES APIVERSION NAMESPACED KIND\npods po v1 maybe Pod\n"}});
    CHECK(errors_in(broken) == 1);
}

// Output that fits an 80-column terminal (issue 29): text tables are cut to the width the CLI sets from the
// terminal, names elided in the middle; -o wide, pipes and files (width 0) get every column whole.
TEST_CASE("text tables fit the table width, and width 0 keeps every column whole") {
    const Graph graph(load_paths({std::string(RBACGRAPH_SOURCE_DIR) + "/testdata/demo"}));
    const WhoCan result = who_can(graph, resource_request("get", "secrets", "shop-checkout"));
    const auto longest_line = [&](std::size_t width) {
        set_table_width(width);
        std::ostringstream out;
        write_who_can_text(out, graph, result);
        set_table_width(0);
        std::size_t longest = 0;
        std::istringstream lines(out.str());
        for (std::string line; std::getline(lines, line);) {
            longest = std::max(longest, line.size());
        }
        return std::pair{longest, out.str()};
    };
    const auto [whole, whole_text] = longest_line(0);
    CHECK(whole > 100);  // positive control: the demo's ARNs and usernames make long lines
    CHECK(whole_text.find("arn:aws:iam::111122223333:role/ci-deployer") != std::string::npos);
    const auto [cut, cut_text] = longest_line(80);
    CHECK(cut <= 80);
    CHECK(cut_text.find("-o wide prints them whole") != std::string::npos);
    CHECK(cut_text.find("deployer") != std::string::npos);  // the end of a name stays
}

}  // namespace
}  // namespace rbacgraph::test
