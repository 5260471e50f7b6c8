#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG201", "aws-auth-write", "rbac", RiskSeverity::kCritical,
                         "Can rewrite kube-system/aws-auth, and so map itself into system:masters"};

std::vector<Probe> aws_auth_probes(bool config_map_exported) {
    std::vector<Probe> out;
    for (const std::string_view verb : {"update", "patch", "delete"}) {
        out.push_back(probe(verb, "configmaps").in("kube-system").named("aws-auth"));
    }
    // Creating aws-auth only works while it does not exist (AlreadyExists otherwise).
    if (!config_map_exported) {
        out.push_back(probe("create", "configmaps").in("kube-system"));
    }
    return out;
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto probes = aws_auth_probes(context.source().aws_auth.has_value());
    const bool api_mode = context.graph().mode() == AuthenticationMode::kApi;
    for (const Capability& capability : context.capabilities(probes)) {
        Finding finding = context.finding_for(capability, capability.probe->label);
        if (api_mode) {
            // EKS ignores aws-auth in API mode, and a cluster never leaves API mode.
            finding.severity = RiskSeverity::kLow;
            finding.message += "; the cluster is in API mode, which ignores aws-auth";
        } else if (capability.probe->request.verb == "create") {
            // Creating kube-system/aws-auth fails with AlreadyExists once it exists (every cluster with
            // nodes has one), so this is a window, not a standing write: one step below a rewrite.
            finding.severity = RiskSeverity::kHigh;
            finding.message +=
                " (not aws-auth itself: it can create kube-system/aws-auth only while none exists, e.g. "
                "before the first node group or after someone deletes it); whoever creates it decides "
                "which IAM roles are system:masters";
        } else {
            finding.message +=
                ": a mapRoles entry with group system:masters makes any IAM role cluster admin";
        }
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule aws_auth_write{kInfo, &check};

}  // namespace rbacgraph::rules
