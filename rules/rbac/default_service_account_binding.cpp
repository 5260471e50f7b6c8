#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG228", "default-service-account-binding", "rbac", RiskSeverity::kMedium,
    "Grants permissions to a namespace's default ServiceAccount, which every pod without "
    "serviceAccountName runs as"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& bindings = context.graph().bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const Binding& binding = *bindings[b].binding;
        const auto found =
            std::find_if(binding.subjects.begin(), binding.subjects.end(), [&](const Subject& subject) {
                return subject.kind == "ServiceAccount" && subject.name == "default" &&
                       !(subject.ns.empty() && binding.cluster_scoped);
            });
        if (found == binding.subjects.end()) {
            continue;
        }
        const std::string ns = found->ns.empty() ? binding.ns : found->ns;
        if (auto finding = context.beyond_discovery_finding(
                b, "ServiceAccount " + ns + "/default",
                " as any pod of namespace " + ns + " that names no ServiceAccount")) {
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace

extern const Rule default_service_account_binding{kInfo, &check};

}  // namespace rbacgraph::rules
