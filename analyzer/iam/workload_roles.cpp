// ServiceAccount -> IAM role edges: the IRSA annotation, an IRSA trust that admits a ServiceAccount of this
// cluster, and EKS Pod Identity associations (eks-iam.md 9.4, 9.7).
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "rbacgraph/estate.hpp"

namespace rbacgraph {
namespace {

constexpr std::string_view kRoleAnnotation = "eks.amazonaws.com/role-arn";

std::string service_account_subject(std::string_view ns, std::string_view name) {
    return fmt::format("system:serviceaccount:{}:{}", ns, name);
}

const IamRole* role_of(const IamIndex* iam, std::string_view arn) {
    if (iam == nullptr || arn.empty()) {
        return nullptr;
    }
    const std::optional<std::size_t> found = iam->find(arn);
    return found ? iam->principals()[*found].role : nullptr;
}

// IRSA: the trust must admit (issuer, sub). Without the issuer (no describe-cluster), any trust that admits
// the subject from some issuer is conditional on that issuer being this cluster's.
void evaluate_irsa(const Graph& graph, const IamRole& role, WorkloadRole& edge) {
    const std::string subject = service_account_subject(edge.ns, edge.service_account);
    const std::string issuer = graph.source().cluster ? graph.source().cluster->oidc_issuer : std::string();
    if (!issuer.empty()) {
        WorkloadTrustDecision decision = web_identity_trust(role, issuer, subject);
        edge.trust = decision.effect;
        edge.why = std::move(decision.why);
        return;
    }
    for (const WebIdentityTrust& trust : web_identity_trusts(role)) {
        const WorkloadTrustDecision decision = web_identity_trust(role, trust.issuer, subject);
        if (decision.effect == IamEffect::kAllow || decision.effect == IamEffect::kConditional) {
            edge.trust = IamEffect::kConditional;
            edge.why = fmt::format(
                "{}, if that is this cluster's issuer (unknown: include aws eks describe-cluster output)",
                decision.why);
            return;
        }
    }
    edge.trust = IamEffect::kImplicitDeny;
    edge.why = fmt::format("the trust of {} admits {} from no OIDC provider", role.arn, subject);
}

void evaluate_pod_identity(const IamIndex* iam, const PodIdentityAssociation& association,
                           WorkloadRole& edge) {
    const IamRole* first =
        role_of(iam, edge.association_role_arn.empty() ? edge.role_arn : edge.association_role_arn);
    if (edge.role_arn.empty()) {
        edge.why = !association.role_unknown.empty()
                       ? association.role_unknown
                       : "list-pod-identity-associations does not name the role: "
                         "run aws eks describe-pod-identity-association";
        return;
    }
    if (first == nullptr) {
        edge.why = "no IAM dump holds the role";
        return;
    }
    WorkloadTrustDecision decision = pod_identity_trust(*first);
    edge.trust = decision.effect;
    edge.why = std::move(decision.why);
    if (association.target_role_arn.empty() || !edge.may_grant()) {
        return;
    }
    // Role chaining: the association role then assumes the target role (its trust, its identity policies).
    const std::optional<std::size_t> target = iam->find(association.target_role_arn);
    const std::optional<std::size_t> assumer = iam->find(edge.association_role_arn);
    if (!target || !assumer || iam->principals()[*target].role == nullptr) {
        edge.trust = std::nullopt;
        edge.why += "; no IAM dump holds the target role, so the chained hop is not checked";
        return;
    }
    const std::optional<AssumeStep> step = iam->can_assume(iam->caller(*assumer), *target);
    if (!step) {
        edge.trust = IamEffect::kImplicitDeny;
        edge.why += fmt::format("; but {} cannot assume the target role {}", edge.association_role_arn,
                                association.target_role_arn);
        return;
    }
    if (step->effect == IamEffect::kConditional) {
        edge.trust = IamEffect::kConditional;
    }
    edge.why += fmt::format("; then {}", step->why);
}

}  // namespace

std::string_view WorkloadRole::via_text() const {
    switch (via) {
        case Via::kIrsaAnnotation:
            return "IRSA annotation";
        case Via::kIrsaTrust:
            return "IRSA trust";
        case Via::kPodIdentity:
            return "Pod Identity association";
    }
    return "";
}

std::string WorkloadRole::trust_text() const {
    if (!trust) {
        return "trust not checked: " + why;
    }
    if (*trust == IamEffect::kConditional) {
        return "conditional: " + why;
    }
    return why;
}

std::string WorkloadRole::subject() const {
    return fmt::format("ServiceAccount {}/{}", ns, service_account);
}

std::vector<WorkloadRole> workload_roles(const Graph& graph, const IamIndex* iam) {
    std::vector<WorkloadRole> out;
    std::set<std::tuple<std::string, std::string, std::string>> annotated;  // ns, name, lower-cased role
    for (const ServiceAccount& account : graph.source().service_accounts) {
        const auto role = account.annotations.find(std::string(kRoleAnnotation));
        if (role == account.annotations.end()) {
            continue;
        }
        WorkloadRole edge;
        edge.via = WorkloadRole::Via::kIrsaAnnotation;
        edge.ns = account.ns;
        edge.service_account = account.name;
        edge.role_arn = role->second;
        edge.location = account.location;
        edge.annotations = &account.annotations;
        if (const IamRole* known = role_of(iam, edge.role_arn)) {
            evaluate_irsa(graph, *known, edge);
        } else {
            edge.why = "no IAM dump holds the role";
        }
        annotated.insert({account.ns, account.name, ascii_lower(edge.role_arn)});
        out.push_back(std::move(edge));
    }
    // UG IRSA: the annotation only tells the webhook what to inject; a role whose trust admits the
    // ServiceAccount serves whoever runs a pod as it (or mints its token for sts.amazonaws.com) without one.
    const std::string issuer =
        graph.source().cluster ? issuer_host_path(graph.source().cluster->oidc_issuer) : "";
    if (iam != nullptr && !issuer.empty()) {
        for (const IamPrincipal& principal : iam->principals()) {
            if (principal.role == nullptr) {
                continue;
            }
            const std::vector<WebIdentityTrust> trusts = web_identity_trusts(*principal.role);
            if (std::none_of(trusts.begin(), trusts.end(), [&](const WebIdentityTrust& trust) {
                    return equal_fold(trust.issuer, issuer);
                })) {
                continue;
            }
            for (const ServiceAccount& account : graph.source().service_accounts) {
                if (annotated.contains({account.ns, account.name, ascii_lower(principal.arn)})) {
                    continue;
                }
                WorkloadTrustDecision decision = web_identity_trust(
                    *principal.role, issuer, service_account_subject(account.ns, account.name));
                if (decision.effect != IamEffect::kAllow && decision.effect != IamEffect::kConditional) {
                    continue;
                }
                WorkloadRole edge;
                edge.via = WorkloadRole::Via::kIrsaTrust;
                edge.ns = account.ns;
                edge.service_account = account.name;
                edge.role_arn = principal.arn;
                edge.trust = decision.effect;
                edge.why = std::move(decision.why);
                edge.location = account.location;
                edge.annotations = &account.annotations;
                out.push_back(std::move(edge));
            }
        }
    }
    for (const PodIdentityAssociation& association : graph.source().pod_identity_associations) {
        WorkloadRole edge;
        edge.via = WorkloadRole::Via::kPodIdentity;
        edge.ns = association.ns;
        edge.service_account = association.service_account;
        edge.location = association.location;
        if (association.role_arn) {
            edge.role_arn =
                association.target_role_arn.empty() ? *association.role_arn : association.target_role_arn;
            if (!association.target_role_arn.empty()) {
                edge.association_role_arn = *association.role_arn;
            }
        }
        evaluate_pod_identity(iam, association, edge);
        if (association.session_policy && edge.trust == IamEffect::kAllow) {
            edge.why += "; a session policy narrows the role (not evaluated)";
        }
        for (const ServiceAccount& account : graph.source().service_accounts) {
            if (account.ns == association.ns && account.name == association.service_account) {
                edge.annotations = &account.annotations;
            }
        }
        out.push_back(std::move(edge));
    }
    return out;
}

}  // namespace rbacgraph
