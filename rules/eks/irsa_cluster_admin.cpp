#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG114", "irsa-cluster-admin", "eks", RiskSeverity::kHigh,
    "A ServiceAccount's IAM role (IRSA or Pod Identity) is mapped back into the cluster as "
    "admin: pod creation in its namespace becomes cluster admin"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // eks-iam.md 9.4, 9.7 and 7: the pods of a ServiceAccount hold its IAM role; if this cluster maps that
    // role to admin, whoever runs a pod as the ServiceAccount is cluster admin (Kubernetes -> AWS ->
    // Kubernetes).
    for (const WorkloadRole& edge : context.workload_roles()) {
        if (!edge.may_grant() || edge.role_arn.empty()) {
            continue;  // the role's trust refuses the pods: the annotation or association gives nothing
        }
        const Identity identity = resolve_arn(context.graph(), edge.role_arn);
        if (!identity.authenticated) {
            continue;
        }
        if (!Authorizer(context.graph(), identity).cluster_admin()) {
            continue;
        }
        // eks-iam.md 7 row 15: whoever runs a pod as the ServiceAccount (a pod or a workload controller in
        // its namespace) or mints its token for sts.amazonaws.com (create serviceaccounts/token) holds the
        // role.
        std::vector<Probe> pod_creation;
        for (const std::string_view resource :
             {"pods", "deployments.apps", "daemonsets.apps", "statefulsets.apps", "replicasets.apps",
              "jobs.batch", "cronjobs.batch", "replicationcontrollers"}) {
            pod_creation.push_back(probe("create", resource).in(edge.ns));
        }
        pod_creation.push_back(
            probe("create", "serviceaccounts/token").in(edge.ns).named(edge.service_account));
        Finding finding;
        finding.object = {"ServiceAccount", edge.ns, edge.service_account};
        finding.location = edge.location;
        finding.key = std::string(edge.via_text());
        finding.subjects = context.holders_outside_builtin(pod_creation);
        finding.arns = {edge.role_arn};
        if (edge.annotations != nullptr) {
            finding.annotations = {edge.annotations};
        }
        finding.message = fmt::format(
            "ServiceAccount {}/{} has IAM role {} ({}; {}), which this cluster maps to cluster admin ({}): "
            "any pod "
            "running as it, so anyone who can create pods or workloads in namespace {} or mint its token{}, "
            "is cluster admin",
            edge.ns, edge.service_account, edge.role_arn, edge.via_text(), edge.trust_text(),
            identity.source_detail, edge.ns,
            finding.subjects.empty() ? "" : fmt::format(" ({})", list_holders(finding.subjects)));
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule irsa_cluster_admin{kInfo, &check};

}  // namespace rbacgraph::rules
