#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG301", "unknown-verb", "lint", RiskSeverity::kLow,
    "A rule names a verb no API server produces (describe, exec, GET), so it grants nothing"};

// Verbs the API server derives for resource requests (requestinfo.go), plus the special verbs the
// authorizers check (escalate, bind, impersonate, approve, sign, use, attest).
constexpr std::array<std::string_view, 17> kResourceVerbs = {
    "get",   "list",     "watch", "create",      "update",  "patch", "delete", "deletecollection",
    "proxy", "escalate", "bind",  "impersonate", "approve", "sign",  "use",    "attest",
    "*"};
// Non-resource requests use the lower-cased HTTP method.
constexpr std::array<std::string_view, 8> kUrlVerbs = {"get",    "post", "put",     "patch",
                                                       "delete", "head", "options", "*"};

template <std::size_t N>
bool known(const std::array<std::string_view, N>& verbs, std::string_view verb) {
    return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

std::string advice(std::string_view verb) {
    std::string lower = ascii_lower(verb);
    if (lower != verb && (known(kResourceVerbs, lower) || known(kUrlVerbs, lower))) {
        return fmt::format(
            "verbs are case-sensitive and always lower-case, so '{}' matches nothing; write '{}'", verb,
            lower);
    }
    if (verb == "describe") {
        return "kubectl describe sends get and list; 'describe' matches nothing";
    }
    if (verb == "exec") {
        return "exec is create (and get, over WebSocket) on pods/exec; 'exec' matches nothing";
    }
    return fmt::format("'{}' is not a verb the API server produces, so it matches nothing", verb);
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    for (const Role& role : context.source().roles) {
        for (std::size_t i = 0; i < role.rules.size(); ++i) {
            const PolicyRule& rule = role.rules[i];
            const bool urls_only = rule.resources.empty() && !rule.non_resource_urls.empty();
            for (const std::string& verb : rule.verbs) {
                const bool ok = urls_only ? known(kUrlVerbs, verb)
                                          : known(kResourceVerbs, verb) ||
                                                (!rule.non_resource_urls.empty() && known(kUrlVerbs, verb));
                if (ok) {
                    continue;
                }
                Finding finding;
                finding.object = {role.cluster_scoped ? "ClusterRole" : "Role", role.ns, role.name};
                finding.location = rule.location;
                finding.key = fmt::format("{}:{}", i, verb);
                finding.annotations = {&role.annotations};
                finding.builtin = context.is_builtin_role(role);
                finding.message = role.display() + ": " + advice(verb);
                out.push_back(std::move(finding));
            }
        }
    }
}

}  // namespace

extern const Rule unknown_verb{kInfo, &check};

}  // namespace rbacgraph::rules
