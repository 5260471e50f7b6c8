#include "rbacgraph/report.hpp"

namespace rbacgraph {

namespace {

using nlohmann::json;

json location_json(const SourceLocation& location) {
    if (location.file.empty()) {
        return nullptr;
    }
    switch (location.origin) {
        case Origin::kBuiltin:
            // Compiled into rbacgraph (data/kubernetes-bootstrap), not a file of the input.
            return json{{"origin", "builtin"}, {"file", location.file}, {"line", location.line}};
        case Origin::kSetting:
            return json{{"origin", "setting"}, {"setting", location.file}};
        case Origin::kInput:
            break;
    }
    return json{{"file", location.file}, {"line", location.line}};
}

std::string_view scope_name(PermissionRow::Scope scope) {
    switch (scope) {
        case PermissionRow::Scope::kNamespace:
            return "namespace";
        case PermissionRow::Scope::kNonResource:
            return "nonResource";
        case PermissionRow::Scope::kCluster:
            break;
    }
    return "cluster";
}

std::string_view severity_name(Severity severity) {
    switch (severity) {
        case Severity::kWarning:
            return "warning";
        case Severity::kNote:
            return "note";
        case Severity::kError:
            break;
    }
    return "error";
}

json steps_json(const std::vector<ChainStep>& steps) {
    json out = json::array();
    for (const ChainStep& step : steps) {
        out.push_back(
            {{"step", step.label}, {"text", step.text}, {"location", location_json(step.location)}});
    }
    return out;
}

json request_json(const Request& request) {
    if (request.non_resource) {
        return {{"verb", request.verb}, {"path", request.path}};
    }
    return {{"verb", request.verb},         {"apiGroup", request.api_group},
            {"resource", request.resource}, {"subresource", request.subresource},
            {"name", request.name},         {"namespace", request.ns}};
}

std::string_view grant_kind_name(GrantKind kind) {
    switch (kind) {
        case GrantKind::kAccessPolicy:
            return "accessPolicy";
        case GrantKind::kClusterRoleBinding:
            return "clusterRoleBinding";
        case GrantKind::kRoleBinding:
            return "roleBinding";
        case GrantKind::kMasters:
            break;
    }
    return "systemMasters";
}

json grant_json(const Graph& graph, const GrantMatch& grant) {
    json out = {{"kind", grant_kind_name(grant_kind(graph, grant))}, {"via", describe_grant(graph, grant)}};
    if (const PolicyRule* rule = granted_rule(graph, grant)) {
        out["rule"] = describe_rule(*rule);
    }
    if (!grant.witness.empty()) {
        out["sessionName"] = grant.witness;
    }
    if (!grant.undetermined.empty()) {
        out["reason"] = grant.undetermined;
    }
    out["path"] = steps_json(explain_grant(graph, grant));
    return out;
}

}  // namespace

json identity_json(const Identity& identity) {
    json groups = json::array();
    for (const IdentityValue& group : identity.groups) {
        groups.push_back(group.display());
    }
    json out = {{"arn", identity.arn},
                {"canonicalArn", identity.canonical_arn},
                {"authenticated", identity.authenticated},
                {"source", to_string(identity.source)},
                {"sourceDetail", identity.source_detail},
                {"sourceLocation", location_json(identity.source_location)},
                {"username", identity.authenticated ? json(identity.username.display()) : json(nullptr)},
                {"groups", groups},
                {"notes", identity.notes}};
    if (!identity.authenticated) {
        out["denial"] = identity.denial;
    }
    if (!identity.undetermined.empty()) {
        out["undetermined"] = identity.undetermined;
    }
    return out;
}

json can_i_json(const Graph& graph, const Identity& identity, const Request& request,
                const Decision& decision) {
    json grants = json::array();
    for (const GrantMatch& grant : decision.grants) {
        grants.push_back(grant_json(graph, grant));
    }
    json undetermined = json::array();
    for (const GrantMatch& grant : decision.undetermined) {
        undetermined.push_back(grant_json(graph, grant));
    }
    json out = {
        {"allowed", decision.verdict == Verdict::kUndetermined ? json(nullptr) : json(decision.allowed())},
        {"verdict", to_string(decision.verdict)},
        {"reasons", undetermined_reasons(graph, decision)},
        {"request", request_json(normalize_request(request))},
        {"identity", identity_json(identity)},
        {"grants", grants},
        {"undetermined", undetermined}};
    if (!decision.unauthenticated.empty()) {
        out["unauthenticated"] = decision.unauthenticated;  // refused before authorization
    }
    return out;
}

json what_can_json(const WhatCan& result) {
    json rows = json::array();
    for (const PermissionRow& row : result.rows) {
        json item = {{"scope", scope_name(row.scope)}};
        if (row.scope == PermissionRow::Scope::kNamespace) {
            item["namespace"] = row.ns;
        }
        item[row.scope == PermissionRow::Scope::kNonResource ? "url" : "resource"] = row.resource;
        item["resourceNames"] = row.resource_names;
        item["verbs"] = row.verbs;
        item["via"] = row.via;
        item["location"] = location_json(row.via_location);
        item["undetermined"] = row.undetermined;
        if (row.everyone) {
            item["everyone"] = true;
        }
        rows.push_back(std::move(item));
    }
    json unexpanded = json::array();
    for (const UnexpandedGrant& grant : result.unexpanded) {
        unexpanded.push_back({{"via", grant.via},
                              {"namespaces", grant.namespaces},
                              {"location", location_json(grant.location)},
                              {"lowerBound", grant.lower_bound}});
    }
    json out = {{"identity", identity_json(result.identity)},
                {"systemMasters", result.masters},
                {"clusterAdminVia", result.cluster_admin_via},
                {"permissions", rows},
                {"unexpanded", unexpanded}};
    if (!result.reach.empty()) {
        out["anonymousReach"] = result.reach;
    }
    return out;
}

json who_can_json(const Graph& graph, const WhoCan& result) {
    json principals = json::array();
    for (const WhoCanPrincipal& principal : result.principals) {
        json item = identity_json(principal.identity);
        item["grant"] = grant_json(graph, principal.grant);
        item["undetermined"] = principal.undetermined;
        principals.push_back(std::move(item));
    }
    json subjects = json::array();
    for (const WhoCanSubject& subject : result.subjects) {
        json item = {{"kind", subject.subject.kind},
                     {"name", subject.subject.name},
                     {"namespace", subject.subject.ns},
                     {"via", subject.via},
                     {"location", location_json(subject.location)},
                     {"undetermined", subject.undetermined}};
        if (!subject.oidc.empty()) {
            item["oidc"] = subject.oidc;  // the OIDC identity provider claims that give this subject
        }
        subjects.push_back(std::move(item));
    }
    json for_names = json::array();
    for (const WhoCanForNames& holder : result.for_names) {
        json item = holder.principal ? json{{"principal", identity_json(*holder.principal)}}
                                     : json{{"subject",
                                             {{"kind", holder.subject->kind},
                                              {"name", holder.subject->name},
                                              {"namespace", holder.subject->ns}}}};
        item["names"] = holder.names;
        item["via"] = holder.via;
        item["location"] = location_json(holder.location);
        for_names.push_back(std::move(item));
    }
    json refused = json::array();
    for (const WhoCanSubject& subject : result.refused) {
        refused.push_back({{"kind", subject.subject.kind},
                           {"name", subject.subject.name},
                           {"via", subject.via},
                           {"location", location_json(subject.location)}});
    }
    json out = {{"request", request_json(result.request)},
                {"principals", principals},
                {"subjects", subjects},
                {"forNames", for_names}};
    if (!result.anonymous_reach.empty()) {
        out["refusedBeforeAuthorization"] = refused;
        out["anonymousReach"] = result.anonymous_reach;
    }
    return out;
}

json diagnostics_json(const std::vector<Diagnostic>& diagnostics) {
    json out = json::array();
    for (const Diagnostic& diagnostic : diagnostics) {
        out.push_back({{"severity", severity_name(diagnostic.severity)},
                       {"file", diagnostic.location.file},
                       {"line", diagnostic.location.line},
                       {"column", diagnostic.location.column},
                       {"object", diagnostic.object},
                       {"message", diagnostic.message}});
    }
    return out;
}

json summary_json(const Export& source, const std::vector<Diagnostic>& diagnostics) {
    const LoadSummary& summary = source.summary;
    return {{"files", summary.files},
            {"excludedFiles", summary.excluded},
            {"documents", summary.documents},
            {"used", summary.used},
            {"usedByKind", summary.used_by_kind},
            {"skippedByKind", summary.skipped_by_kind},
            {"rejected", summary.rejected},
            {"errors", count_errors(diagnostics)}};
}

void add_request_resolution(json& answer, const ResolvedRequest& request) {
    if (!answer.contains("request")) {
        answer["request"] = request_json(normalize_request(request.request));
    }
    json& described = answer["request"];
    described["resolvedFrom"] = request.resolved_from;
    described["warnings"] = request.warnings;
    described["doubts"] = request.doubts;
}

void write_request_line(std::ostream& out, const ResolvedRequest& request) {
    out << "request: " << terminal_text(normalize_request(request.request).display());
    if (!request.resolved_from.empty()) {
        out << " (read from " << terminal_text(request.resolved_from) << ')';
    }
    out << '\n';
}

}  // namespace rbacgraph
