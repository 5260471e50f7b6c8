#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG230", "rbac-sprawl", "rbac", RiskSeverity::kInfo,
    "A subject bound to more than 10 distinct roles: its effective access is hard to review"};

constexpr std::size_t kMaxRoles = 10;

void check(const CheckContext& context, std::vector<Finding>& out) {
    struct Seen {
        std::unordered_set<std::string> roles;
        const Binding* first = nullptr;
        Subject subject;
    };
    std::unordered_map<std::string, Seen> by_subject;
    const Graph& graph = context.graph();
    // The grant table's holders: subjects that can match somebody, as they match.
    for (const GrantRow& row : graph.rows()) {
        if (row.source != GrantSource::kBinding) {
            continue;
        }
        const Binding& binding = *graph.bindings()[row.source_index].binding;
        Subject subject = row_subject(graph, row);
        Seen& seen = by_subject[subject.display()];
        if (seen.first == nullptr) {
            seen.first = &binding;
            seen.subject = std::move(subject);
        }
        seen.roles.insert(fmt::format("{}/{}/{}", binding.role_ref.kind,
                                      binding.role_ref.kind == "Role" ? binding.ns : "",
                                      binding.role_ref.name));
    }
    std::vector<const std::pair<const std::string, Seen>*> sprawling;
    for (const auto& entry : by_subject) {
        if (entry.second.roles.size() > kMaxRoles) {
            sprawling.push_back(&entry);
        }
    }
    std::sort(sprawling.begin(), sprawling.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* entry : sprawling) {
        const auto& [display, seen] = *entry;
        Finding finding;
        finding.object = {seen.subject.kind, seen.subject.ns, seen.subject.name};
        finding.location = seen.first->location;
        finding.subjects = {display};
        finding.annotations = {&seen.first->annotations};
        finding.builtin = context.is_builtin_binding(*seen.first);
        const std::string as =
            seen.subject.kind == "Group" ? "--group " + seen.subject.name
            : seen.subject.kind == "ServiceAccount"
                ? fmt::format("--user system:serviceaccount:{}:{}", seen.subject.ns, seen.subject.name)
                : "--user " + seen.subject.name;
        finding.message = fmt::format(
            "{} is bound to {} distinct roles (first binding: {}); review its effective "
            "access with `rbacgraph what-can {}`",
            display, seen.roles.size(), seen.first->display(), as);
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule rbac_sprawl{kInfo, &check};

}  // namespace rbacgraph::rules
