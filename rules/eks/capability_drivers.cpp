#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG116", "capability-drivers", "eks", RiskSeverity::kHigh,
    "Who drives an EKS capability (ACK, kro, Argo CD) acts with its IAM role: in AWS, and in "
    "the clusters that role reaches"};

std::string holders_text(const std::vector<std::string>& holders) {
    return holders.empty() ? std::string("no subject outside the built-in bindings found")
                           : list_holders(holders);
}

// eks-iam.md 12 (E9): for the ACK resources an IAMRoleSelector selects, ACK acts as the selector's role, so
// whoever can create ACK resources in a selected namespace acts with that role; where namespaces are
// selected by label, whoever may label namespaces moves them under it.
Finding selector_finding(const CheckContext& context, const AckRoleSelector& selector) {
    Finding finding;
    finding.object = {"IAMRoleSelector", "", selector.name};
    finding.location = selector.location;
    finding.arns = {selector.role_arn};
    const SelectorDrive drive = context.ack_selector_drive(selector);
    finding.severity = drive.severity;
    const std::string types =
        selector.resource_types.empty()
            ? std::string("every ACK resource")
            : fmt::format("ACK resources of {}", fmt::join(selector.resource_types, ", "));
    const std::vector<std::string> creators = context.holders_outside_builtin(drive.creators);
    std::vector<std::string> drivers = creators;
    std::string labellers_text;
    if (!drive.labellers.empty()) {
        const std::vector<std::string> labellers = context.holders_outside_builtin(drive.labellers);
        labellers_text = "; whoever may label namespaces moves them under it: " +
                         (labellers.empty() ? std::string("no subject outside the built-in bindings found")
                                            : list_holders(labellers));
        drivers.insert(drivers.end(), labellers.begin(), labellers.end());
    }
    std::sort(drivers.begin(), drivers.end());
    drivers.erase(std::unique(drivers.begin(), drivers.end()), drivers.end());
    finding.subjects = drivers;
    finding.message = fmt::format(
        "IAMRoleSelector {} makes ACK act in AWS as IAM role {} ({}) for {} in {}, {}, where no other "
        "selector also matches: whoever can create ACK resources there acts with it: {}{}{}",
        selector.name, selector.role_arn, drive.power, types, drive.scope, drive.trust,
        holders_text(creators), labellers_text, drive.conflicts);
    return finding;
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const EksCapability& capability : context.source().capabilities) {
        // Who drives it and what that is worth, as the takeover list judges it too (check.hpp); the writers
        // are the grant table's, gated by the authentication mode like every answer.
        const CapabilityDrive drive = context.capability_drive(capability);
        const std::string cluster_text =
            drive.mapped.authenticated
                ? fmt::format("; this cluster maps the role ({})", drive.mapped.source_detail)
                : "";
        Finding finding;
        finding.object = {"EksCapability", "", capability.name};
        finding.location = capability.location;
        if (!drive.role_arn.empty()) {
            finding.arns = {drive.role_arn};
        }
        finding.severity = drive.severity;
        const std::string role_text =
            drive.role_arn.empty() ? std::string("its IAM role") : "IAM role " + drive.role_arn;
        std::vector<std::string> drivers = context.holders_outside_builtin(drive.probes);
        if (capability.type == "ACK") {
            finding.subjects = drivers;
            finding.message = fmt::format(
                "ACK capability {} acts in AWS as {} ({}{}): whoever can create ACK resources (groups "
                "*.services.k8s.aws) acts with it, and whoever writes IAMRoleSelectors (group "
                "services.k8s.aws) chooses which role it may assume acts for which namespace: {}",
                capability.name, role_text, drive.power, cluster_text, holders_text(finding.subjects));
        } else if (capability.type == "KRO") {
            finding.subjects = drivers;
            finding.message = fmt::format(
                "kro capability {} runs as {} (session KRO{}; {}): whoever can create "
                "ResourceGraphDefinitions has kro create what they describe: {}",
                capability.name, role_text, cluster_text, drive.power, holders_text(finding.subjects));
        } else if (capability.type == "ARGOCD") {
            // eks-iam.md 7 row 18 (BOTO ArgoCdRoleMapping, REG): ADMIN and EDITOR mappings drive deployments.
            for (const EksCapability::RoleMapping& mapping : capability.rbac_role_mappings) {
                if (mapping.role == "ADMIN" || mapping.role == "EDITOR") {
                    for (const std::string& identity : mapping.identities) {
                        drivers.push_back(fmt::format("Identity Center {} ({})", identity, mapping.role));
                    }
                }
            }
            std::sort(drivers.begin(), drivers.end());
            drivers.erase(std::unique(drivers.begin(), drivers.end()), drivers.end());
            finding.subjects = drivers;
            finding.message = fmt::format(
                "Argo CD capability {} deploys as {} ({}{}) to every cluster where that role has an access "
                "entry; its ADMIN and EDITOR mappings and whoever writes Applications or ApplicationSets in "
                "namespace {} drive it: {}",
                capability.name, role_text, drive.power, cluster_text, capability.argocd_namespace,
                holders_text(drivers));
            // AppProjects bound what Applications may deploy (destinations, cluster-scoped kinds): their
            // writers widen it without deploying themselves.
            const std::vector<std::string> project_writers = context.holders_outside_builtin(
                probes({"create", "update", "patch"}, {"appprojects.argoproj.io"}, false,
                       capability.argocd_namespace));
            if (!project_writers.empty()) {
                finding.message += "; whoever writes AppProjects there widens what they may deploy: " +
                                   list_holders(project_writers);
            }
        } else {
            finding.message =
                fmt::format("capability {} of type '{}' acts as {}; what drives it is not known",
                            capability.name, capability.type, role_text);
        }
        out.push_back(std::move(finding));
    }
    for (const AckRoleSelector& selector : context.source().ack_role_selectors) {
        out.push_back(selector_finding(context, selector));
    }
}

}  // namespace

extern const Rule capability_drivers{kInfo, &check};

}  // namespace rbacgraph::rules
