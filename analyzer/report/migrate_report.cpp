// rbacgraph migrate output: the plan and its proof as text and JSON, and the plan as AWS CLI commands
// (docs/migrate.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>
#include <ostream>
#include <set>
#include <string>

#include "rbacgraph/migrate.hpp"
#include "rbacgraph/output_text.hpp"
#include "rbacgraph/report.hpp"

namespace rbacgraph {
namespace {

std::string scope_text(const AccessScope& scope) {
    return scope.cluster_wide ? "cluster" : fmt::format("namespaces {}", fmt::join(scope.namespaces, ", "));
}

std::string policy_name(const std::string& arn) {
    const std::size_t slash = arn.rfind('/');
    return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

std::string entry_line(const PlannedAccessEntry& planned) {
    const AccessEntry& entry = planned.entry;
    std::string line = fmt::format("{}  {}", entry.principal_arn, entry.type);
    if (entry.username) {
        line += fmt::format("  username {}", *entry.username);
    }
    if (!entry.kubernetes_groups.empty()) {
        line += fmt::format("  groups {}", fmt::join(entry.kubernetes_groups, ", "));
    }
    for (const AccessPolicyAssociation& policy : planned.policies) {
        line += fmt::format("  + {} ({})", policy_name(policy.policy_arn), scope_text(policy.scope));
    }
    return line;
}

std::string step_name(const MigrationStep& step) {
    return step.mode == AuthenticationMode::kApi ? "authenticationMode API (aws-auth ignored)"
                                                 : "authenticationMode API_AND_CONFIG_MAP with the access "
                                                   "entries (they take priority over aws-auth)";
}

// "  differs: ..." lines, each wrapped as one item.
void write_differences(std::ostream& out, const std::vector<std::string>& differences) {
    for (const std::string& difference : differences) {
        out << "      differs: " << difference << '\n';
    }
}

// A string as a YAML double-quoted scalar (JSON's escapes are YAML's): ARNs, usernames with {{...}}.
std::string yaml_string(std::string_view value) {
    return nlohmann::json(std::string(value)).dump();
}

// An HCL quoted template: JSON's escapes, and the template sequences ${ and %{ doubled (Terraform's
// language reference, "Strings and Templates").
std::string hcl_string(std::string_view value) {
    std::string quoted = nlohmann::json(std::string(value)).dump();
    std::string out;
    for (std::size_t i = 0; i < quoted.size(); ++i) {
        if ((quoted[i] == '$' || quoted[i] == '%') && i + 1 < quoted.size() && quoted[i + 1] == '{') {
            out += quoted[i];
        }
        out += quoted[i];
    }
    return out;
}

// The entries a tool creates: the creator's EKS creates itself.
std::vector<const PlannedAccessEntry*> entries_to_create(const MigrationPlan& plan) {
    std::vector<const PlannedAccessEntry*> out;
    for (const PlannedAccessEntry& planned : plan.entries) {
        if (!planned.created_by_eks) {
            out.push_back(&planned);
        }
    }
    return out;
}

// A name for the entry in a template: its principal's kind and name, letters, digits and `separator` only,
// unique within the plan ("role_ops_admin", "RoleOpsAdmin").
std::vector<std::string> resource_names(const std::vector<const PlannedAccessEntry*>& entries, bool camel) {
    std::vector<std::string> names;
    std::set<std::string> taken;
    for (const PlannedAccessEntry* planned : entries) {
        const std::string& arn = planned->entry.principal_arn;
        const std::size_t colon = arn.rfind(':');
        std::string tail = colon == std::string::npos ? arn : arn.substr(colon + 1);  // role/path/name
        std::string name;
        bool upper = camel;
        for (const char c : tail) {
            if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
                name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
                upper = false;
            } else if (camel) {
                upper = true;
            } else if (!name.empty() && name.back() != '_') {
                name += '_';
            }
        }
        if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) {
            name.insert(0, camel ? "Entry" : "entry_");
        }
        std::string unique = name;
        for (int n = 2; taken.contains(unique); ++n) {
            unique = fmt::format("{}{}{}", name, camel ? "" : "_", n);
        }
        taken.insert(unique);
        names.push_back(unique);
    }
    return names;
}

// "eu-west-1" from describe-cluster's ARN (arn:aws:eks:REGION:ACCOUNT:cluster/NAME), "" without it.
std::string region_of(std::string_view cluster_arn) {
    std::size_t start = 0;
    for (int field = 0; field < 3; ++field) {
        start = cluster_arn.find(':', start);
        if (start == std::string_view::npos) {
            return "";
        }
        ++start;
    }
    const std::size_t end = cluster_arn.find(':', start);
    return end == std::string_view::npos ? "" : std::string(cluster_arn.substr(start, end - start));
}

}  // namespace

