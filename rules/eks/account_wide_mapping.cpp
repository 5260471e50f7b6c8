#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG103", "account-wide-mapping", "eks", RiskSeverity::kHigh,
                         "aws-auth mapAccounts lets every IAM principal of an account authenticate"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& aws_auth = context.source().aws_auth;
    if (!aws_auth || context.graph().mode() == AuthenticationMode::kApi) {
        return;
    }
    const auto with_authenticated =
        !context.grants().held_by(HolderKind::kGroup, "system:authenticated").empty();
    for (const AwsAuthAccount& account : aws_auth->map_accounts) {
        Finding finding;
        finding.object = {"ConfigMap", "kube-system", "aws-auth"};
        finding.location = account.location;
        finding.key = account.account;
        finding.arns = {fmt::format("arn:aws:iam::{}:*", account.account)};
        finding.annotations = {&aws_auth->annotations};
        finding.message = fmt::format(
            "mapAccounts admits every IAM user and role session of account {} that no other entry maps, with "
            "its "
            "ARN as username{}; list the roles that need access in mapRoles instead",
            account.account,
            with_authenticated ? ", and gives each what the bindings to system:authenticated grant" : "");
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule account_wide_mapping{kInfo, &check};

}  // namespace rbacgraph::rules
