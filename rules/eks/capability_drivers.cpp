#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG116", "capability-drivers", "eks", RiskSeverity::kHigh,
    "Who drives an EKS capability (ACK, kro, Argo CD) acts with its IAM role: in AWS, and in "
    "the clusters that role reaches"};

constexpr std::string_view kAckGroupSuffix = ".services.k8s.aws";

bool names_create(const PolicyRule& rule) {
    return std::any_of(rule.verbs.begin(), rule.verbs.end(),
                       [](const std::string& verb) { return verb == "create" || verb == "*"; });
}

// Does the rule let its holder create some ACK resource? ACK's groups are "<service>.services.k8s.aws" (one
// per controller), so the question is existential over groups: '*', any group with that suffix, or a rule
// that names the suffix (AmazonEKSACKPolicy's lower bound).
bool creates_ack_resources(const PolicyRule& rule) {
    if (!names_create(rule) || rule.resources.empty()) {
        return false;
    }
    const bool group =
        std::any_of(rule.api_groups.begin(), rule.api_groups.end(),
                    [](const std::string& name) { return name == "*" || name.ends_with(kAckGroupSuffix); });
    const bool suffix = std::any_of(rule.api_group_suffixes.begin(), rule.api_group_suffixes.end(),
                                    [](const std::string& name) { return name == kAckGroupSuffix; });
    return group || suffix;
}

// The holders of grant rows whose rules can create ACK resources, leaving out the cluster's own built-in
// bindings (system:masters, controllers), which every cluster has.
std::vector<std::string> ack_creators(const CheckContext& context) {
    const Graph& graph = context.graph();
    std::set<std::string> holders;
    for (const GrantRow& row : graph.rows()) {
        if (row.source == GrantSource::kBinding && graph.bindings()[row.source_index].builtin) {
            continue;
        }
        const RuleSet& rules = graph.rule_sets()[row.rule_set];
        if (rules.rules != nullptr &&
            std::any_of(rules.rules->begin(), rules.rules->end(), creates_ack_resources)) {
            holders.insert(holder_display(graph, row));
        }
    }
    return {holders.begin(), holders.end()};
}

// What the capability role holds in AWS, when the dumps say.
std::string aws_power(const CheckContext& context, const std::string& role_arn, bool& admin) {
    admin = false;
    const IamIndex* iam = context.iam();
    const std::optional<std::size_t> role = iam == nullptr ? std::nullopt : iam->find(role_arn);
    if (!role) {
        return "its permissions are not in the IAM dumps";
    }
    admin = iam->administrator(*role);
    return admin ? "it may call every AWS action (AdministratorAccess)"
                 : "it holds what its IAM policies allow";
}

std::string holders_text(const std::vector<std::string>& holders) {
    return holders.empty() ? std::string("no subject outside the built-in bindings found")
                           : list_holders(holders);
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const EksCapability& capability : context.source().capabilities) {
        const std::string role_arn = capability.role_arn.value_or("");
        bool admin = false;
        const std::string power =
            role_arn.empty() ? "list-capabilities does not name its role: run aws eks describe-capability"
                             : aws_power(context, role_arn, admin);
        const Identity mapped = role_arn.empty() ? Identity{} : resolve_arn(context.graph(), role_arn);
        const std::string cluster_text =
            mapped.authenticated ? fmt::format("; this cluster maps the role ({})", mapped.source_detail)
                                 : "";
        Finding finding;
        finding.object = {"EksCapability", "", capability.name};
        finding.location = capability.location;
        if (!role_arn.empty()) {
            finding.arns = {role_arn};
        }
        finding.severity = admin ? RiskSeverity::kHigh : RiskSeverity::kMedium;
        const std::string role_text = role_arn.empty() ? std::string("its IAM role") : "IAM role " + role_arn;
        if (capability.type == "ACK") {
            // eks-iam.md 9.5 (ACK-create): "Anyone with permission to create Kubernetes resources in your
            // cluster can effectively create AWS resources through ACK, subject to the IAM Capability Role
            // permissions".
            finding.subjects = ack_creators(context);
            finding.message = fmt::format(
                "ACK capability {} acts in AWS as {} ({}{}): whoever can create ACK resources (groups "
                "*{}) acts with it: {}",
                capability.name, role_text, power, cluster_text, kAckGroupSuffix,
                holders_text(finding.subjects));
        } else if (capability.type == "KRO") {
            // eks-iam.md 9.5 (CAPSEC): kro runs as assumed-role/ROLE/KRO; whoever creates
            // ResourceGraphDefinitions (or their instances) has kro create what they describe, with kro's
            // Kubernetes rights.
            static const std::vector<Probe> kRgd = {
                probe("create", "resourcegraphdefinitions.kro.run", true)};
            finding.subjects = context.holders_outside_builtin(kRgd);
            finding.message = fmt::format(
                "kro capability {} runs as {} (session KRO{}; {}): whoever can create "
                "ResourceGraphDefinitions "
                "has kro create what they describe: {}",
                capability.name, role_text, cluster_text, power, holders_text(finding.subjects));
            if (mapped.authenticated) {
                finding.severity = RiskSeverity::kHigh;
            }
        } else if (capability.type == "ARGOCD") {
            // eks-iam.md 7 row 18 (BOTO ArgoCdRoleMapping, REG): ADMIN and EDITOR mappings drive deployments.
            std::vector<std::string> drivers;
            for (const EksCapability::RoleMapping& mapping : capability.rbac_role_mappings) {
                if (mapping.role == "ADMIN" || mapping.role == "EDITOR") {
                    for (const std::string& identity : mapping.identities) {
                        drivers.push_back(fmt::format("Identity Center {} ({})", identity, mapping.role));
                    }
                }
            }
            const std::vector<Probe> applications = {
                probe("create", "applications.argoproj.io").in(capability.argocd_namespace),
                probe("update", "applications.argoproj.io").in(capability.argocd_namespace),
                probe("patch", "applications.argoproj.io").in(capability.argocd_namespace)};
            for (std::string& holder : context.holders_outside_builtin(applications)) {
                drivers.push_back(std::move(holder));
            }
            std::sort(drivers.begin(), drivers.end());
            drivers.erase(std::unique(drivers.begin(), drivers.end()), drivers.end());
            finding.subjects = drivers;
            finding.message = fmt::format(
                "Argo CD capability {} deploys as {} ({}{}) to every cluster where that role has an access "
                "entry; its ADMIN and EDITOR mappings and whoever writes Applications in namespace {} drive "
                "it: "
                "{}",
                capability.name, role_text, power, cluster_text, capability.argocd_namespace,
                holders_text(drivers));
        } else {
            finding.severity = RiskSeverity::kMedium;
            finding.message =
                fmt::format("capability {} of type '{}' acts as {}; what drives it is not known",
                            capability.name, capability.type, role_text);
        }
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule capability_drivers{kInfo, &check};

}  // namespace rbacgraph::rules