void write_migrate_eksctl(std::ostream& out, const MigrationPlan& plan) {
    out << "# The access entries that replace aws-auth, written by rbacgraph migrate (docs/migrate.md):\n"
           "#   eksctl utils update-authentication-mode --cluster NAME --authentication-mode "
           "API_AND_CONFIG_MAP\n"
           "#   eksctl create accessentry -f THIS_FILE\n"
           "apiVersion: eksctl.io/v1alpha5\n"
           "kind: ClusterConfig\n"
           "metadata:\n";
    out << "  name: " << yaml_string(plan.cluster.empty() ? "CLUSTER" : plan.cluster)
        << (plan.cluster.empty() ? "  # the input has no describe-cluster: set the name" : "") << '\n';
    const std::string region = region_of(plan.cluster_arn);
    if (region.empty()) {
        out << "  region: \"REGION\"  # the input has no cluster ARN: set the region\n";
    } else {
        out << "  region: " << yaml_string(region) << '\n';
    }
    out << "accessConfig:\n  authenticationMode: API_AND_CONFIG_MAP\n  accessEntries:\n";
    const auto entries = entries_to_create(plan);
    if (entries.empty()) {
        out << "    []\n";
    }
    for (const PlannedAccessEntry* planned : entries) {
        const AccessEntry& entry = planned->entry;
        for (const std::string& difference : planned->differences) {
            out << "    # differs: " << difference << '\n';
        }
        out << "    - principalARN: " << yaml_string(entry.principal_arn) << '\n';
        if (entry.type != "STANDARD") {
            out << "      type: " << entry.type << '\n';
        }
        if (entry.username) {
            out << "      username: " << yaml_string(*entry.username) << '\n';
        }
        if (!entry.kubernetes_groups.empty()) {
            out << "      kubernetesGroups:\n";
            for (const std::string& group : entry.kubernetes_groups) {
                out << "        - " << yaml_string(group) << '\n';
            }
        }
        if (!planned->policies.empty()) {
            out << "      accessPolicies:\n";
            for (const AccessPolicyAssociation& policy : planned->policies) {
                out << "        - policyARN: " << yaml_string(policy.policy_arn) << '\n'
                    << "          accessScope:\n            type: "
                    << (policy.scope.cluster_wide ? "cluster" : "namespace") << '\n';
                if (!policy.scope.cluster_wide) {
                    out << "            namespaces:\n";
                    for (const std::string& ns : policy.scope.namespaces) {
                        out << "              - " << yaml_string(ns) << '\n';
                    }
                }
            }
        }
    }
}

void write_migrate_cloudformation(std::ostream& out, const MigrationPlan& plan) {
    const auto entries = entries_to_create(plan);
    const auto names = resource_names(entries, true);
    out << "AWSTemplateFormatVersion: \"2010-09-09\"\n"
           "Description: The access entries that replace aws-auth, written by rbacgraph migrate "
           "(docs/migrate.md). The cluster's authentication mode must be API_AND_CONFIG_MAP first.\n";
    const bool named = !plan.cluster.empty();
    if (!named) {
        out << "Parameters:\n  ClusterName:\n    Type: String\n";
    }
    out << "Resources:" << (entries.empty() ? " {}" : "") << '\n';
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const AccessEntry& entry = entries[i]->entry;
        for (const std::string& difference : entries[i]->differences) {
            out << "  # differs: " << difference << '\n';
        }
        out << "  AccessEntry" << names[i] << ":\n    Type: AWS::EKS::AccessEntry\n    Properties:\n";
        out << "      ClusterName: " << (named ? yaml_string(plan.cluster) : std::string("!Ref ClusterName"))
            << '\n';
        out << "      PrincipalArn: " << yaml_string(entry.principal_arn) << '\n';
        out << "      Type: " << entry.type << '\n';
        if (entry.username) {
            out << "      Username: " << yaml_string(*entry.username) << '\n';
        }
        if (!entry.kubernetes_groups.empty()) {
            out << "      KubernetesGroups:\n";
            for (const std::string& group : entry.kubernetes_groups) {
                out << "        - " << yaml_string(group) << '\n';
            }
        }
        if (!entries[i]->policies.empty()) {
            out << "      AccessPolicies:\n";
            for (const AccessPolicyAssociation& policy : entries[i]->policies) {
                out << "        - PolicyArn: " << yaml_string(policy.policy_arn) << '\n'
                    << "          AccessScope:\n            Type: "
                    << (policy.scope.cluster_wide ? "cluster" : "namespace") << '\n';
                if (!policy.scope.cluster_wide) {
                    out << "            Namespaces:\n";
                    for (const std::string& ns : policy.scope.namespaces) {
                        out << "              - " << yaml_string(ns) << '\n';
                    }
                }
            }
        }
    }
}

