// Authentication: how an ARN becomes a Kubernetes identity is resolve_arn's (identity.cpp); these are the
// indexes it reads, built with the graph: the aws-auth entries in force, the access entries, and the
// cluster's authentication mode, which decides which of them count.
#include <fmt/format.h>

#include "rbacgraph/arn.hpp"
#include "rbacgraph/graph.hpp"
#include "rbacgraph/identity.hpp"

namespace rbacgraph {

std::string access_entry_key(std::string_view principal_arn) {
    const auto parsed = parse_principal_arn(principal_arn);
    if (const auto* principal = std::get_if<Principal>(&parsed);
        principal != nullptr && principal->kind == PrincipalKind::kRole) {
        // Access entries match by the role's unique ID, so any path in principalArn is irrelevant.
        return ascii_lower(principal->session_role_arn());
    }
    if (parsed.index() != 0 && !principal_arn.starts_with('(')) {
        // Not an ARN (`ARN:AWS:IAM::...` included: EKS refuses to create such an entry), so it matches
        // nobody, as the loader warns; lowercased, it matched the real ARN. "(known after apply ...)" labels
        // of a plan are matched by their own path (unknown_principal_entries).
        return "(not an ARN) " + std::string(principal_arn);
    }
    return ascii_lower(principal_arn);
}

AuthenticationMode Graph::mode() const {
    if (source_->cluster && source_->cluster->mode != AuthenticationMode::kUnknown) {
        return source_->cluster->mode;
    }
    // EKS user guide, grant-k8s-access: access entries exist only in the API modes.
    return access_entries_.empty() ? AuthenticationMode::kUnknown : AuthenticationMode::kApiAndConfigMap;
}

bool Graph::mode_inferred() const {
    return (!source_->cluster || source_->cluster->mode == AuthenticationMode::kUnknown) &&
           !access_entries_.empty();
}

const AwsAuthEntry* Graph::role_mapping(std::string_view key) const {
    const auto found = role_mapping_index_.find(key);
    return found == role_mapping_index_.end() ? nullptr : found->second;
}

const AwsAuthEntry* Graph::user_mapping(std::string_view key) const {
    const auto found = user_mapping_index_.find(key);
    return found == user_mapping_index_.end() ? nullptr : found->second;
}

bool Graph::access_entries_apply() const {
    // EKS user guide, grant-k8s-access: access entries exist only in the API and API_AND_CONFIG_MAP modes.
    const AuthenticationMode current = mode();
    return current == AuthenticationMode::kApi || current == AuthenticationMode::kApiAndConfigMap;
}

void Graph::build_mappings() {
    if (const auto& aws_auth = source_->aws_auth) {
        // configmap.go saveMap: entries are keyed by lower-cased ARN and the last one wins, whole.
        for (const AwsAuthEntry& entry : aws_auth->map_roles) {
            role_mappings_[ascii_lower(entry.arn)] = &entry;
        }
        for (const AwsAuthEntry& entry : aws_auth->map_users) {
            user_mappings_[ascii_lower(entry.arn)] = &entry;
        }
        role_mapping_index_.reserve(role_mappings_.size());
        for (const auto& [key, entry] : role_mappings_) {
            role_mapping_index_.emplace(key, entry);
        }
        user_mapping_index_.reserve(user_mappings_.size());
        for (const auto& [key, entry] : user_mappings_) {
            user_mapping_index_.emplace(key, entry);
        }
    }
    const auto index_entry = [&](const AccessEntry& entry) {
        access_entries_[access_entry_key(entry.principal_arn)] = &entry;
        if (entry.principal_unknown) {
            unknown_principal_entries_.push_back(&entry);
        }
        if (!is_documented_entry_type(entry.type)) {
            diagnostics_.push_back(
                {Severity::kWarning, entry.location, "access entry " + entry.principal_arn,
                 fmt::format("access entry type '{}' is not one EKS documents; its Kubernetes identity is "
                             "undetermined (not the STANDARD defaults)",
                             entry.type)});
        }
    };
    // The export's entries, then those the graph implies (graph.cpp, add_implied_entries).
    for (const AccessEntry& entry : source_->access_entries) {
        index_entry(entry);
    }
    for (const AccessEntry& entry : overlay_->access_entries) {
        index_entry(entry);
    }
}

}  // namespace rbacgraph
