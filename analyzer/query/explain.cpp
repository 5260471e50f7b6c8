// Explanations: the chain from an ARN to the rule that allows a request, and the words every answer uses for
// grants, rules and witnesses.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

std::string join_groups(const std::vector<IdentityValue>& groups) {
    std::string text;
    for (const IdentityValue& group : groups) {
        text += (text.empty() ? "" : ", ") + group.display();
    }
    return text.empty() ? "(none)" : text;
}

std::string flow_list(const std::vector<std::string>& items) {
    std::string text = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        text += (i > 0 ? ", " : "") + (items[i].empty() ? std::string("\"\"") : items[i]);
    }
    return text + "]";
}

std::string subject_text(const Graph& graph, const GrantMatch& grant) {
    std::string text = graph.grants().grant(*grant.grant).holder_display();
    if (!grant.witness.empty()) {
        text += " (reached with " + describe_witness(grant.witness) + ")";
    }
    if (!grant.undetermined.empty()) {
        text += " (undetermined: " + grant.undetermined + ")";
    }
    return text;
}

}  // namespace

std::string describe_witness(const std::string& witness) {
    // A mapAccounts identity matches through a principal's ARN; a templated one through a session name.
    return witness.starts_with("arn:") ? "as principal " + witness : "session name '" + witness + "'";
}

std::string describe_rule(const PolicyRule& rule) {
    std::vector<std::string> parts;
    if (!rule.api_groups.empty() || !rule.api_group_suffixes.empty() || !rule.resources.empty()) {
        std::vector<std::string> groups = rule.api_groups;
        for (const std::string& suffix : rule.api_group_suffixes) {
            groups.push_back("*" + suffix);
        }
        parts.push_back("apiGroups: " + flow_list(groups));
        parts.push_back("resources: " + flow_list(rule.resources));
    }
    if (!rule.resource_names.empty()) {
        parts.push_back("resourceNames: " + flow_list(rule.resource_names));
    }
    if (!rule.non_resource_urls.empty()) {
        parts.push_back("nonResourceURLs: " + flow_list(rule.non_resource_urls));
    }
    parts.push_back("verbs: " + flow_list(rule.verbs));
    return fmt::format("{{{}}}", fmt::join(parts, ", "));
}

const PolicyRule* granted_rule(const Graph& graph, const GrantMatch& grant) {
    if (!grant.grant || !grant.undetermined.empty()) {
        return nullptr;
    }
    return &(*graph.grants().grant(*grant.grant).rules)[grant.rule];
}

std::vector<std::string> undetermined_reasons(const Graph& graph, const Decision& decision) {
    std::vector<std::string> out = decision.reasons;
    for (const GrantMatch& grant : decision.undetermined) {
        std::string line = describe_grant(graph, grant) + ": " + grant.undetermined;
        if (std::find(out.begin(), out.end(), line) == out.end()) {
            out.push_back(std::move(line));
        }
    }
    return out;
}

std::string describe_grant(const Graph& graph, const GrantMatch& grant) {
    if (!grant.grant) {
        return "group system:masters (bypasses authorization)";
    }
    const Grant held = graph.grants().grant(*grant.grant);
    if (held.source == GrantSource::kAccessPolicy) {
        const AccessPolicyGrant& policy = *held.policy;
        const AccessScope& scope = policy.association->scope;
        return fmt::format("access policy {} ({})", policy.name(),
                           scope.cluster_wide
                               ? "cluster scope"
                               : fmt::format("namespaces {}", fmt::join(scope.namespaces, ", ")));
    }
    std::string text = describe_binding(graph, held.source_index);
    if (!grant.witness.empty()) {
        text += " (" + describe_witness(grant.witness) + ")";
    }
    return text;
}

std::vector<ChainStep> explain_identity(const Identity& identity) {
    std::vector<ChainStep> steps;
    if (identity.source == IdentitySource::kOidc) {
        if (!identity.authenticated) {
            steps.push_back({"mapping", "does not authenticate: " + identity.denial, {}});
            return steps;
        }
        steps.push_back({"mapping", identity.source_detail, identity.source_location});
    }
    if (identity.source == IdentitySource::kKubernetes || identity.source == IdentitySource::kOidc) {
        steps.push_back(
            {"identity",
             fmt::format("username {}, groups {}", identity.username.display(), join_groups(identity.groups)),
             {}});
        return steps;
    }
    std::string arn = identity.arn;
    if (!identity.canonical_arn.empty() && identity.canonical_arn != identity.arn) {
        arn += " (matched as " + identity.canonical_arn + ")";
    }
    steps.push_back({"arn", arn, {}});
    if (!identity.authenticated) {
        steps.push_back({"mapping", "does not authenticate: " + identity.denial, identity.source_location});
        return steps;
    }
    steps.push_back({"mapping", identity.source_detail, identity.source_location});
    steps.push_back(
        {"identity",
         fmt::format("username {}, groups {}", identity.username.display(), join_groups(identity.groups)),
         {}});
    return steps;
}

std::vector<ChainStep> explain_grant(const Graph& graph, const GrantMatch& grant) {
    std::vector<ChainStep> steps;
    if (!grant.grant) {
        steps.push_back(
            {"grant", "group system:masters is allowed every request before RBAC is consulted", {}});
        return steps;
    }
    const Grant held = graph.grants().grant(*grant.grant);
    const PolicyRule* rule = granted_rule(graph, grant);
    if (held.source == GrantSource::kAccessPolicy) {
        steps.push_back({"policy", describe_grant(graph, grant), held.location()});
        if (rule != nullptr) {
            steps.push_back({"rule", describe_rule(*rule), {}});
        }
        return steps;
    }
    steps.push_back({"binding",
                     fmt::format("{} (subject {})", held.binding->display(), subject_text(graph, grant)),
                     held.binding->location});
    steps.push_back({"role", held.role->display(), held.role->location});
    if (rule != nullptr) {
        steps.push_back({"rule", describe_rule(*rule), rule->location});
    }
    return steps;
}

}  // namespace rbacgraph