void write_migrate_terraform(std::ostream& out, const MigrationPlan& plan) {
    const auto entries = entries_to_create(plan);
    const auto names = resource_names(entries, false);
    out << "# The access entries that replace aws-auth, written by rbacgraph migrate (docs/migrate.md).\n"
           "# The cluster's authentication mode must be API_AND_CONFIG_MAP first (aws_eks_cluster\n"
           "# access_config.authentication_mode).\n";
    std::string cluster = hcl_string(plan.cluster);
    if (plan.cluster.empty()) {
        out << "\nvariable \"cluster_name\" {\n  type = string\n}\n";
        cluster = "var.cluster_name";
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const AccessEntry& entry = entries[i]->entry;
        out << '\n';
        for (const std::string& difference : entries[i]->differences) {
            out << "# differs: " << difference << '\n';
        }
        out << "resource \"aws_eks_access_entry\" \"" << names[i] << "\" {\n"
            << "  cluster_name  = " << cluster << '\n'
            << "  principal_arn = " << hcl_string(entry.principal_arn) << '\n'
            << "  type          = " << hcl_string(entry.type) << '\n';
        if (entry.username) {
            out << "  user_name     = " << hcl_string(*entry.username) << '\n';
        }
        if (!entry.kubernetes_groups.empty()) {
            std::vector<std::string> groups;
            for (const std::string& group : entry.kubernetes_groups) {
                groups.push_back(hcl_string(group));
            }
            out << "  kubernetes_groups = [" << fmt::format("{}", fmt::join(groups, ", ")) << "]\n";
        }
        out << "}\n";
        for (const AccessPolicyAssociation& policy : entries[i]->policies) {
            out << "\nresource \"aws_eks_access_policy_association\" \"" << names[i] << '_'
                << policy_name(policy.policy_arn) << "\" {\n"
                << "  cluster_name  = " << cluster << '\n'
                << "  principal_arn = aws_eks_access_entry." << names[i] << ".principal_arn\n"
                << "  policy_arn    = " << hcl_string(policy.policy_arn) << '\n'
                << "  access_scope {\n    type = "
                << hcl_string(policy.scope.cluster_wide ? "cluster" : "namespace") << '\n';
            if (!policy.scope.cluster_wide) {
                std::vector<std::string> namespaces;
                for (const std::string& ns : policy.scope.namespaces) {
                    namespaces.push_back(hcl_string(ns));
                }
                out << "    namespaces = [" << fmt::format("{}", fmt::join(namespaces, ", ")) << "]\n";
            }
            out << "  }\n}\n";
        }
    }
}

void write_migrate_aws_auth(std::ostream& out, const MigrationPlan& plan) {
    out << "# The aws-auth that remains once the access entries exist (rbacgraph migrate, docs/migrate.md):\n"
           "# what no access entry replaces (mapAccounts), and the node mappings, which the EKS user guide "
           "says\n"
           "# not to remove (their access entries take priority). Every other mapping is replaced by its "
           "access\n"
           "# entry or granted nothing. In API mode EKS ignores this ConfigMap: delete it then.\n"
           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:";
    std::string roles;
    for (const PlannedAccessEntry& planned : plan.entries) {
        if (planned.source == nullptr || planned.entry.type == "STANDARD") {
            continue;
        }
        roles += fmt::format("    - rolearn: {}\n      username: {}\n      groups:\n",
                             yaml_string(planned.source->arn), yaml_string(planned.source->username));
        for (const std::string& group : planned.source->groups) {
            roles += "        - " + yaml_string(group) + '\n';
        }
    }
    std::string accounts;
    for (const UnmovedMapping& unmoved : plan.unmoved) {
        constexpr std::string_view kAccounts = "mapAccounts ";
        if (unmoved.in_force && unmoved.mapping.starts_with(kAccounts)) {
            accounts += "    - " + yaml_string(unmoved.mapping.substr(kAccounts.size())) + '\n';
        }
    }
    if (roles.empty() && accounts.empty()) {
        out << " {}\n";
        return;
    }
    out << '\n';
    if (!roles.empty()) {
        out << "  mapRoles: |\n" << roles;
    }
    if (!accounts.empty()) {
        out << "  mapAccounts: |\n" << accounts;
    }
}

