#include <algorithm>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG204", "authenticated-broad", "rbac", RiskSeverity::kHigh,
                         "Grants more than API discovery to system:authenticated (in EKS: every mapped ARN)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& bindings = context.graph().bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const BindingNode& node = bindings[b];
        const auto& subjects = node.binding->subjects;
        const bool everyone = std::any_of(subjects.begin(), subjects.end(), [](const Subject& subject) {
            return subject.kind == "Group" && subject.name == "system:authenticated";
        });
        const auto rule = everyone ? context.first_rule_beyond_discovery(node.role) : std::nullopt;
        if (!rule) {
            continue;
        }
        const PolicyRule& granted = context.graph().roles()[static_cast<std::size_t>(node.role)].rules[*rule];
        Probe shown;
        shown.label = "use " + describe_rule(granted);
        shown.cluster_scoped = true;
        Capability capability;
        capability.index = b;
        capability.probe = &shown;
        capability.rule = *rule;
        capability.cluster_wide = node.binding->cluster_scoped;
        Finding finding = context.finding_for(capability, shown.label);
        finding.subjects = {"Group system:authenticated"};
        finding.message = "every authenticated identity (Group system:authenticated)" +
                          finding.message.substr(finding.message.find(" can "));
        if (!node.binding->cluster_scoped) {
            finding.severity = lower(kInfo.severity);
        }
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule authenticated_broad{kInfo, &check};

}  // namespace rbacgraph::rules
