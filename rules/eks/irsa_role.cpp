#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG113", "irsa-role", "eks", RiskSeverity::kInfo,
    "A ServiceAccount's pods hold an IAM role (IRSA or Pod Identity), or its annotation names "
    "a role that does not trust it"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const WorkloadRole& edge : context.workload_roles()) {
        Finding finding;
        finding.object = {"ServiceAccount", edge.ns, edge.service_account};
        finding.location = edge.location;
        finding.key = std::string(edge.via_text());
        finding.subjects = {edge.subject()};
        if (!edge.role_arn.empty()) {
            finding.arns = {edge.role_arn};
        }
        if (edge.annotations != nullptr) {
            finding.annotations = {edge.annotations};
        }
        const std::string role =
            edge.role_arn.empty() ? std::string("an IAM role") : "IAM role " + edge.role_arn;
        if (!edge.may_grant()) {
            // eks-iam.md 9.7: the annotation only tells the webhook what to inject; the trust decides.
            finding.message = fmt::format("{} of {} names {}, which its pods do not receive: {}",
                                          edge.via_text(), edge.subject(), role, edge.why);
            out.push_back(std::move(finding));
            continue;
        }
        const Identity identity =
            edge.role_arn.empty() ? Identity{} : resolve_arn(context.graph(), edge.role_arn);
        finding.message = fmt::format(
            "pods running as {} receive credentials of {} ({}; {}){}; whoever can create pods or exec into "
            "them "
            "there holds that role",
            edge.subject(), role, edge.via_text(), edge.trust_text(),
            identity.authenticated
                ? fmt::format(", which this cluster also maps ({})", identity.source_detail)
                : "");
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule irsa_role{kInfo, &check};

}  // namespace rbacgraph::rules
