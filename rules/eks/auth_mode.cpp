#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG112", "auth-mode", "eks", RiskSeverity::kInfo,
                         "The cluster authenticates through aws-auth only (CONFIG_MAP mode), without access "
                         "entries"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& cluster = context.source().cluster;
    if (!cluster) {
        return;
    }
    const AuthenticationMode mode = cluster->mode;
    if (mode != AuthenticationMode::kConfigMap && mode != AuthenticationMode::kUnknown) {
        return;
    }
    Finding finding;
    finding.object = {"Cluster", "", cluster->name};
    finding.location = cluster->location;
    finding.message = std::string(mode == AuthenticationMode::kConfigMap
                                      ? "authenticationMode is CONFIG_MAP"
                                      : "describe-cluster shows no authenticationMode, so "
                                        "CONFIG_MAP is assumed") +
                      ": access is granted only by the aws-auth ConfigMap, which anyone able to edit it can "
                      "rewrite, and the "
                      "cluster creator's admin is invisible; move to API_AND_CONFIG_MAP and access entries";
    out.push_back(std::move(finding));
}

}  // namespace

extern const Rule auth_mode{kInfo, &check};

}  // namespace rbacgraph::rules
