// Who drives an EKS capability, and what that is worth (eks-iam.md 9.5): one judgement for the
// capability-drivers rule and for the takeover list.
#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph {

CapabilityDrive CheckContext::capability_drive(const EksCapability& capability) const {
    CapabilityDrive out;
    out.role_arn = capability.role_arn.value_or("");
    bool admin = false;
    if (out.role_arn.empty()) {
        out.power = "list-capabilities does not name its role: run aws eks describe-capability";
    } else {
        const IamIndex* index = iam();
        const std::optional<std::size_t> role = index == nullptr ? std::nullopt : index->find(out.role_arn);
        if (!role) {
            out.power = "its permissions are not in the IAM dumps";
        } else {
            admin = index->administrator(*role);
            out.power = admin ? "it may call every AWS action (AdministratorAccess)"
                              : "it holds what its IAM policies allow";
        }
        out.mapped = resolve_arn(*graph_, out.role_arn);
    }
    out.severity = admin ? RiskSeverity::kHigh : RiskSeverity::kMedium;
    if (capability.type == "ACK") {
        // eks-iam.md 9.5 (ACK-create): "Anyone with permission to create Kubernetes resources in your cluster
        // can effectively create AWS resources through ACK". ACK's groups are "<service>.services.k8s.aws",
        // one per controller: any resource of any of them, in any namespace.
        Probe probe;
        probe.request.verb = "create";
        probe.request.api_group = "services.k8s.aws";
        probe.group_suffix = true;
        probe.any_resource = true;
        probe.label = "create ACK resources";
        out.probes = {probe};
        out.writes = "create ACK resources (groups *.services.k8s.aws)";
    } else if (capability.type == "KRO") {
        // eks-iam.md 9.5 (CAPSEC): kro runs as assumed-role/ROLE/KRO; whoever creates
        // ResourceGraphDefinitions has kro create what they describe, with kro's Kubernetes rights.
        out.probes = {probe("create", "resourcegraphdefinitions.kro.run", true)};
        out.writes = "create ResourceGraphDefinitions";
        if (out.mapped.authenticated) {
            out.severity = RiskSeverity::kHigh;
        }
    } else if (capability.type == "ARGOCD") {
        // eks-iam.md 7 row 18 (BOTO ArgoCdRoleMapping, REG): whoever writes Applications in its namespace
        // drives deployments.
        for (const std::string_view verb : {"create", "update", "patch"}) {
            out.probes.push_back(probe(verb, "applications.argoproj.io").in(capability.argocd_namespace));
        }
        out.writes = "write Applications in namespace " + capability.argocd_namespace;
    } else {
        out.severity = RiskSeverity::kMedium;
    }
    return out;
}

}  // namespace rbacgraph
