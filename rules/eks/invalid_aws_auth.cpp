#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG110", "invalid-aws-auth", "eks", RiskSeverity::kHigh,
                         "mapRoles, mapUsers or mapAccounts that do not parse or have wrong types (entries "
                         "silently dropped: a lock-out waiting to happen)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& aws_auth = context.source().aws_auth;
    const auto base = [&](const SourceLocation& location, std::string key) {
        Finding finding;
        finding.object = {"ConfigMap", "kube-system", "aws-auth"};
        finding.location = location;
        finding.key = std::move(key);
        if (aws_auth) {
            finding.annotations = {&aws_auth->annotations};
        }
        return finding;
    };
    // The loader reads aws-auth exactly as the authenticator does and reports every entry it drops. Its
    // warnings about the document as a whole (no kind, a second aws-auth) are about the input, not about
    // entries the authenticator drops: they are the info findings below.
    for (const Diagnostic& diagnostic : context.source().diagnostics) {
        if (diagnostic.object != "ConfigMap kube-system/aws-auth" || diagnostic.severity == Severity::kNote ||
            (aws_auth && diagnostic.severity == Severity::kWarning &&
             (diagnostic.location.same_place(aws_auth->location) ||
              (aws_auth->replaces && diagnostic.location.same_place(*aws_auth->replaces))))) {
            continue;
        }
        Finding finding = base(diagnostic.location, diagnostic.message);
        finding.message = "aws-auth: " + diagnostic.message;
        out.push_back(std::move(finding));
    }
    if (!aws_auth) {
        return;
    }
    if (aws_auth->edit_buffer) {
        Finding finding = base(aws_auth->location, "edit-buffer");
        finding.severity = RiskSeverity::kInfo;
        finding.message =
            "aws-auth: read from a document without kind or metadata (a pasted data section or kubectl edit "
            "buffer) as kube-system/aws-auth; its entries are checked as they are, but what the cluster "
            "holds "
            "may differ: check the exported ConfigMap";
        out.push_back(std::move(finding));
    }
    if (aws_auth->replaces) {
        Finding finding = base(aws_auth->location, "replaces");
        finding.severity = RiskSeverity::kInfo;
        finding.message = fmt::format(
            "aws-auth: the input holds more than one kube-system/aws-auth; this one (the last) is the one "
            "checked, and the one at {} is ignored: a cluster has only one",
            format_location(*aws_auth->replaces));
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule invalid_aws_auth{kInfo, &check};

}  // namespace rbacgraph::rules
