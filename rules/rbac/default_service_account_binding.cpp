#include <algorithm>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG228", "default-service-account-binding", "rbac", RiskSeverity::kMedium,
    "Grants permissions to a namespace's default ServiceAccount, which every pod without "
    "serviceAccountName runs as"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& bindings = context.graph().bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const BindingNode& node = bindings[b];
        const auto& subjects = node.binding->subjects;
        const auto found = std::find_if(subjects.begin(), subjects.end(), [&](const Subject& subject) {
            return subject.kind == "ServiceAccount" && subject.name == "default" &&
                   !(subject.ns.empty() && node.binding->cluster_scoped);
        });
        const auto rule =
            found == subjects.end() ? std::nullopt : context.first_rule_beyond_discovery(node.role);
        if (!rule) {
            continue;
        }
        const std::string ns = found->ns.empty() ? node.binding->ns : found->ns;
        const PolicyRule& granted = context.graph().roles()[static_cast<std::size_t>(node.role)].rules[*rule];
        Probe shown;
        shown.label =
            describe_rule(granted) + " as any pod of namespace " + ns + " that names no ServiceAccount";
        shown.cluster_scoped = true;
        Capability capability;
        capability.index = b;
        capability.probe = &shown;
        capability.rule = *rule;
        capability.cluster_wide = node.binding->cluster_scoped;
        Finding finding = context.finding_for(capability, shown.label);
        finding.subjects = {"ServiceAccount " + ns + "/default"};
        finding.message =
            "ServiceAccount " + ns + "/default" + finding.message.substr(finding.message.find(" can "));
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule default_service_account_binding{kInfo, &check};

}  // namespace rbacgraph::rules
