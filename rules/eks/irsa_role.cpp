#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG113", "irsa-role", "eks", RiskSeverity::kInfo,
                         "A ServiceAccount carries an IAM role (IRSA): its pods hold AWS credentials"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const ServiceAccount& account : context.source().service_accounts) {
        const auto role = account.annotations.find("eks.amazonaws.com/role-arn");
        if (role == account.annotations.end()) {
            continue;
        }
        Finding finding;
        finding.object = {"ServiceAccount", account.ns, account.name};
        finding.location = account.location;
        finding.subjects = {fmt::format("ServiceAccount {}/{}", account.ns, account.name)};
        finding.arns = {role->second};
        finding.annotations = {&account.annotations};
        const Identity identity = resolve_arn(context.graph(), role->second);
        finding.message = fmt::format(
            "pods running as ServiceAccount {}/{} receive credentials of IAM role {}{}; whoever can create "
            "pods or "
            "exec into them there holds that role",
            account.ns, account.name, role->second,
            identity.authenticated
                ? fmt::format(", which this cluster also maps ({})", identity.source_detail)
                : "");
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule irsa_role{kInfo, &check};

}  // namespace rbacgraph::rules
