// The takeover list: what a ServiceAccount (or whoever runs code as it) can do that another rule of the
// catalog rates high or critical, at the severity that rule gives it. It is the one list every rule asks that
// rates what a pod or account can do (privileged-workload-account, workload-create, modified-builtin); the
// meta-test in tests/unit/takeover_test.cpp holds it to the rules' own ratings.
#include "check/takeover.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "rbacgraph/query.hpp"

namespace rbacgraph {

namespace {

constexpr auto kCritical = RiskSeverity::kCritical;
constexpr auto kHigh = RiskSeverity::kHigh;
constexpr auto kMedium = RiskSeverity::kMedium;
constexpr auto kLow = RiskSeverity::kLow;

Request request_of(std::string_view verb, std::string_view resource, std::string name = {},
                   std::string ns = {}) {
    return std::get<Request>(make_request({.verb = std::string(verb),
                                           .resource = std::string(resource),
                                           .name = std::move(name),
                                           .ns = std::move(ns)}));
}

// One group of alternatives: any of the verbs on any of the resources.
std::vector<Request> any_of(std::initializer_list<std::string_view> verbs,
                            std::initializer_list<std::string_view> resources) {
    std::vector<Request> out;
    for (const std::string_view resource : resources) {
        for (const std::string_view verb : verbs) {
            out.push_back(request_of(verb, resource));
        }
    }
    return out;
}

const std::vector<std::string_view> kWorkloadCreates = {"pods",
                                                        "deployments.apps",
                                                        "daemonsets.apps",
                                                        "statefulsets.apps",
                                                        "replicasets.apps",
                                                        "replicationcontrollers",
                                                        "jobs.batch",
                                                        "cronjobs.batch"};

std::vector<Request> workload_writes() {
    std::vector<Request> out;
    for (const std::string_view resource : kWorkloadCreates) {
        out.push_back(request_of("create", resource));
        if (resource != "pods") {
            out.push_back(request_of("update", resource));
            out.push_back(request_of("patch", resource));
        }
    }
    return out;
}

// k8s-rbac.md 13: from 1.35 a WebSocket exec is also authorized as create; before, get alone opens it.
constexpr KubernetesVersion kGetNeedsCreate{1, 35};
// k8s-rbac.md 8, 13: constrained impersonation is beta and on by default from 1.36.
constexpr KubernetesVersion kConstrainedLive{1, 36};

// Most severe first; cluster-wide before namespaced. Each line names the rule whose rating it carries.
std::vector<TakeoverEntry> make_entries(const Graph& graph) {
    std::vector<TakeoverEntry> out;
    const auto add = [&](std::string_view rule, std::vector<std::vector<Request>> all_of, bool namespaced,
                         RiskSeverity severity, std::string what, bool workloads = false) {
        out.push_back({rule, std::move(all_of), namespaced, severity, std::move(what), workloads, {}, {}});
    };
    const std::optional<KubernetesVersion> version = graph.kubernetes_version();
    // Cluster-wide.
    add("cluster-admin-binding",
        {{request_of("rbacgraph:any-verb", "rbacgraph:any-resource.rbacgraph.any-group")}}, false, kCritical,
        "do anything cluster-wide");
    add("rbac-escalation", {any_of({"escalate"}, {"clusterroles.rbac.authorization.k8s.io"})}, false,
        kCritical, "escalate ClusterRoles");
    add("rbac-escalation", {any_of({"bind"}, {"clusterroles.rbac.authorization.k8s.io"})}, false, kCritical,
        "bind any ClusterRole");
    add("rbac-escalation", {any_of({"escalate", "bind"}, {"roles.rbac.authorization.k8s.io"})}, false,
        kCritical, "escalate or bind Roles in every namespace");
    add("rbac-escalation",
        {any_of({"impersonate"}, {"users", "groups", "uids", "userextras/scopes",
                                  "userextras.authentication.k8s.io/scopes", "serviceaccounts"})},
        false, kCritical, "impersonate users, groups or service accounts");
    if (graph.mode() != AuthenticationMode::kApi) {
        // aws-auth-write: EKS ignores aws-auth in API mode (low there, so no takeover).
        add("aws-auth-write",
            {{request_of("update", "configmaps", "aws-auth", "kube-system"),
              request_of("patch", "configmaps", "aws-auth", "kube-system"),
              request_of("delete", "configmaps", "aws-auth", "kube-system")}},
            false, kCritical, "rewrite kube-system/aws-auth");
        if (!graph.source().aws_auth) {
            add("aws-auth-write", {{request_of("create", "configmaps", "", "kube-system")}}, false, kHigh,
                "create kube-system/aws-auth while none exists");
        }
    }
    add("workload-create", {workload_writes()}, false, kHigh,
        "create pods (or rewrite pod templates) in every namespace, so run pods as any ServiceAccount", true);
    if (version && *version >= kConstrainedLive) {
        add("rbac-escalation",
            {{request_of("impersonate:user-info", "users.authentication.k8s.io"),
              request_of("impersonate:user-info", "groups.authentication.k8s.io"),
              request_of("impersonate:serviceaccount", "serviceaccounts.authentication.k8s.io"),
              request_of("impersonate:arbitrary-node", "nodes.authentication.k8s.io"),
              request_of("impersonate:associated-node", "nodes.authentication.k8s.io")}},
            false, kHigh, "impersonate identities (constrained impersonation)");
    }
    add("token-create", {any_of({"create"}, {"serviceaccounts/token"})}, false, kHigh,
        "mint tokens for any ServiceAccount");
    add("node-proxy", {any_of({"get", "create"}, {"nodes/proxy"})}, false, kHigh,
        "reach every kubelet through nodes/proxy");
    add("secrets-access", {any_of({"get", "list", "watch"}, {"secrets"})}, false, kHigh,
        "read Secrets in all namespaces");
    add("token-secret-mint", {any_of({"create"}, {"secrets"})}, false, kHigh,
        "create Secrets in all namespaces (a token Secret for any ServiceAccount)");
    add("pod-exec", {any_of({"create"}, {"pods/exec", "pods/attach"})}, false, kHigh, "exec into every pod");
    if (!version || *version < kGetNeedsCreate) {
        // Unknown version: one reading opens a session, the other nothing; pod-exec rates it a step lower.
        add("pod-exec", {any_of({"get"}, {"pods/exec", "pods/attach"})}, false, version ? kHigh : kMedium,
            "exec into every pod (get over WebSocket, before 1.35)");
    }
    add("ephemeral-containers", {any_of({"update", "patch"}, {"pods/ephemeralcontainers"})}, false, kHigh,
        "add ephemeral containers to every pod");
    add("webhook-write",
        {any_of({"create", "update", "patch", "delete"},
                {"mutatingwebhookconfigurations.admissionregistration.k8s.io",
                 "validatingwebhookconfigurations.admissionregistration.k8s.io"})},
        false, kHigh, "write admission webhook configurations");
    // csr-approve: the approval (or status) subresource plus approve (or sign) on a kubernetes.io signer,
    // which the certificates admission plugin asks by the signer's name or "kubernetes.io/*".
    std::vector<Request> approve;
    std::vector<Request> sign;
    for (const std::string_view signer :
         {"kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet",
          "kubernetes.io/kubelet-serving", "kubernetes.io/legacy-unknown", "kubernetes.io/*"}) {
        approve.push_back(request_of("approve", "signers.certificates.k8s.io", std::string(signer)));
        sign.push_back(request_of("sign", "signers.certificates.k8s.io", std::string(signer)));
    }
    add("csr-approve",
        {any_of({"update", "patch"}, {"certificatesigningrequests.certificates.k8s.io/approval"}), approve},
        false, kHigh, "approve client certificates for any user");
    add("csr-approve",
        {any_of({"update", "patch"}, {"certificatesigningrequests.certificates.k8s.io/status"}), sign}, false,
        kHigh, "sign client certificates for any user");
    add("policy-engine-write",
        {any_of({"create", "update", "patch", "delete"},
                {"validatingadmissionpolicies.admissionregistration.k8s.io",
                 "validatingadmissionpolicybindings.admissionregistration.k8s.io",
                 "mutatingadmissionpolicies.admissionregistration.k8s.io",
                 "mutatingadmissionpolicybindings.admissionregistration.k8s.io",
                 "constrainttemplates.templates.gatekeeper.sh", "clusterpolicies.kyverno.io",
                 "policies.kyverno.io", "policyexceptions.kyverno.io"})},
        false, kHigh, "write the admission policies that decide what the cluster admits");
    add("policy-engine-write",
        {any_of({"create", "update", "patch"}, {"customresourcedefinitions.apiextensions.k8s.io"})}, false,
        kHigh, "write CustomResourceDefinitions (their schemas and conversion webhooks)");
    add("apiservice-write", {any_of({"create", "update", "patch"}, {"apiservices.apiregistration.k8s.io"})},
        false, kHigh, "send a whole API group to a service of its choosing (APIServices)");
    // In a namespace: the account's own, and every one it holds a RoleBinding in.
    add("rbac-escalation",
        {{request_of("escalate", "roles.rbac.authorization.k8s.io"),
          request_of("bind", "roles.rbac.authorization.k8s.io"),
          request_of("bind", "clusterroles.rbac.authorization.k8s.io"),
          request_of("impersonate", "serviceaccounts")}},
        true, kHigh, "escalate or bind roles (or impersonate its ServiceAccounts) in {}");
    add("workload-create", {workload_writes()}, true, kLow,
        "create pods (or rewrite pod templates) in {}, so run pods as its ServiceAccounts", true);
    add("cluster-admin-binding",
        {{request_of("rbacgraph:any-verb", "rbacgraph:any-resource.rbacgraph.any-group")}}, true, kMedium,
        "do anything in {}");
    add("secrets-access", {any_of({"get", "list", "watch"}, {"secrets"})}, true, kMedium,
        "read the Secrets of {}");
    add("token-secret-mint", {any_of({"create"}, {"secrets"})}, true, kMedium,
        "create Secrets in {} (a token Secret for any of its ServiceAccounts)");
    add("token-create", {any_of({"create"}, {"serviceaccounts/token"})}, true, kMedium,
        "mint tokens for the ServiceAccounts of {}");
    add("pod-exec", {any_of({"create"}, {"pods/exec", "pods/attach"})}, true, kMedium,
        "exec into every pod of {}");
    add("ephemeral-containers", {any_of({"update", "patch"}, {"pods/ephemeralcontainers"})}, true, kMedium,
        "add ephemeral containers to the pods of {}");
    return out;
}

// bind and escalate are checked against the role named in the request (escalation_check.go): a grant limited
// by resourceNames lets its holder bind (or edit) only those roles.
bool names_roles(const Request& request) {
    return (request.verb == "bind" || request.verb == "escalate") &&
           request.api_group == "rbac.authorization.k8s.io" &&
           (request.resource == "clusterroles" || request.resource == "roles");
}

}  // namespace

std::optional<std::string> CheckContext::held(const Authorizer& authorizer, const TakeoverEntry& entry,
                                              std::string_view ns) const {
    std::optional<std::string> first;
    // One request reused for every question of the entry: assigning into it keeps its strings' buffers, where
    // a copy per question was a malloc per string (held is asked of every ServiceAccount for every entry).
    // A cluster-wide entry's requests were prepared once (takeovers()); they are copied only to ask for
    // names.
    Request request;
    for (std::size_t g = 0; g < entry.all_of.size(); ++g) {
        const std::vector<Request>& group = entry.all_of[g];
        bool allowed = false;
        for (std::size_t r = 0; r < group.size(); ++r) {
            Decision decision;
            if (entry.namespaced) {
                request = group[r];
                request.ns = ns;
                decision = authorizer.authorize(request, false, entry.ask);
            } else {
                decision = authorizer.authorize(entry.prepared[g][r]);
            }
            if (!decision.allowed() && group[r].name.empty() && authorizer.lists_names()) {
                if (!entry.namespaced) {
                    request = group[r];
                }
                // A grant limited by resourceNames counts for its names, as the rules' probes count it
                // (NameQuery::kListedNames): updating one named DaemonSet rewrites that DaemonSet's pods.
                // bind and escalate count when a named role is itself a takeover (bind cluster-admin).
                // Only asked of an identity that holds such a grant (most hold none, and asking cost a
                // quarter of workload-create).
                if (const auto names = authorizer.allowed_names(request); names && !names->empty()) {
                    if (!names_roles(request)) {
                        request.name = names->front();
                    } else if (const NamedRoles reach = named_roles_takeover(
                                   *names, request.resource == "clusterroles", request.ns);
                               reach.takeover) {
                        request.name = reach.role;
                    }
                    if (!request.name.empty()) {
                        decision = authorizer.authorize(request);
                    }
                }
            }
            if (decision.allowed()) {
                if (!first) {
                    first = describe_grant(*graph_, decision.grants.front());
                }
                allowed = true;
                break;
            }
        }
        if (!allowed) {
            return std::nullopt;
        }
    }
    return first;
}

CheckContext::NamedRoles CheckContext::named_roles_takeover(const std::vector<std::string>& names,
                                                            bool cluster_roles, std::string_view ns) const {
    NamedRoles out;
    const auto consider = [&](std::size_t role) {
        const RoleNode& node = graph_->roles()[role];
        out.exists = true;
        // Bound where the binding would be: a RoleBinding in ns hands the role out in ns only.
        auto takeover = rules_takeover(node.rules(), ns);
        if (takeover && (!out.takeover || takeover->severity > out.takeover->severity)) {
            out.takeover = std::move(takeover);
            out.role = node.role->name;
        }
    };
    for (const std::string& name : names) {
        if (cluster_roles) {
            if (const auto role = graph_->find_role(true, "", name)) {
                consider(*role);
            }
        } else if (!ns.empty()) {
            if (const auto role = graph_->find_role(false, ns, name)) {
                consider(*role);
            }
        } else {
            // Every namespace: a Role of that name in any of them (rare: only named grants ask).
            for (std::size_t r = 0; r < graph_->roles().size(); ++r) {
                const Role& role = *graph_->roles()[r].role;
                if (!role.cluster_scoped && role.name == name) {
                    consider(r);
                }
            }
        }
    }
    return out;
}

namespace {}  // namespace

CheckContext::Takeovers& CheckContext::takeovers() const {
    std::call_once(takeovers_once_, [&] {
        auto takeovers = std::make_unique<Takeovers>();
        takeovers->entries = make_entries(*graph_);
        // capability-drivers: whoever drives an EKS capability whose role is an AWS administrator (or, for
        // kro, mapped into this cluster) acts with it.
        // One entry per way of asking (an ACK resource of some group, an IAMRoleSelector exactly): any
        // request of an entry drives the capability.
        const auto add_drivers = [&](const std::vector<Probe>& drivers, RiskSeverity severity,
                                     const std::string& what) {
            std::vector<TakeoverEntry> entries;
            for (const Probe& probe : drivers) {
                Ask ask;
                ask.namespaces = probe.cluster_scoped || !probe.request.ns.empty() ? NamespaceQuery::kExact
                                                                                   : NamespaceQuery::kAny;
                ask.groups = probe.group_suffix ? GroupQuery::kSuffix : GroupQuery::kExact;
                ask.any_resource = probe.any_resource;
                auto found = std::find_if(entries.begin(), entries.end(), [&](const TakeoverEntry& entry) {
                    return std::tie(entry.ask.namespaces, entry.ask.groups, entry.ask.any_resource) ==
                           std::tie(ask.namespaces, ask.groups, ask.any_resource);
                });
                if (found == entries.end()) {
                    TakeoverEntry entry;
                    entry.rule = "capability-drivers";
                    entry.severity = severity;
                    entry.what = what;
                    entry.ask = ask;
                    entry.all_of = {{}};
                    entries.push_back(std::move(entry));
                    found = std::prev(entries.end());
                }
                found->all_of.front().push_back(probe.request);
            }
            std::move(entries.begin(), entries.end(), std::back_inserter(takeovers->entries));
        };
        for (const EksCapability& capability : graph_->source().capabilities) {
            const CapabilityDrive drive = capability_drive(capability);
            if (drive.severity >= RiskSeverity::kHigh) {
                add_drivers(drive.probes, drive.severity,
                            fmt::format("{}, and so act as EKS capability {}'s IAM role", drive.writes,
                                        capability.name));
            }
        }
        // An ACK IAMRoleSelector whose role is an AWS administrator: creating ACK resources where it selects,
        // or labelling namespaces into a label selector, acts with that role (eks-iam.md 12, E9).
        for (const AckRoleSelector& selector : graph_->source().ack_role_selectors) {
            const SelectorDrive drive = ack_selector_drive(selector);
            if (drive.severity < RiskSeverity::kHigh) {
                continue;
            }
            add_drivers(
                concat(drive.creators, drive.labellers), drive.severity,
                fmt::format("create ACK resources where IAMRoleSelector {} selects, and so act as IAM "
                            "role {}",
                            selector.name, selector.role_arn));
        }
        std::stable_sort(takeovers->entries.begin(), takeovers->entries.end(),
                         [](const TakeoverEntry& a, const TakeoverEntry& b) {
                             return std::tie(b.severity, a.namespaced) < std::tie(a.severity, b.namespaced);
                         });
        for (const auto& [key, grants] : graph_->grants().holders(HolderKind::kServiceAccount)) {
            const std::size_t slash = key.find('/');
            if (slash != std::string::npos) {
                takeovers->accounts[key.substr(0, slash)].insert(key.substr(slash + 1));
            }
        }
        for (TakeoverEntry& entry : takeovers->entries) {
            if (entry.namespaced) {
                continue;
            }
            for (const std::vector<Request>& group : entry.all_of) {
                std::vector<PreparedRequest>& prepared = entry.prepared.emplace_back();
                for (const Request& request : group) {
                    prepared.emplace_back(*graph_, request, entry.ask);
                }
            }
            Ask widest = entry.ask;
            widest.namespaces = NamespaceQuery::kAny;
            widest.names = NameQuery::kListedNames;
            for (const std::vector<Request>& group : entry.all_of) {
                for (const Request& request : group) {
                    takeovers->direct_requests.push_back(compile_request(graph_->symbols(), request, widest));
                }
            }
        }
        // Accounts a pod may name: those bindings name (as ServiceAccounts, or as the users
        // system:serviceaccount:NS:NAME that authenticate them), the exported ServiceAccount objects and the
        // accounts workloads run as.
        constexpr std::string_view kAccountUser = "system:serviceaccount:";
        for (const auto& [user, grants] : graph_->grants().holders(HolderKind::kUser)) {
            if (!user.starts_with(kAccountUser)) {
                continue;
            }
            const std::string_view rest = std::string_view(user).substr(kAccountUser.size());
            const std::size_t colon = rest.find(':');
            if (colon != std::string_view::npos && colon > 0 && colon + 1 < rest.size() &&
                rest.find(':', colon + 1) == std::string_view::npos) {
                takeovers->accounts[std::string(rest.substr(0, colon))].insert(
                    std::string(rest.substr(colon + 1)));
            }
        }
        for (const ServiceAccount& account : graph_->source().service_accounts) {
            if (!account.ns.empty()) {
                takeovers->accounts[account.ns].insert(account.name);
            }
        }
        for (const Workload& workload : graph_->source().workloads) {
            if (!workload.ns.empty() && !workload.service_account.empty()) {
                takeovers->accounts[workload.ns].insert(workload.service_account);
            }
        }
        takeovers->accounts["kube-system"];
        for (auto& [ns, names] : takeovers->accounts) {
            names.insert("default");
        }
        takeovers_ = std::move(takeovers);
    });
    return *takeovers_;
}

const std::map<std::string, std::set<std::string>>& CheckContext::service_accounts_by_namespace() const {
    return takeovers().accounts;
}

std::optional<AccountTakeover> CheckContext::strongest_account_in(const std::string& ns) const {
    Takeovers& cache = takeovers();
    if (!cache.accounts.contains(ns)) {
        return std::nullopt;
    }
    {
        const std::lock_guard lock(cache.mutex);
        if (const auto found = cache.strongest.find(ns); found != cache.strongest.end()) {
            return found->second;
        }
    }
    std::optional<AccountTakeover> best;
    // An account no subject names holds exactly what its groups hold (system:serviceaccounts,
    // system:serviceaccounts:NS, system:authenticated), the same for every such account of the namespace:
    // rated once. Accounts a binding names, as a ServiceAccount or as the user system:serviceaccount:NS:NAME,
    // are rated each. A named account whose own grants allow none of the takeover requests, asked as widely
    // as a grant could serve them, holds no more than the unnamed ones: it shares their rating.
    const GrantTable& grants = graph_->grants();
    const auto adds_to_takeover = [&](std::span<const GrantId> own) {
        return std::any_of(own.begin(), own.end(), [&](GrantId id) {
            return std::any_of(cache.direct_requests.begin(), cache.direct_requests.end(),
                               [&](const CompiledRequest& request) {
                                   return grants.match(id, request).verdict != Verdict::kDenied;
                               });
        });
    };
    std::optional<std::optional<AccountTakeover>> unnamed;
    for (const std::string& name : cache.accounts.at(ns)) {
        const bool named =
            adds_to_takeover(grants.held_by(HolderKind::kServiceAccount, fmt::format("{}/{}", ns, name))) ||
            adds_to_takeover(
                grants.held_by(HolderKind::kUser, fmt::format("system:serviceaccount:{}:{}", ns, name)));
        if (!named && !unnamed) {
            unnamed = account_takeover(ns, name, true);
        }
        auto takeover = named ? account_takeover(ns, name, true) : *unnamed;
        if (takeover && (!best || takeover->severity > best->severity)) {
            takeover->account = ns;
            takeover->account += '/';
            takeover->account += name;
            best = std::move(takeover);
        }
    }
    const std::lock_guard lock(cache.mutex);
    cache.strongest.emplace(ns, best);
    return best;
}

std::optional<AccountTakeover> CheckContext::strongest_account_anywhere() const {
    Takeovers& cache = takeovers();
    {
        const std::lock_guard lock(cache.mutex);
        if (cache.strongest_anywhere) {
            return *cache.strongest_anywhere;
        }
    }
    // The first namespace in order wins a tie.
    std::optional<AccountTakeover> best;
    for (const auto& [ns, names] : cache.accounts) {
        auto candidate = strongest_account_in(ns);
        if (candidate && (!best || candidate->severity > best->severity)) {
            best = std::move(candidate);
        }
    }
    const std::lock_guard lock(cache.mutex);
    cache.strongest_anywhere = best;
    return best;
}

std::optional<AccountTakeover> CheckContext::account_takeover(std::string_view ns, std::string_view name,
                                                              bool direct_cluster_only) const {
    return identity_takeover(kubernetes_identity(fmt::format("system:serviceaccount:{}:{}", ns, name), {}),
                             ns, direct_cluster_only);
}

std::optional<AccountTakeover> CheckContext::identity_takeover(const Identity& identity, std::string_view ns,
                                                               bool direct_cluster_only) const {
    const Takeovers& cache = takeovers();
    const std::string own(ns);
    const Authorizer authorizer(*graph_, identity);
    // The namespaces it holds grants in: its own, and every one a RoleBinding of it names.
    std::set<std::string> namespaces;
    if (!own.empty()) {
        namespaces.insert(own);
    }
    for (const HeldGrant& match : authorizer.held()) {
        const GrantTable::Placement placement = graph_->grants().placement(match.grant);
        if (placement.scope == GrantScope::kNamespace && !match.undetermined) {
            namespaces.insert(std::string(graph_->symbols().name(placement.ns)));
        }
    }
    std::optional<AccountTakeover> best;
    const auto offer = [&](const TakeoverEntry& entry, RiskSeverity severity, std::string what,
                           std::string grant, std::string then = {}) {
        if (!best || severity > best->severity) {
            best = AccountTakeover{std::move(what),  !entry.namespaced, severity,
                                   std::move(grant), entry.rule,        {},
                                   std::move(then)};
        }
    };
    const auto through = [](const AccountTakeover& strongest) {
        return fmt::format("; such a pod may run as ServiceAccount {}, which can {} via {}",
                           strongest.account, strongest.what, strongest.grant);
    };
    for (const TakeoverEntry& entry : cache.entries) {
        if (direct_cluster_only && entry.namespaced) {
            continue;
        }
        if (!entry.namespaced) {
            if (auto grant = held(authorizer, entry, "")) {
                RiskSeverity severity = entry.severity;
                std::string then;
                if (entry.workloads && !direct_cluster_only) {
                    // workload-create: a creator in every namespace runs pods as the strongest account of any
                    // (one level: accounts are rated by what they hold themselves, which keeps this finite).
                    if (const auto strongest = strongest_account_anywhere();
                        strongest && strongest->severity > severity) {
                        severity = strongest->severity;
                        then = through(*strongest);
                    }
                }
                offer(entry, severity, entry.what, std::move(*grant), std::move(then));
            }
            continue;
        }
        for (const std::string& in : namespaces) {
            auto grant = held(authorizer, entry, in);
            if (!grant) {
                continue;
            }
            RiskSeverity severity = entry.severity;
            std::string then;
            if (entry.workloads) {
                const auto strongest = strongest_account_in(in);
                if (!strongest || strongest->severity <= severity) {
                    continue;  // no account there holds a cluster takeover: not one itself
                }
                severity = strongest->severity;
                then = through(*strongest);
            }
            offer(entry, severity,
                  fmt::format(fmt::runtime(entry.what), in == own ? "its namespace" : "namespace " + in),
                  std::move(*grant), std::move(then));
        }
    }
    return best;
}

std::optional<AccountTakeover> CheckContext::rules_takeover(const std::vector<PolicyRule>& rules,
                                                            std::string_view ns) const {
    for (const TakeoverEntry& entry : takeovers().entries) {
        // Bound cluster-wide, the cluster-wide entries; in one namespace, that namespace's. Pods are rated by
        // accounts, which rules alone do not have: creating them counts at the entry's own severity.
        if (entry.severity < RiskSeverity::kHigh || entry.namespaced != !ns.empty()) {
            continue;
        }
        const bool all =
            std::all_of(entry.all_of.begin(), entry.all_of.end(), [&](const std::vector<Request>& group) {
                return std::any_of(group.begin(), group.end(), [&](Request request) {
                    if (entry.namespaced) {
                        request.ns = std::string(ns);
                    }
                    return rules_allow(rules, request);
                });
            });
        if (all) {
            return AccountTakeover{entry.namespaced
                                       ? fmt::format(fmt::runtime(entry.what), "namespace " + std::string(ns))
                                       : entry.what,
                                   !entry.namespaced,
                                   entry.severity,
                                   {},
                                   entry.rule,
                                   {},
                                   {}};
        }
    }
    return std::nullopt;
}

}  // namespace rbacgraph