void write_migrate_text(std::ostream& out, const MigrationPlan& plan, const TextOptions& names) {
    const std::string cluster = plan.cluster.empty() ? "the cluster" : "cluster " + plan.cluster;
    out << fmt::format(
        "{} (authenticationMode {}): {} access entries to create, {} mappings that do not move\n\n", cluster,
        to_string(plan.mode_before), plan.entries.size(), plan.unmoved.size());
    if (!plan.entries.empty()) {
        out << "Access entries\n";
        for (const PlannedAccessEntry& planned : plan.entries) {
            out << "  " << terminal_text(entry_line(planned)) << '\n';
            out << "      "
                << (planned.created_by_eks ? "the cluster creator's: EKS creates it from its hidden "
                                             "system:masters mapping when the "
                                             "mode changes"
                                           : "from " + format_location(planned.entry.location))
                << '\n';
            write_differences(out, planned.differences);
        }
        out << '\n';
    }
    if (!plan.unmoved.empty()) {
        out << "Not moved\n";
        for (const UnmovedMapping& unmoved : plan.unmoved) {
            out << "  " << terminal_text(unmoved.mapping) << " (" << format_location(unmoved.location)
                << "): " << terminal_text(unmoved.reason) << '\n';
            for (const std::string& principal : unmoved.principals) {
                out << "      loses access at the API step: " << terminal_text(principal) << '\n';
            }
        }
        out << '\n';
    }
    for (const std::string& note : plan.notes) {
        out << "note: " << note << '\n';
    }
    if (!plan.notes.empty()) {
        out << '\n';
    }
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        const MigrationStep& step = plan.steps[i];
        out << fmt::format("Step {}: {}: {}\n", i + 1, step_name(step),
                           step.unchanged() ? "grants exactly what the cluster grants now"
                                            : fmt::format("{} principal(s) differ",
                                                          step.diff.changes.size() + step.locked_out.size()));
        write_access_changes(out, step.diff, names, "    ");
        for (const std::string& principal : step.locked_out) {
            out << "    " << terminal_text(principal) << "  (locked out: only mapAccounts admitted it)\n";
        }
    }
    if (plan.api_now) {
        out << fmt::format(
            "\nIf switched to API now, without the entries above: {}\n",
            plan.api_now->unchanged()
                ? "nothing changes (every mapping in force already has its access entry)"
                : fmt::format("{} principal(s) differ (nodes first)",
                              plan.api_now->diff.changes.size() + plan.api_now->locked_out.size()));
        write_access_changes(out, plan.api_now->diff, names, "    ");
        for (const std::string& principal : plan.api_now->locked_out) {
            out << "    " << terminal_text(principal) << "  (locked out: only mapAccounts admitted it)\n";
        }
    }
    out << '\n'
        << (plan.equivalent() ? "equivalent: after every step, every principal can do exactly what it can now"
                              : "not equivalent: the differences above are what the move changes")
        << '\n';
}

nlohmann::json migrate_json(const MigrationPlan& plan) {
    nlohmann::json entries = nlohmann::json::array();
    for (const PlannedAccessEntry& planned : plan.entries) {
        nlohmann::json policies = nlohmann::json::array();
        for (const AccessPolicyAssociation& policy : planned.policies) {
            policies.push_back({{"policyArn", policy.policy_arn},
                                {"accessScope",
                                 {{"type", policy.scope.cluster_wide ? "cluster" : "namespace"},
                                  {"namespaces", policy.scope.namespaces}}}});
        }
        entries.push_back(
            {{"principalArn", planned.entry.principal_arn},
             {"type", planned.entry.type},
             {"username", planned.entry.username ? nlohmann::json(*planned.entry.username) : nullptr},
             {"kubernetesGroups", planned.entry.kubernetes_groups},
             {"accessPolicies", policies},
             {"source", planned.created_by_eks ? nlohmann::json(nullptr)
                                               : nlohmann::json(format_location(planned.entry.location))},
             {"createdByEks", planned.created_by_eks},
             {"differences", planned.differences}});
    }
    nlohmann::json unmoved = nlohmann::json::array();
    for (const UnmovedMapping& mapping : plan.unmoved) {
        unmoved.push_back({{"mapping", mapping.mapping},
                           {"location", format_location(mapping.location)},
                           {"reason", mapping.reason},
                           {"inForce", mapping.in_force},
                           {"principals", mapping.principals}});
    }
    nlohmann::json steps = nlohmann::json::array();
    for (const MigrationStep& step : plan.steps) {
        steps.push_back({{"authenticationMode", to_string(step.mode)},
                         {"unchanged", step.unchanged()},
                         {"lockedOut", step.locked_out},
                         {"changes", diff_json(step.diff, std::nullopt)["changes"]}});
    }
    nlohmann::json api_now = nullptr;
    if (plan.api_now) {
        api_now = {{"unchanged", plan.api_now->unchanged()},
                   {"lockedOut", plan.api_now->locked_out},
                   {"changes", diff_json(plan.api_now->diff, std::nullopt)["changes"]}};
    }
    return {{"cluster", plan.cluster},
            {"apiNow", api_now},
            {"authenticationModeBefore", to_string(plan.mode_before)},
            {"accessEntries", entries},
            {"notMoved", unmoved},
            {"notes", plan.notes},
            {"steps", steps},
            {"equivalent", plan.equivalent()},
            {"undetermined", plan.undetermined()}};
}

