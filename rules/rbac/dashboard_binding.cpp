#include <algorithm>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG229", "dashboard-binding", "rbac", RiskSeverity::kLow,
    "Grants permissions to a Kubernetes dashboard ServiceAccount, a web UI that acts with "
    "them"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& bindings = context.graph().bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const BindingNode& node = bindings[b];
        const auto& subjects = node.binding->subjects;
        const auto found = std::find_if(subjects.begin(), subjects.end(), [](const Subject& subject) {
            return subject.kind == "ServiceAccount" && subject.name.find("dashboard") != std::string::npos;
        });
        const auto rule =
            found == subjects.end() ? std::nullopt : context.first_rule_beyond_discovery(node.role);
        if (!rule) {
            continue;
        }
        const PolicyRule& granted = context.graph().roles()[static_cast<std::size_t>(node.role)].rules[*rule];
        Probe shown;
        shown.label = describe_rule(granted) + " on behalf of whoever reaches the dashboard";
        shown.cluster_scoped = true;
        Capability capability;
        capability.index = b;
        capability.probe = &shown;
        capability.rule = *rule;
        capability.cluster_wide = node.binding->cluster_scoped;
        Finding finding = context.finding_for(capability, shown.label);
        finding.subjects = {found->display()};
        finding.message = found->display() + finding.message.substr(finding.message.find(" can "));
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule dashboard_binding{kInfo, &check};

}  // namespace rbacgraph::rules
