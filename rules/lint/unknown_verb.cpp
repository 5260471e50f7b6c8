#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "rbacgraph/api_catalog.hpp"
#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG301", "unknown-verb", "lint", RiskSeverity::kLow,
    "A rule names a verb no API server produces (describe, exec, GET), so it grants nothing"};

// Which verbs are known is is_known_verb's to say (api_catalog.hpp), as for every command's requests.
std::string advice(std::string_view verb) {
    std::string lower = ascii_lower(verb);
    if (lower != verb && is_known_verb(lower, VerbUse::kEither)) {
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
    const std::vector<std::string> near = nearest_words(verb, plain_verbs(VerbUse::kEither), 1);
    if (!near.empty()) {
        return fmt::format(
            "'{}' is not a verb the API server produces, so it matches nothing; did you mean '{}'?", verb,
            near.front());
    }
    return fmt::format("'{}' is not a verb the API server produces, so it matches nothing", verb);
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    // A verb a later release brings matches nothing on a cluster known to be older (verb_origin); on an
    // unknown version nothing is said.
    const std::optional<KubernetesVersion> version = context.graph().kubernetes_version();
    const auto too_new = [&](std::string_view verb) -> std::optional<std::string> {
        const std::optional<VerbOrigin> origin = verb_origin(verb);
        const KubernetesVersion since{origin ? origin->major : 1, origin ? origin->minor : 0};
        if (!version || !origin || *version >= since) {
            return std::nullopt;
        }
        return fmt::format(
            "'{}' is authorized from Kubernetes {} ({}); on this cluster's {} no request carries it yet, so "
            "it "
            "grants nothing until an upgrade",
            verb, since.display(), origin->source, version->display());
    };
    for (const Role& role : context.source().roles) {
        for (std::size_t i = 0; i < role.rules.size(); ++i) {
            const PolicyRule& rule = role.rules[i];
            const bool urls_only = rule.resources.empty() && !rule.non_resource_urls.empty();
            const VerbUse use = urls_only                        ? VerbUse::kNonResource
                                : rule.non_resource_urls.empty() ? VerbUse::kResource
                                                                 : VerbUse::kEither;
            for (const std::string& verb : rule.verbs) {
                const bool ok = is_known_verb(verb, use);
                const std::optional<std::string> later = ok ? too_new(verb) : std::nullopt;
                if (ok && !later) {
                    continue;
                }
                Finding finding;
                finding.object = {role.cluster_scoped ? "ClusterRole" : "Role", role.ns, role.name};
                finding.location = rule.location;
                finding.key = fmt::format("{}:{}", i, verb);
                finding.annotations = {&role.annotations};
                finding.builtin = context.is_builtin_role(role);
                finding.message = role.display() + ": " + (later ? *later : advice(verb));
                out.push_back(std::move(finding));
            }
        }
    }
}

}  // namespace

extern const Rule unknown_verb{kInfo, &check};

}  // namespace rbacgraph::rules
