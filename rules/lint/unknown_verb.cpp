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

// Constrained impersonation (KEP-5284, k8s-rbac.md 8): the identity check impersonate:<mode> and the action
// check impersonate-on:<mode>:<verb>, compared as whole strings.
constexpr std::array<std::string_view, 4> kImpersonationModes = {"user-info", "serviceaccount",
                                                                 "arbitrary-node", "associated-node"};

template <std::size_t N>
bool known(const std::array<std::string_view, N>& verbs, std::string_view verb) {
    return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

bool constrained_identity_verb(std::string_view verb) {
    constexpr std::string_view kPrefix = "impersonate:";
    return verb.starts_with(kPrefix) && known(kImpersonationModes, verb.substr(kPrefix.size()));
}

// impersonate-on:<mode>:<verb> with a verb a request can carry ('*' is literal here and matches nothing).
bool constrained_action_verb(std::string_view verb, bool urls) {
    constexpr std::string_view kPrefix = "impersonate-on:";
    if (!verb.starts_with(kPrefix)) {
        return false;
    }
    verb.remove_prefix(kPrefix.size());
    const std::size_t colon = verb.find(':');
    if (colon == std::string_view::npos || !known(kImpersonationModes, verb.substr(0, colon))) {
        return false;
    }
    const std::string_view action = verb.substr(colon + 1);
    return action != "*" && (known(kResourceVerbs, action) || (urls && known(kUrlVerbs, action)));
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
    if (verb.starts_with("impersonate-on:") && verb.ends_with(":*")) {
        return fmt::format(
            "'{}' is compared as a whole string, so it matches no request; list each verb "
            "(impersonate-on:<mode>:get, "
            "...) or use '*'",
            verb);
    }
    if (verb.starts_with("impersonate:") || verb.starts_with("impersonate-on:")) {
        return fmt::format(
            "'{}' is not a constrained-impersonation verb: the modes are user-info, serviceaccount, "
            "arbitrary-node "
            "and associated-node (impersonate:<mode>, impersonate-on:<mode>:<verb>)",
            verb);
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
                const bool urls = !rule.non_resource_urls.empty();
                const bool ok = urls_only ? known(kUrlVerbs, verb) || constrained_action_verb(verb, true)
                                          : known(kResourceVerbs, verb) || (urls && known(kUrlVerbs, verb)) ||
                                                constrained_identity_verb(verb) ||
                                                constrained_action_verb(verb, urls);
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
