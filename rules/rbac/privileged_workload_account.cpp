#include <fmt/format.h>

#include <array>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG231", "privileged-workload-account", "rbac", RiskSeverity::kHigh,
    "A Pod or pod controller runs as a ServiceAccount that can take over the cluster or its "
    "namespace; whoever compromises the pod holds that power"};

struct Takeover {
    Request request;
    bool in_namespace = false;  ///< asked in the workload's namespace rather than cluster-wide
    std::string_view what;
};

std::vector<Takeover> takeovers() {
    auto make = [](std::string_view verb, std::string_view resource, bool in_namespace, std::string_view what,
                   std::string name = {}, std::string ns = {}) {
        return Takeover{std::get<Request>(make_request({.verb = std::string(verb),
                                                        .resource = std::string(resource),
                                                        .name = std::move(name),
                                                        .ns = std::move(ns)})),
                        in_namespace, what};
    };
    return {
        make("rbacgraph:any-verb", "rbacgraph:any-resource.rbacgraph.any-group", false,
             "do anything cluster-wide"),
        make("list", "secrets", false, "list Secrets in all namespaces"),
        make("escalate", "clusterroles.rbac.authorization.k8s.io", false, "escalate ClusterRoles"),
        make("bind", "clusterroles.rbac.authorization.k8s.io", false, "bind any ClusterRole"),
        make("impersonate", "groups", false, "impersonate groups"),
        make("impersonate", "users", false, "impersonate users"),
        make("create", "serviceaccounts/token", false, "mint tokens for any ServiceAccount"),
        make("get", "nodes/proxy", false, "reach every kubelet through nodes/proxy"),
        make("patch", "configmaps", false, "rewrite kube-system/aws-auth", "aws-auth", "kube-system"),
        make("rbacgraph:any-verb", "rbacgraph:any-resource.rbacgraph.any-group", true,
             "do anything in its namespace"),
        make("list", "secrets", true, "list the Secrets of its namespace"),
        make("create", "pods/exec", true, "exec into every pod of its namespace"),
    };
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    static const std::vector<Takeover> kTakeovers = takeovers();
    for (const Workload& workload : context.source().workloads) {
        // A pod with ownerReferences is reported through its controller; without a token it holds nothing.
        if (workload.owned || !workload.token_mounted) {
            continue;
        }
        const std::string username =
            fmt::format("system:serviceaccount:{}:{}", workload.ns, workload.service_account);
        const Authorizer authorizer(context.graph(), kubernetes_identity(username, {}));
        for (const Takeover& takeover : kTakeovers) {
            Request request = takeover.request;
            if (takeover.in_namespace) {
                request.ns = workload.ns;
            }
            const Decision decision = authorizer.authorize(request);
            if (!decision.allowed()) {
                continue;
            }
            Finding finding;
            finding.object = {workload.kind, workload.ns, workload.name};
            finding.location = workload.location;
            finding.subjects = {fmt::format("ServiceAccount {}/{}", workload.ns, workload.service_account)};
            finding.annotations = {&workload.annotations};
            finding.builtin = workload.ns == "kube-system";
            finding.message = fmt::format(
                "{} {}/{} runs{} as ServiceAccount {}/{}, which can {} via {}: code execution in its pods "
                "(an "
                "exploited app, or anyone who can exec into them) holds that",
                workload.kind, workload.ns, workload.name,
                workload.kind == "DaemonSet" ? " on every node" : "", workload.ns, workload.service_account,
                takeover.what, describe_grant(context.graph(), decision.grants.front()));
            if (takeover.in_namespace) {
                finding.severity = lower(kInfo.severity);
            }
            out.push_back(std::move(finding));
            break;
        }
    }
}

}  // namespace

extern const Rule privileged_workload_account{kInfo, &check};

}  // namespace rbacgraph::rules
