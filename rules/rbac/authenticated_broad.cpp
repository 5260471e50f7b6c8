#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG204", "authenticated-broad", "rbac", RiskSeverity::kHigh,
                         "Grants more than API discovery to system:authenticated (in EKS: every mapped ARN)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& bindings = context.graph().bindings();
    for (std::size_t b = 0; b < bindings.size(); ++b) {
        const auto& subjects = bindings[b].binding->subjects;
        const bool everyone = std::any_of(subjects.begin(), subjects.end(), [](const Subject& subject) {
            return subject.kind == "Group" && subject.name == "system:authenticated";
        });
        auto finding = everyone ? context.beyond_discovery_finding(
                                      b, "every authenticated identity (Group system:authenticated)")
                                : std::nullopt;
        if (finding) {
            if (!bindings[b].binding->cluster_scoped) {
                finding->severity = lower(kInfo.severity);
            }
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace

extern const Rule authenticated_broad{kInfo, &check};

}  // namespace rbacgraph::rules
