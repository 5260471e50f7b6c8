// Who drives an EKS capability, and what that is worth (eks-iam.md 9.5): one judgement for the
// capability-drivers rule and for the takeover list.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <tuple>

#include "rbacgraph/check.hpp"

namespace rbacgraph {

namespace {

// The namespaces of the export an IAMRoleSelector selects (names ANDed with labels), and how to say it.
std::pair<std::vector<std::string>, std::string> selected_namespaces(const Export& source,
                                                                     const AckRoleSelector& selector) {
    std::vector<std::string> out;
    std::string text;
    if (!selector.namespace_names.empty()) {
        text = "namespaces " + fmt::format("{}", fmt::join(selector.namespace_names, ", "));
    }
    if (selector.namespace_labels) {
        std::vector<std::string> labels;
        for (const auto& [key, value] : selector.namespace_labels->match_labels) {
            labels.push_back(fmt::format("{}={}", key, value));
        }
        if (!selector.namespace_labels->match_expressions.empty()) {
            labels.emplace_back("matchExpressions");
        }
        text += (text.empty() ? "namespaces labelled " : " when labelled ") +
                fmt::format("{}", fmt::join(labels, ", "));
    }
    for (const Namespace& ns : source.namespaces) {
        const bool named = selector.namespace_names.empty() ||
                           std::find(selector.namespace_names.begin(), selector.namespace_names.end(),
                                     ns.name) != selector.namespace_names.end();
        if (named && (!selector.namespace_labels || selector.namespace_labels->matches(ns.labels))) {
            out.push_back(ns.name);
        }
    }
    // A listed namespace the export does not hold: its labels are unknown, so it may be selected.
    for (const std::string& name : selector.namespace_names) {
        if (std::none_of(source.namespaces.begin(), source.namespaces.end(),
                         [&](const Namespace& ns) { return ns.name == name; })) {
            out.push_back(name);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return {out, text};
}

// Whether two resourceTypeSelectors can select one resource: an empty list selects every type, "<group>"
// every kind of the group, "<group>/<Kind>" one kind.
bool types_overlap(const AckRoleSelector& a, const AckRoleSelector& b) {
    if (a.resource_types.empty() || b.resource_types.empty()) {
        return true;
    }
    const auto covers = [](const std::string& wide, const std::string& narrow) {
        return wide == narrow || (wide.find('/') == std::string::npos && narrow.starts_with(wide + "/"));
    };
    for (const std::string& x : a.resource_types) {
        for (const std::string& y : b.resource_types) {
            if (covers(x, y) || covers(y, x)) {
                return true;
            }
        }
    }
    return false;
}

// The other selectors of the input that select some namespace and type this one selects: ACK reconciles a
// resource two selectors match with neither role (the IAMRoleSelector design, "Multi-Role Support via IAM
// Role Selector": a conflict, the resource is not reconciled). "" when none.
std::string selector_conflicts(const Export& source, const AckRoleSelector& selector,
                               const std::vector<std::string>& namespaces) {
    std::vector<std::string> parts;
    for (const AckRoleSelector& other : source.ack_role_selectors) {
        if (&other == &selector || !types_overlap(selector, other)) {
            continue;
        }
        std::vector<std::string> shared;
        if (other.every_namespace) {
            shared = namespaces;
        } else {
            std::vector<std::string> theirs = selected_namespaces(source, other).first;
            if (selector.every_namespace) {
                shared = std::move(theirs);
            } else {
                std::set_intersection(namespaces.begin(), namespaces.end(), theirs.begin(), theirs.end(),
                                      std::back_inserter(shared));
            }
        }
        if (selector.every_namespace && other.every_namespace) {
            parts.push_back(fmt::format("{} (every namespace)", other.name));
        } else if (!shared.empty()) {
            parts.push_back(fmt::format("{} (in {})", other.name, fmt::join(shared, ", ")));
        }
    }
    if (parts.empty()) {
        return {};
    }
    return fmt::format(
        "; selector{} {} also match{}: where two selectors match a resource ACK reconciles it with neither "
        "role "
        "(a conflict), until one of them is deleted or changed",
        parts.size() > 1 ? "s" : "", fmt::join(parts, ", "), parts.size() > 1 ? "" : "es");
}

// eks-iam.md 9.5 (ACK-create): "Anyone with permission to create Kubernetes resources in your cluster can
// effectively create AWS resources through ACK". ACK's groups are "<service>.services.k8s.aws", one per
// controller: any resource of any of them.
Probe create_ack_resources() {
    Probe probe;
    probe.request.verb = "create";
    probe.request.api_group = "services.k8s.aws";
    probe.group_suffix = true;
    probe.any_resource = true;
    probe.label = "create ACK resources";
    return probe;
}

}  // namespace

SelectorDrive CheckContext::ack_selector_drive(const AckRoleSelector& selector) const {
    SelectorDrive out;
    bool admin = false;
    std::tie(admin, out.power) = iam_role_power(selector.role_arn);
    out.severity = admin ? RiskSeverity::kHigh : RiskSeverity::kMedium;
    // ACK assumes the selected role with the capability role's credentials (sts:AssumeRole and
    // sts:TagSession, UG ack-permissions.adoc): both asked of the IAM dumps when both roles are in the input.
    out.trust = "if the ACK role may assume it (sts:AssumeRole and sts:TagSession)";
    const IamIndex* index = iam();
    const std::optional<std::size_t> selected =
        index == nullptr ? std::nullopt : index->find(selector.role_arn);
    for (const EksCapability& capability : graph_->source().capabilities) {
        if (capability.type != "ACK" || !capability.role_arn || !selected) {
            continue;
        }
        const IamCaller ack_role = index->caller(*capability.role_arn);
        const std::optional<AssumeStep> step = index->can_assume(ack_role, *selected);
        // ACK tags the session it opens with the selected role, so the role's trust (and, where the assume
        // needs them, the capability role's own policies) must allow sts:TagSession as well (UG
        // ack-permissions.adoc; IAM user guide id_session-tags, "Permissions required to add session tags").
        const std::optional<AssumeStep> tag =
            step ? index->can_tag_session(ack_role, *selected) : std::nullopt;
        const auto refused = [](const std::optional<AssumeStep>& hop) {
            return !hop || hop->effect == IamEffect::kDeny || hop->effect == IamEffect::kImplicitDeny;
        };
        if (refused(step) || refused(tag)) {
            out.trust = fmt::format(
                "but ACK capability {}'s role {}, so the selector only makes ACK fail there "
                "for now",
                capability.name,
                refused(step) ? "may not assume it (sts:AssumeRole)"
                              : "may assume it but not tag the session (sts:TagSession, "
                                "which ACK needs)");
            out.severity = RiskSeverity::kLow;
        } else {
            const bool conditional =
                step->effect == IamEffect::kConditional || tag->effect == IamEffect::kConditional;
            out.trust = fmt::format("which ACK capability {}'s role may assume with a tagged session ({})",
                                    capability.name,
                                    conditional ? "if a condition, or its own policies where they are not in "
                                                  "the input, allow it"
                                                : "allowed");
        }
        break;
    }
    const Probe create_ack = create_ack_resources();
    if (selector.namespace_labels) {
        out.labellers = probes({"update", "patch"}, {"namespaces"}, true);
    }
    if (selector.every_namespace) {
        out.scope = "every namespace";
        out.creators.push_back(create_ack);
        out.conflicts = selector_conflicts(graph_->source(), selector, {});
        return out;
    }
    auto [namespaces, text] = selected_namespaces(graph_->source(), selector);
    out.conflicts = selector_conflicts(graph_->source(), selector, namespaces);
    // Which namespaces labels select is the input's to say; names alone say it themselves.
    out.scope = !selector.namespace_labels ? text
                : namespaces.empty()       ? text + " (none in the input)"
                                     : fmt::format("{} ({} in the input)", text, fmt::join(namespaces, ", "));
    for (const std::string& ns : namespaces) {
        out.creators.push_back(create_ack.in(ns));
    }
    return out;
}

std::pair<bool, std::string> CheckContext::iam_role_power(const std::string& role_arn) const {
    const IamIndex* index = iam();
    const std::optional<std::size_t> role = index == nullptr ? std::nullopt : index->find(role_arn);
    if (!role) {
        return {false, "its permissions are not in the IAM dumps"};
    }
    const bool admin = index->administrator(*role);
    return {admin, admin ? "it may call every AWS action (AdministratorAccess)"
                         : "it holds what its IAM policies allow"};
}

CapabilityDrive CheckContext::capability_drive(const EksCapability& capability) const {
    CapabilityDrive out;
    out.role_arn = capability.role_arn.value_or("");
    bool admin = false;
    if (out.role_arn.empty()) {
        out.power = "list-capabilities does not name its role: run aws eks describe-capability";
    } else {
        std::tie(admin, out.power) = iam_role_power(out.role_arn);
        out.mapped = resolve_arn(*graph_, out.role_arn);
    }
    out.severity = admin ? RiskSeverity::kHigh : RiskSeverity::kMedium;
    if (capability.type == "ACK") {
        // In any namespace.
        out.probes = {create_ack_resources()};
        // eks-iam.md 12 (E9): writers of IAMRoleSelectors (group services.k8s.aws itself, which the suffix
        // above does not match) choose which role, among those the capability role may assume, ACK uses for
        // which namespace.
        for (const std::string_view verb : {"create", "update", "patch"}) {
            out.probes.push_back(probe(verb, "iamroleselectors.services.k8s.aws", true));
        }
        out.writes = "create ACK resources (groups *.services.k8s.aws) or write IAMRoleSelectors";
    } else if (capability.type == "KRO") {
        // eks-iam.md 9.5 (CAPSEC): kro runs as assumed-role/ROLE/KRO; whoever creates
        // ResourceGraphDefinitions has kro create what they describe, with kro's Kubernetes rights.
        out.probes = {probe("create", "resourcegraphdefinitions.kro.run", true)};
        out.writes = "create ResourceGraphDefinitions";
        if (out.mapped.authenticated) {
            out.severity = RiskSeverity::kHigh;
        }
    } else if (capability.type == "ARGOCD") {
        // eks-iam.md 7 row 18 (BOTO ArgoCdRoleMapping, REG): whoever writes Applications in its namespace
        // drives deployments.
        // eks-iam.md 12 (E11): the capability serves ApplicationSets too, which create Applications under any
        // Project (Argo CD: "only admins may create, update, or delete ApplicationSets").
        for (const std::string_view resource : {"applications.argoproj.io", "applicationsets.argoproj.io"}) {
            for (const std::string_view verb : {"create", "update", "patch"}) {
                out.probes.push_back(probe(verb, resource).in(capability.argocd_namespace));
            }
        }
        out.writes = "write Applications or ApplicationSets in namespace " + capability.argocd_namespace;
    } else {
        out.severity = RiskSeverity::kMedium;
    }
    return out;
}

}  // namespace rbacgraph