void write_migrate_aws_cli(std::ostream& out, const MigrationPlan& plan) {
    out << "#!/bin/sh\n"
           "# The move off aws-auth, written by rbacgraph migrate (docs/migrate.md). Run it step by step:\n"
           "# after step 1, check the cluster (rbacgraph migrate again on a fresh export says which entries\n"
           "# are in force); step 2 cannot be undone (EKS never leaves API mode) and is left to you.\n"
           "set -eu\n";
    if (plan.cluster.empty()) {
        out << "CLUSTER=\"${CLUSTER:?set CLUSTER to the cluster name: the input has no describe-cluster}\"\n";
    } else {
        out << "CLUSTER=" << shell_quoted(plan.cluster) << '\n';
    }
    if (plan.mode_before != AuthenticationMode::kApiAndConfigMap &&
        plan.mode_before != AuthenticationMode::kApi) {
        out << "\n# Step 1a: access entries become possible; aws-auth still applies.\n"
               "aws eks update-cluster-config --name \"$CLUSTER\" --access-config "
               "authenticationMode=API_AND_CONFIG_MAP\n"
               "aws eks wait cluster-active --name \"$CLUSTER\"\n";
    }
    out << "\n# Step 1b: one access entry per aws-auth mapping in force.\n";
    for (const PlannedAccessEntry& planned : plan.entries) {
        const AccessEntry& entry = planned.entry;
        if (planned.created_by_eks) {
            out << "# " << entry.principal_arn
                << ": the cluster creator's entry, which EKS creates itself when the mode changes\n";
            continue;
        }
        out << "# from " << format_location(entry.location) << '\n';
        for (const std::string& difference : planned.differences) {
            out << "#   differs: " << difference << '\n';
        }
        out << "aws eks create-access-entry --cluster-name \"$CLUSTER\" --principal-arn "
            << shell_quoted(entry.principal_arn);
        if (entry.type != "STANDARD") {
            out << " --type " << entry.type;
        }
        if (entry.username) {
            out << " --username " << shell_quoted(*entry.username);
        }
        if (!entry.kubernetes_groups.empty()) {
            out << " --kubernetes-groups";
            for (const std::string& group : entry.kubernetes_groups) {
                out << ' ' << shell_quoted(group);
            }
        }
        out << '\n';
        for (const AccessPolicyAssociation& policy : planned.policies) {
            out << "aws eks associate-access-policy --cluster-name \"$CLUSTER\" --principal-arn "
                << shell_quoted(entry.principal_arn) << " --policy-arn " << shell_quoted(policy.policy_arn)
                << " --access-scope "
                << (policy.scope.cluster_wide ? std::string("type=cluster")
                                              : fmt::format("type=namespace,namespaces={}",
                                                            fmt::join(policy.scope.namespaces, ",")))
                << '\n';
        }
    }
    for (const UnmovedMapping& unmoved : plan.unmoved) {
        if (unmoved.in_force) {
            out << "# not moved: " << unmoved.mapping << ": " << unmoved.reason << '\n';
        }
    }
    // The one step that cannot be undone stays a comment: it is run by hand, once the cluster is checked.
    out << "\n# Step 2, by hand once step 1 is checked: aws-auth is ignored from then on"
        << (plan.equivalent() ? "; the proof found no difference.\n"
                              : ". The proof found differences: read rbacgraph migrate's text first.\n")
        << "# aws eks update-cluster-config --name \"$CLUSTER\" --access-config authenticationMode=API\n";
}

}  // namespace rbacgraph
