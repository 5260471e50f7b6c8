// Answers over an estate: what-can, can-i and who-can for an ARN in every cluster, through the roles it
// reaches.
#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/estate.hpp"

namespace rbacgraph {

namespace {

// The hops of a question: an ARN and the roles it reaches, or a Kubernetes user alone.
std::vector<IamHop> hops_of(const Estate& estate, const Asker& asker) {
    return asker.kubernetes_user() ? std::vector<IamHop>{IamHop{}} : iam_hops(estate, asker.arn);
}

Identity identity_of(const Graph& graph, const Asker& asker, const IamHop& hop) {
    if (asker.oidc) {
        return oidc_identity(graph, *asker.oidc);
    }
    return asker.kubernetes_user() ? kubernetes_identity(asker.user, asker.groups)
                                   : resolve_arn(graph, hop.arn);
}

}  // namespace

namespace {

// eks-iam.md 7 row 15: the pods of a ServiceAccount hold its IAM roles; say what each role is in every
// cluster and, with IAM dumps, in AWS.
void add_aws_roles(const Estate& estate, const Asker& asker, EstateWhatCan& out) {
    const auto account = asker.kubernetes_user() ? split_service_account_username(asker.user) : std::nullopt;
    if (!account) {
        return;
    }
    const IamIndex* iam = estate.has_iam() ? &estate.iam() : nullptr;
    for (const Cluster& cluster : estate.clusters()) {
        for (WorkloadRole& edge : workload_roles(*cluster.graph, iam)) {
            if (edge.ns != account->first || edge.service_account != account->second) {
                continue;
            }
            EstateWhatCan::AwsRole role;
            role.cluster = &cluster;
            if (!edge.role_arn.empty()) {
                for (const Cluster& target : estate.clusters()) {
                    Identity identity = resolve_arn(*target.graph, edge.role_arn);
                    if (!identity.authenticated) {
                        continue;
                    }
                    const bool admin = Authorizer(*target.graph, identity).cluster_admin();
                    role.mapped.push_back({&target, std::move(identity), admin});
                }
                const std::optional<std::size_t> found =
                    iam == nullptr ? std::nullopt : iam->find(edge.role_arn);
                if (!found) {
                    role.aws = "its IAM policies are not in the IAM dumps";
                } else {
                    role.aws = iam->administrator(*found)
                                   ? "it may call every AWS action (AdministratorAccess)"
                                   : "it holds what its IAM policies allow";
                }
            }
            role.edge = std::move(edge);
            out.aws_roles.push_back(std::move(role));
        }
    }
}

}  // namespace

EstateWhatCan what_can_estate(const Estate& estate, std::string_view arn) {
    return what_can_estate(estate, Asker{.arn = std::string(arn)});
}

EstateWhatCan what_can_estate(const Estate& estate, const Asker& asker) {
    EstateWhatCan out;
    out.asker = asker;
    out.arn = asker.arn;
    out.hops = hops_of(estate, asker);
    for (const Cluster& cluster : estate.clusters()) {
        std::vector<Identity> identities;
        identities.reserve(out.hops.size());
        for (const IamHop& hop : out.hops) {
            identities.push_back(identity_of(*cluster.graph, asker, hop));
        }
        std::vector<WhatCan> results = what_can_each(*cluster.graph, identities);
        for (std::size_t i = 0; i < results.size(); ++i) {
            out.answers.push_back({&cluster, i, std::move(results[i])});
        }
    }
    add_aws_roles(estate, asker, out);
    return out;
}

bool EstateCanI::allowed_anywhere() const {
    return std::any_of(answers.begin(), answers.end(),
                       [](const Answer& answer) { return answer.decision.allowed() && !answer.conditional; });
}

Verdict EstateCanI::Answer::verdict() const {
    // A route that hinges on a condition (MFA, source IP) is not a yes offline, and not a no either.
    if (decision.allowed() && conditional) {
        return Verdict::kUndetermined;
    }
    return decision.verdict;
}

Verdict EstateCanI::verdict() const {
    if (allowed_anywhere()) {
        return Verdict::kAllowed;
    }
    const bool open = std::any_of(answers.begin(), answers.end(), [](const Answer& answer) {
        return answer.verdict() == Verdict::kUndetermined;
    });
    return open ? Verdict::kUndetermined : Verdict::kDenied;
}

EstateCanI can_i_estate(const Estate& estate, std::string_view arn, const Request& request, bool all_grants) {
    return can_i_estate(estate, Asker{.arn = std::string(arn)}, request, all_grants);
}

EstateCanI can_i_estate(const Estate& estate, const Asker& asker, const Request& request, bool all_grants) {
    EstateCanI out;
    out.asker = asker;
    out.arn = asker.arn;
    out.hops = hops_of(estate, asker);
    // Sure routes first, so that a conditional route answers only when no sure one does.
    std::vector<std::size_t> order(out.hops.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_partition(order.begin(), order.end(),
                          [&](std::size_t i) { return !out.hops[i].route.conditional; });
    for (const Cluster& cluster : estate.clusters()) {
        std::optional<EstateCanI::Answer> allowed;
        std::optional<EstateCanI::Answer> undetermined;
        std::optional<EstateCanI::Answer> itself;
        for (const std::size_t hop : order) {
            const Authorizer authorizer(*cluster.graph, identity_of(*cluster.graph, asker, out.hops[hop]));
            Decision decision = authorizer.authorize(request, all_grants);
            EstateCanI::Answer answer{&cluster, hop, authorizer.identity(), std::move(decision),
                                      out.hops[hop].route.conditional};
            if (answer.decision.allowed()) {
                allowed = std::move(answer);
                break;
            }
            // A hop the input cannot decide answers before a plain no: it is not a "no".
            if (answer.decision.verdict == Verdict::kUndetermined && !undetermined) {
                undetermined = std::move(answer);
            } else if (hop == 0) {
                answer.conditional = false;
                itself = std::move(answer);
            }
        }
        out.answers.push_back(allowed        ? std::move(*allowed)
                              : undetermined ? std::move(*undetermined)
                                             : std::move(*itself));
    }
    return out;
}

EstateCanI can_i_estate(const Estate& estate, const Asker& asker, const ResolvedRequest& request,
                        bool all_grants) {
    EstateCanI out = can_i_estate(estate, asker, request.request, all_grants);
    for (EstateCanI::Answer& answer : out.answers) {
        apply_request_doubts(answer.decision, request.doubts);
    }
    return out;
}

ApiCatalog catalog_of(const Estate& estate) {
    ApiCatalog catalog = ApiCatalog::builtin();
    for (const Cluster& cluster : estate.clusters()) {
        add_declared(catalog, cluster.graph->source());
    }
    return catalog;
}

EstateWhoCan who_can_estate(const Estate& estate, const ReachIndex& reach, const Request& request) {
    EstateWhoCan out;
    for (const Cluster& cluster : estate.clusters()) {
        EstateWhoCan::Answer answer{&cluster, who_can(*cluster.graph, request), {}};
        for (const WhoCanPrincipal& principal : answer.result.principals) {
            std::vector<const Reacher*> reachers;
            for (const Reacher& reacher : reach.reachers(principal.identity.canonical_arn)) {
                reachers.push_back(&reacher);
            }
            answer.reachers.push_back(std::move(reachers));
        }
        out.answers.push_back(std::move(answer));
    }
    return out;
}

}  // namespace rbacgraph
