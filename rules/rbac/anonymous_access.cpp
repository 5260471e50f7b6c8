#include <algorithm>

#include "rbacgraph/check.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG203", "anonymous-access", "rbac", RiskSeverity::kCritical,
                         "Grants more than API discovery to system:anonymous or system:unauthenticated"};

bool is_anonymous(const Subject& subject) {
    return (subject.kind == "User" && subject.name == "system:anonymous") ||
           (subject.kind == "Group" && subject.name == "system:unauthenticated");
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& bindings = context.graph().bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const BindingNode& node = bindings[b];
        const auto& subjects = node.binding->subjects;
        const auto anonymous = std::find_if(subjects.begin(), subjects.end(), is_anonymous);
        if (anonymous == subjects.end()) {
            continue;
        }
        const auto rule = context.first_rule_beyond_discovery(node.role);
        if (!rule) {
            continue;
        }
        const PolicyRule& granted = context.graph().roles()[static_cast<std::size_t>(node.role)].rules[*rule];
        Probe shown;
        shown.label = "use " + describe_rule(granted) + " without credentials";
        shown.cluster_scoped = true;
        Capability capability;
        capability.index = b;
        capability.probe = &shown;
        capability.rule = *rule;
        capability.cluster_wide = node.binding->cluster_scoped;
        Finding finding = context.finding_for(capability, shown.label);
        finding.subjects = {anonymous->display()};
        finding.message = "anyone who can reach the API server (" + anonymous->display() + ")" +
                          finding.message.substr(finding.message.find(" can "));
        if (!node.binding->cluster_scoped) {
            finding.severity = lower(kInfo.severity);
        }
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule anonymous_access{kInfo, &check};

}  // namespace rbacgraph::rules
