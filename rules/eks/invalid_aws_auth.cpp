#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG110", "invalid-aws-auth", "eks", RiskSeverity::kHigh,
                         "mapRoles, mapUsers or mapAccounts that do not parse or have wrong types (entries "
                         "silently dropped: a lock-out waiting to happen)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // The loader reads aws-auth exactly as the authenticator does and reports every entry it drops.
    for (const Diagnostic& diagnostic : context.source().diagnostics) {
        if (diagnostic.object != "ConfigMap kube-system/aws-auth" || diagnostic.severity == Severity::kNote) {
            continue;
        }
        Finding finding;
        finding.object = {"ConfigMap", "kube-system", "aws-auth"};
        finding.location = diagnostic.location;
        finding.key = diagnostic.message;
        if (const auto& aws_auth = context.source().aws_auth) {
            finding.annotations = {&aws_auth->annotations};
        }
        finding.message = "aws-auth: " + diagnostic.message;
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule invalid_aws_auth{kInfo, &check};

}  // namespace rbacgraph::rules
