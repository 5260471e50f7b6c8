// Answers over several clusters and the IAM side (docs/estate.md): the single-cluster blocks, headed by the
// cluster and the route that reached the identity.
#include <fmt/format.h>

#include <sstream>

#include "rbacgraph/report.hpp"

namespace rbacgraph {
namespace {

using nlohmann::json;

std::string cluster_label(const Cluster& cluster) {
    return cluster.name.empty() ? std::string("the cluster") : "cluster " + cluster.name;
}

std::string hop_label(const Estate& estate, const std::string& start, const IamHop& hop) {
    if (hop.route.roles.empty()) {
        return hop.arn;
    }
    return fmt::format("{} (by sts:AssumeRole: {}{})", hop.arn, describe_route(estate, start, hop.route),
                       hop.route.conditional ? ", conditional" : "");
}

void write_routes_text(std::ostream& out, const Estate& estate, const std::string& start,
                       const std::vector<IamHop>& hops) {
    if (!estate.has_iam()) {
        return;
    }
    const auto known = estate.iam().find(start);
    out << start << '\n';
    out << "  in the IAM dumps  "
        << (known ? estate.iam().principals()[*known].display() + " (" +
                        format_location(estate.iam().principals()[*known].location) + ")"
                  : std::string("no (its own policies are unknown; only trust policies are read)"))
        << '\n';
    if (hops.size() == 1) {
        out << "  assumes no role of the IAM dumps\n\n";
        return;
    }
    out << "  reaches " << hops.size() - 1 << " role(s) by sts:AssumeRole:\n";
    for (std::size_t i = 1; i < hops.size(); ++i) {
        out << "    " << describe_route(estate, start, hops[i].route)
            << (hops[i].route.conditional ? "  [conditional]" : "") << '\n';
        for (const AssumeStep& step : estate.iam().explain(estate.iam().caller(start), hops[i].route)) {
            out << "      " << estate.iam().principals()[step.role].name << ": " << step.why;
            if (step.trust != nullptr) {
                out << " (" << format_location(step.trust->location) << ")";
            }
            out << '\n';
        }
    }
    out << '\n';
}

json route_json(const Estate& estate, const std::string& start, const IamRoute& route) {
    json steps = json::array();
    if (route.roles.empty()) {
        return {{"conditional", false}, {"steps", steps}};
    }
    for (const AssumeStep& step : estate.iam().explain(estate.iam().caller(start), route)) {
        const IamPrincipal& role = estate.iam().principals()[step.role];
        json item = {{"role", role.arn}, {"effect", to_string(step.effect)}, {"why", step.why}};
        if (step.trust != nullptr) {
            item["trustStatement"] = {{"file", step.trust->location.file.str()},
                                      {"line", step.trust->location.line}};
        }
        steps.push_back(std::move(item));
    }
    return {{"conditional", route.conditional}, {"steps", steps}};
}

json hops_json(const Estate& estate, const std::string& start, const std::vector<IamHop>& hops) {
    json out = json::array();
    for (const IamHop& hop : hops) {
        out.push_back({{"arn", hop.arn}, {"route", route_json(estate, start, hop.route)}});
    }
    return out;
}

// eks-iam.md 7 row 15: the IAM roles a ServiceAccount's pods receive, and what each is.
void write_aws_roles_text(std::ostream& out, const Estate& estate, const EstateWhatCan& result) {
    if (result.aws_roles.empty()) {
        return;
    }
    out << "\nIAM roles its pods receive:\n";
    for (const EstateWhatCan::AwsRole& role : result.aws_roles) {
        const WorkloadRole& edge = role.edge;
        out << "  "
            << (edge.role_arn.empty() ? std::string("an IAM role not named by the input") : edge.role_arn)
            << " (" << edge.via_text() << (estate.single() ? "" : ", " + cluster_label(*role.cluster)) << ", "
            << format_location(edge.location) << ")\n";
        out << "    " << (edge.may_grant() ? "" : "not received: ") << edge.trust_text() << '\n';
        for (const EstateWhatCan::AwsRole::Mapped& mapped : role.mapped) {
            out << "    in " << cluster_label(*mapped.cluster) << ": " << mapped.identity.source_detail
                << (mapped.admin ? ", cluster admin" : "") << '\n';
        }
        if (!role.aws.empty()) {
            out << "    in AWS: " << role.aws << '\n';
        }
    }
}

json aws_roles_json(const EstateWhatCan& result) {
    json roles = json::array();
    for (const EstateWhatCan::AwsRole& role : result.aws_roles) {
        const WorkloadRole& edge = role.edge;
        json mapped = json::array();
        for (const EstateWhatCan::AwsRole::Mapped& item : role.mapped) {
            mapped.push_back(json{{"cluster", item.cluster->name},
                                  {"username", item.identity.username.display()},
                                  {"via", item.identity.source_detail},
                                  {"clusterAdmin", item.admin}});
        }
        roles.push_back(
            json{{"cluster", role.cluster->name},
                 {"role", edge.role_arn},
                 {"via", edge.via_text()},
                 {"trust", edge.trust ? json(std::string(to_string(*edge.trust))) : json(nullptr)},
                 {"received", edge.may_grant()},
                 {"why", edge.why},
                 {"mapped", mapped},
                 {"aws", role.aws}});
    }
    return roles;
}

}  // namespace

void write_what_can_estate_text(std::ostream& out, const Estate& estate, const EstateWhatCan& result) {
    write_routes_text(out, estate, result.arn, result.hops);
    for (const EstateWhatCan::Answer& answer : result.answers) {
        const IamHop& hop = result.hops[answer.hop];
        // Hops that do not authenticate are shown only for the principal itself, to keep the answer short.
        if (answer.hop != 0 && !answer.result.identity.authenticated) {
            continue;
        }
        out << "== " << cluster_label(*answer.cluster) << ", as " << hop_label(estate, result.arn, hop)
            << '\n';
        write_what_can_text(out, answer.result);
        out << '\n';
    }
}

json what_can_estate_json(const Estate& estate, const EstateWhatCan& result) {
    json clusters = json::array();
    for (const Cluster& cluster : estate.clusters()) {
        json as = json::array();
        for (const EstateWhatCan::Answer& answer : result.answers) {
            if (answer.cluster == &cluster) {
                json item = what_can_json(answer.result);
                item["hop"] = result.hops[answer.hop].arn;
                as.push_back(std::move(item));
            }
        }
        clusters.push_back({{"cluster", cluster.name}, {"as", as}});
    }
    return {{"principal", result.arn},
            {"hops", hops_json(estate, result.arn, result.hops)},
            {"clusters", clusters}};
}

void write_can_i_estate_text(std::ostream& out, const Estate& estate, const EstateCanI& result,
                             bool explain) {
    if (explain) {
        write_routes_text(out, estate, result.arn, result.hops);
    }
    for (const EstateCanI::Answer& answer : result.answers) {
        const std::string name = answer.cluster->name.empty() ? std::string() : answer.cluster->name + ": ";
        out << name;
        if (answer.decision.allowed()) {
            out << (answer.conditional ? "conditional (yes if the route's conditions hold)" : "yes");
        } else {
            out << (answer.decision.verdict == Verdict::kUndetermined ? "undetermined" : "no");
        }
        if (answer.decision.verdict != Verdict::kDenied && answer.hop != 0) {
            out << ", as " << hop_label(estate, result.arn, result.hops[answer.hop]);
        }
        out << '\n';
        if (answer.decision.verdict == Verdict::kUndetermined && !explain) {
            out << "  reason  " << undetermined_reasons(*answer.cluster->graph, answer.decision).front()
                << '\n';
        }
        if (!answer.decision.unauthenticated.empty() && !explain) {
            out << "  reason  " << answer.decision.unauthenticated << '\n';
        }
        if (explain) {
            std::ostringstream block;
            write_can_i_text(block, *answer.cluster->graph, answer.identity, answer.decision, true);
            const std::string text = block.str();
            out << text.substr(text.find('\n') + 1);  // the yes/no line is already said
        }
    }
}

json can_i_estate_json(const Estate& estate, const EstateCanI& result, const Request& request) {
    json clusters = json::array();
    for (const EstateCanI::Answer& answer : result.answers) {
        json item = can_i_json(*answer.cluster->graph, answer.identity, request, answer.decision);
        item["cluster"] = answer.cluster->name;
        item["conditional"] = answer.conditional;
        item["verdict"] = to_string(answer.verdict());
        if (answer.verdict() == Verdict::kUndetermined) {
            item["allowed"] = nullptr;
        }
        item["hop"] = result.hops[answer.hop].arn;
        item["route"] = route_json(estate, result.arn, result.hops[answer.hop].route);
        clusters.push_back(std::move(item));
    }
    const Verdict verdict = result.verdict();
    return {
        {"principal", result.arn},
        {"allowed", verdict == Verdict::kUndetermined ? json(nullptr) : json(verdict == Verdict::kAllowed)},
        {"verdict", to_string(verdict)},
        {"hops", hops_json(estate, result.arn, result.hops)},
        {"clusters", clusters}};
}

void write_who_can_estate_text(std::ostream& out, const Estate& estate, const EstateWhoCan& result) {
    for (const EstateWhoCan::Answer& answer : result.answers) {
        out << "== " << cluster_label(*answer.cluster) << '\n';
        write_who_can_text(out, *answer.cluster->graph, answer.result);
        bool any = false;
        for (const auto& reachers : answer.reachers) {
            for (const Reacher* reacher : reachers) {
                if (!any) {
                    out << "\nIAM principals that reach them by sts:AssumeRole\n";
                    any = true;
                }
                const IamPrincipal& principal = estate.iam().principals()[reacher->principal];
                out << "  " << describe_route(estate, principal.arn, reacher->route)
                    << (reacher->route.conditional ? "  [conditional]" : "") << '\n';
            }
        }
        if (estate.has_iam() && !any) {
            out << "\nIAM principals that reach them by sts:AssumeRole: none in the IAM dumps\n";
        }
        out << '\n';
    }
}

json who_can_estate_json(const Estate& estate, const EstateWhoCan& result) {
    json clusters = json::array();
    for (const EstateWhoCan::Answer& answer : result.answers) {
        json item = who_can_json(*answer.cluster->graph, answer.result);
        for (std::size_t i = 0; i < answer.reachers.size(); ++i) {
            json reachers = json::array();
            for (const Reacher* reacher : answer.reachers[i]) {
                const std::string& principal = estate.iam().principals()[reacher->principal].arn;
                json route = route_json(estate, principal, reacher->route);
                route["principal"] = principal;
                reachers.push_back(std::move(route));
            }
            item["principals"][i]["reachedBy"] = std::move(reachers);
        }
        item["cluster"] = answer.cluster->name;
        clusters.push_back(std::move(item));
    }
    return {{"clusters", clusters}};
}

namespace {

std::string heading(const Cluster& cluster) {
    return "== cluster " + (cluster.name.empty() ? std::string("(unnamed)") : cluster.name) + "\n";
}

}  // namespace

void write_can_i(std::ostream& out, const Estate& estate, const EstateCanI& result, bool explain) {
    if (!result.asker.kubernetes_user() && !estate.single()) {
        write_can_i_estate_text(out, estate, result, explain);
        return;
    }
    for (const EstateCanI::Answer& answer : result.answers) {
        if (!estate.single()) {
            out << heading(*answer.cluster);
        }
        write_can_i_text(out, *answer.cluster->graph, answer.identity, answer.decision, explain);
    }
}

json can_i_answer_json(const Estate& estate, const EstateCanI& result, const Request& request) {
    if (!result.asker.kubernetes_user() && !estate.single()) {
        return can_i_estate_json(estate, result, request);
    }
    json answers = json::array();
    for (const EstateCanI::Answer& answer : result.answers) {
        answers.push_back(can_i_json(*answer.cluster->graph, answer.identity, request, answer.decision));
        if (!estate.single()) {
            answers.back()["cluster"] = answer.cluster->name;
        }
    }
    return estate.single() ? answers.front() : json{{"clusters", answers}};
}

void write_what_can(std::ostream& out, const Estate& estate, const EstateWhatCan& result) {
    if (!result.asker.kubernetes_user() && !estate.single()) {
        write_what_can_estate_text(out, estate, result);
        return;
    }
    for (const EstateWhatCan::Answer& answer : result.answers) {
        if (!estate.single()) {
            out << heading(*answer.cluster);
        }
        write_what_can_text(out, answer.result);
    }
    write_aws_roles_text(out, estate, result);
}

void write_rules_list(std::ostream& out, const Estate& estate, const EstateWhatCan& result,
                      std::string_view ns) {
    const bool headings = result.answers.size() > 1;
    for (const EstateWhatCan::Answer& answer : result.answers) {
        // As in what-can: a role the principal may assume is shown where it authenticates.
        if (answer.hop != 0 && !answer.result.identity.authenticated) {
            continue;
        }
        if (headings) {
            out << "== " << cluster_label(*answer.cluster);
            if (!result.hops.empty() && answer.hop != 0) {
                out << ", as " << hop_label(estate, result.arn, result.hops[answer.hop]);
            }
            out << '\n';
        }
        write_rules_list_text(out, answer.result, rules_in_namespace(answer.result, ns));
        if (headings) {
            out << '\n';
        }
    }
}

json rules_list_answer_json(const Estate& estate, const EstateWhatCan& result, std::string_view ns) {
    json answers = json::array();
    for (const EstateWhatCan::Answer& answer : result.answers) {
        json item = rules_list_json(answer.result, rules_in_namespace(answer.result, ns));
        if (!estate.single()) {
            item["cluster"] = answer.cluster->name;
        }
        if (!result.hops.empty()) {
            item["hop"] = result.hops[answer.hop].arn;
        }
        answers.push_back(std::move(item));
    }
    return answers.size() == 1 ? answers.front() : json{{"answers", answers}};
}

json what_can_answer_json(const Estate& estate, const EstateWhatCan& result) {
    if (!result.asker.kubernetes_user() && !estate.single()) {
        return what_can_estate_json(estate, result);
    }
    json answers = json::array();
    for (const EstateWhatCan::Answer& answer : result.answers) {
        answers.push_back(what_can_json(answer.result));
        if (!estate.single()) {
            answers.back()["cluster"] = answer.cluster->name;
        }
    }
    json out = estate.single() ? answers.front() : json{{"clusters", answers}};
    if (!result.aws_roles.empty()) {
        out["awsRoles"] = aws_roles_json(result);
    }
    return out;
}

void write_who_can(std::ostream& out, const Estate& estate, const EstateWhoCan& result) {
    if (estate.single()) {
        write_who_can_text(out, *result.answers.front().cluster->graph, result.answers.front().result);
        return;
    }
    write_who_can_estate_text(out, estate, result);
}

json who_can_answer_json(const Estate& estate, const EstateWhoCan& result) {
    if (estate.single()) {
        return who_can_json(*result.answers.front().cluster->graph, result.answers.front().result);
    }
    return who_can_estate_json(estate, result);
}

}  // namespace rbacgraph
