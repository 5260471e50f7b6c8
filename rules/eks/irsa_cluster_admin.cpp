#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG114", "irsa-cluster-admin", "eks", RiskSeverity::kHigh,
                         "A ServiceAccount's IAM role (IRSA) is mapped back into the cluster as admin: pod "
                         "creation in its namespace becomes cluster admin"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const ServiceAccount& account : context.source().service_accounts) {
        const auto role = account.annotations.find("eks.amazonaws.com/role-arn");
        if (role == account.annotations.end()) {
            continue;
        }
        const Identity identity = resolve_arn(context.graph(), role->second);
        if (!identity.authenticated) {
            continue;
        }
        // A request no rule names explicitly is allowed only to system:masters or through '*' everywhere.
        Request anything;
        anything.verb = "rbacgraph:any-verb";
        anything.api_group = "rbacgraph.any-group";
        anything.resource = "rbacgraph:any-resource";
        const Authorizer authorizer(context.graph(), identity);
        if (!authorizer.authorize(anything).allowed()) {
            continue;
        }
        const std::vector<Probe> pod_creation = {probe("create", "pods").in(account.ns)};
        Finding finding;
        finding.object = {"ServiceAccount", account.ns, account.name};
        finding.location = account.location;
        for (const Capability& capability : context.capabilities(pod_creation)) {
            for (std::string& holder : context.holders(capability)) {
                finding.subjects.push_back(std::move(holder));
            }
        }
        finding.arns = {role->second};
        finding.annotations = {&account.annotations};
        finding.message = fmt::format(
            "ServiceAccount {}/{} has IAM role {}, which this cluster maps to cluster admin ({}): any pod "
            "running as "
            "it, so anyone who can create pods in namespace {}{}, is cluster admin",
            account.ns, account.name, role->second, identity.source_detail, account.ns,
            finding.subjects.empty() ? "" : fmt::format(" ({} subjects found)", finding.subjects.size()));
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule irsa_cluster_admin{kInfo, &check};

}  // namespace rbacgraph::rules
