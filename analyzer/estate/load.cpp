#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "rbacgraph/estate.hpp"
#include "rbacgraph/parallel.hpp"

namespace rbacgraph {
namespace {

void add_summary(LoadSummary& into, const LoadSummary& from) {
    into.files += from.files;
    into.excluded += from.excluded;
    into.documents += from.documents;
    into.used += from.used;
    into.rejected += from.rejected;
    for (const auto& [kind, count] : from.used_by_kind) {
        into.used_by_kind[kind] += count;
    }
    for (const auto& [kind, count] : from.skipped_by_kind) {
        into.skipped_by_kind[kind] += count;
    }
}

// What a run can evaluate: the objects that say who may do what (workloads, ServiceAccounts and Namespaces
// alone say nothing of it).
bool holds_access_definitions(const Export& source) {
    return !source.roles.empty() || !source.bindings.empty() || source.aws_auth || source.cluster ||
           !source.access_entries.empty() || !source.access_policies.empty() ||
           !source.pod_identity_associations.empty() || !source.capabilities.empty() || !source.iam.empty() ||
           !source.oidc_providers.empty();
}

// IAM dumps given next to named clusters must not carry a cluster's objects, which would belong to none.
void reject_cluster_objects(const Export& shared, std::string_view cluster_option,
                            std::vector<Diagnostic>& diagnostics) {
    std::vector<SourceLocation> found;
    const auto first_of = [&](const auto& objects) {
        if (!objects.empty()) {
            found.push_back(objects.front().location);
        }
    };
    first_of(shared.roles);
    first_of(shared.bindings);
    first_of(shared.access_entries);
    first_of(shared.access_policies);
    first_of(shared.service_accounts);
    first_of(shared.workloads);
    first_of(shared.namespaces);
    first_of(shared.pod_identity_associations);
    first_of(shared.capabilities);
    first_of(shared.ack_role_selectors);
    first_of(shared.oidc_providers);
    if (shared.aws_auth) {
        found.push_back(shared.aws_auth->location);
    }
    if (shared.cluster) {
        found.push_back(shared.cluster->location);
    }
    if (!found.empty()) {
        const auto first = std::min_element(found.begin(), found.end(), [](const auto& a, const auto& b) {
            return std::tie(a.file, a.line) < std::tie(b.file, b.line);
        });
        diagnostics.push_back(
            {Severity::kError, *first, "",
             fmt::format(
                 "paths shared by several clusters may only hold IAM dumps (get-account-"
                 "authorization-details); their Kubernetes and EKS objects belong to no cluster and are "
                 "ignored: name the cluster with {}",
                 cluster_option)});
    }
}

// One cluster's load, kept apart until every cluster is done so that the estate is the same whichever
// thread loaded which cluster.
struct LoadedCluster {
    std::shared_ptr<const Graph> graph;
    std::vector<IamAccountDetails> iam;
    LoadSummary summary;
    std::vector<Diagnostic> diagnostics;
    bool evaluable = false;
};

LoadedCluster load_cluster(const ClusterInput& cluster, const LoadOptions& options,
                           const GraphOptions& graph) {
    LoadedCluster out;
    Export source = load_paths(cluster.paths, options);
    out.evaluable = holds_access_definitions(source);
    out.summary = source.summary;
    out.iam = std::move(source.iam);
    source.iam.clear();
    out.diagnostics = source.diagnostics;
    out.graph = std::make_shared<const Graph>(std::move(source), graph);
    out.diagnostics.insert(out.diagnostics.end(), out.graph->diagnostics().begin(),
                           out.graph->diagnostics().end());
    return out;
}

}  // namespace

LoadedEstate load_estate(const EstateInput& input) {
    LoadedEstate loaded;
    // Clusters are independent: with several, each core loads whole clusters (one file at a time each),
    // which keeps every core busy on estates of many small clusters where one cluster's files are too few to
    // share (performance.md, "The estate"); one cluster parses its files on every core instead.
    std::vector<LoadedCluster> parts(input.clusters.size());
    LoadOptions per_cluster = input.load;
    if (parts.size() > 1 && core_count() > 1) {
        per_cluster.threads = 1;
    }
    for_each_index(parts.size(), core_count(), [&](std::size_t i) {
        parts[i] = load_cluster(input.clusters[i], per_cluster, input.graph);
    });
    std::vector<Cluster> clusters;
    std::vector<IamAccountDetails> iam;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        LoadedCluster& part = parts[i];
        loaded.evaluable = loaded.evaluable || part.evaluable;
        add_summary(loaded.summary, part.summary);
        std::move(part.iam.begin(), part.iam.end(), std::back_inserter(iam));
        loaded.diagnostics.insert(loaded.diagnostics.end(), std::make_move_iterator(part.diagnostics.begin()),
                                  std::make_move_iterator(part.diagnostics.end()));
        clusters.push_back({input.clusters[i].name, std::move(part.graph)});
    }
    if (!input.shared_paths.empty()) {
        Export shared = load_paths(input.shared_paths, input.load);
        loaded.evaluable = loaded.evaluable || !shared.iam.empty();
        add_summary(loaded.summary, shared.summary);
        std::move(shared.iam.begin(), shared.iam.end(), std::back_inserter(iam));
        shared.iam.clear();
        loaded.diagnostics.insert(loaded.diagnostics.end(), shared.diagnostics.begin(),
                                  shared.diagnostics.end());
        reject_cluster_objects(shared, input.cluster_option, loaded.diagnostics);
        loaded.shared = std::move(shared);
    }
    loaded.estate = std::make_shared<const Estate>(std::move(clusters), std::move(iam));
    loaded.diagnostics.insert(loaded.diagnostics.end(), loaded.estate->diagnostics().begin(),
                              loaded.estate->diagnostics().end());
    return loaded;
}

