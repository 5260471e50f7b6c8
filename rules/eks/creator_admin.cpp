#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG102", "creator-admin", "eks", RiskSeverity::kHigh,
                         "The IAM principal that created the cluster is cluster admin without any visible "
                         "mapping, or through bootstrapClusterCreatorAdminPermissions"};

std::string creator_text(const CheckContext& context) {
    const std::string& creator = context.graph().options().creator_arn;
    return creator.empty()
               ? "the cluster creator (unknown: the EKS API does not reveal it; name it with --creator "
                 "from CloudTrail's CreateCluster event)"
               : "the cluster creator " + creator;
}

Finding cluster_finding(const CheckContext& context, std::string message) {
    const Export& source = context.source();
    Finding finding;
    if (source.cluster) {
        finding.object = {"Cluster", "", source.cluster->name};
        finding.location = source.cluster->location;
    } else {
        finding.object = {"ConfigMap", "kube-system", "aws-auth"};
        finding.location = source.aws_auth->location;
        finding.annotations = {&source.aws_auth->annotations};
    }
    const std::string& creator = context.graph().options().creator_arn;
    if (!creator.empty()) {
        finding.arns = {creator};
    }
    finding.message = std::move(message);
    return finding;
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Export& source = context.source();
    if (!source.cluster && !source.aws_auth) {
        return;  // not an EKS export
    }
    const AuthenticationMode mode = context.graph().mode();
    if (mode == AuthenticationMode::kConfigMap || mode == AuthenticationMode::kUnknown) {
        const std::string why =
            mode == AuthenticationMode::kConfigMap
                ? "the cluster is in CONFIG_MAP mode"
                : "the authentication mode is unknown (no describe-cluster in the export, or "
                  "no accessConfig), so CONFIG_MAP is assumed";
        out.push_back(cluster_finding(
            context,
            fmt::format("{} is in system:masters without any aws-auth entry ({}); only moving to access "
                        "entries (API_AND_CONFIG_MAP, then deleting the creator's entry) removes it",
                        creator_text(context), why)));
        return;
    }
    if (source.cluster && source.cluster->bootstrap_creator_admin.value_or(false)) {
        out.push_back(cluster_finding(
            context,
            fmt::format("bootstrapClusterCreatorAdminPermissions is true: {} got an access entry with "
                        "AmazonEKSClusterAdminPolicy when the cluster was created; delete that entry "
                        "once other administrators have access",
                        creator_text(context))));
    }
}

}  // namespace

extern const Rule creator_admin{kInfo, &check};

}  // namespace rbacgraph::rules