std::vector<ClusterInput> clusters_in_directory(const std::string& directory,
                                                std::vector<Diagnostic>& diagnostics) {
    std::vector<ClusterInput> out;
    std::error_code code;
    if (!std::filesystem::is_directory(directory, code)) {
        diagnostics.push_back({Severity::kError, {directory, 0, 0}, "", "not a directory"});
        return out;
    }
    std::vector<std::filesystem::path> directories;
    for (const auto& entry : std::filesystem::directory_iterator(directory, code)) {
        if (entry.is_directory()) {
            directories.push_back(entry.path());
        }
    }
    std::sort(directories.begin(), directories.end());
    if (directories.empty()) {
        diagnostics.push_back(
            {Severity::kError, {directory, 0, 0}, "", "has no subdirectory (one per cluster)"});
    }
    for (const auto& path : directories) {
        out.push_back({path.filename().string(), {path.string()}});
    }
    return out;
}

std::vector<std::string> shared_files_in_directory(const std::string& directory) {
    std::vector<std::string> out;
    std::error_code code;
    for (const auto& entry : std::filesystem::directory_iterator(directory, code)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(".") && is_input_file_name(name) && entry.is_regular_file(code)) {
            out.push_back(entry.path().generic_string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string nothing_to_evaluate(const LoadedEstate& loaded) {
    std::vector<std::string> found;
    for (const auto* counts : {&loaded.summary.used_by_kind, &loaded.summary.skipped_by_kind}) {
        for (const auto& [kind, count] : *counts) {
            found.push_back(fmt::format("{} {}", count, kind));
        }
    }
    if (loaded.summary.rejected > 0) {
        found.push_back(fmt::format("{} rejected document(s)", loaded.summary.rejected));
    }
    if (const std::size_t errors = count_errors(loaded.diagnostics); errors > 0) {
        found.push_back(fmt::format("{} error(s) above", errors));
    }
    return fmt::format(
        "nothing to evaluate: no RBAC object, aws-auth, EKS cluster or access entry, or IAM dump was "
        "understood "
        "(found: {}). Render or export them first (helm template, kustomize build, terraform show -json "
        "PLAN, "
        "kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml)",
        found.empty() ? std::string("nothing") : fmt::format("{}", fmt::join(found, ", ")));
}

}  // namespace rbacgraph
