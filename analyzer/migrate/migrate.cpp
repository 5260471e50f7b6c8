// rbacgraph migrate: aws-auth mappings as EKS access entries, proved by the diff engine (docs/migrate.md).
#include "rbacgraph/migrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "rbacgraph/arn.hpp"
#include "rbacgraph/identity.hpp"

namespace rbacgraph {
namespace {

constexpr std::string_view kMasters = "system:masters";
constexpr std::string_view kAuthenticated = "system:authenticated";
constexpr std::string_view kNodes = "system:nodes";
constexpr std::string_view kBootstrappers = "system:bootstrappers";
constexpr std::string_view kNodeProxier = "system:node-proxier";
constexpr std::string_view kWindowsProxy = "eks:kube-proxy-windows";

bool contains(const std::vector<std::string>& values, std::string_view value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

std::string policy_arn(std::string_view partition, std::string_view policy) {
    return fmt::format("arn:{}:eks::aws:cluster-access-policy/{}", partition.empty() ? "aws" : partition,
                       policy);
}

// The node entry types an aws-auth mapping stands for, by the mappings EKS and eksctl write (eks-iam.md 3.8:
// node roles `system:node:{{EC2PrivateDNSName}}` with system:bootstrappers and system:nodes, eksctl's Windows
// node groups add eks:kube-proxy-windows; the Fargate pod execution role `system:node:{{SessionName}}` adds
// system:node-proxier; hybrid nodes' role the same username without it, EKS user guide
// hybrid-nodes-cluster-prep).
std::optional<std::string> node_entry_type(const AwsAuthEntry& entry) {
    if (entry.section != AwsAuthSection::kMapRoles || !contains(entry.groups, kNodes)) {
        return std::nullopt;
    }
    if (entry.username == "system:node:{{EC2PrivateDNSName}}") {
        return contains(entry.groups, kWindowsProxy) ? "EC2_WINDOWS" : "EC2_LINUX";
    }
    if (entry.username == "system:node:{{SessionName}}") {
        return contains(entry.groups, kNodeProxier) ? "FARGATE_LINUX" : "HYBRID_LINUX";
    }
    return std::nullopt;
}

// The username EKS gives a STANDARD entry that names none (eks-iam.md 4.3, EKS user guide creating-access-
// entries): a user's ARN; a role's session ARN without the role's path.
std::string default_username(const Principal& principal) {
    if (principal.kind == PrincipalKind::kUser) {
        return principal.original;
    }
    return fmt::format("arn:{}:sts::{}:assumed-role/{}/{{{{SessionName}}}}", principal.partition,
                       principal.account, principal.name);
}

// Why EKS refuses a custom username, or nullopt (eks-iam.md 4.2; EKS user guide creating-access-entries: a
// username may not start with system:, eks:, aws:, amazon: or iam:, and {{SessionName}} needs a ':' before
// it).
std::optional<std::string> username_refused(std::string_view username) {
    static constexpr std::array<std::string_view, 5> kReserved = {
        "system:", "eks:", "aws:", "amazon:", "iam:"};
    for (const std::string_view prefix : kReserved) {
        if (username.starts_with(prefix)) {
            return fmt::format("starts with '{}', a prefix EKS reserves", prefix);
        }
    }
    for (const std::string_view name :
         {std::string_view("{{SessionName}}"), std::string_view("{{SessionNameRaw}}")}) {
        const std::size_t at = username.find(name);
        if (at != std::string_view::npos && username.substr(0, at).find(':') == std::string_view::npos) {
            return fmt::format("has {} with no ':' before it, which EKS refuses", name);
        }
    }
    return std::nullopt;
}

AccessPolicyAssociation cluster_admin(const std::string& principal_arn, std::string_view partition,
                                      const SourceLocation& location) {
    AccessPolicyAssociation association;
    association.principal_arn = principal_arn;
    association.policy_arn = policy_arn(partition, "AmazonEKSClusterAdminPolicy");
    association.location = location;
    return association;
}

// What system:masters gives that AmazonEKSClusterAdminPolicy at cluster scope does not (eks-iam.md 4.6, EKS
// user guide access-policies; Kubernetes' privileged-group authorizer runs before every other).
constexpr std::string_view kMastersDifference =
    "system:masters cannot be an access entry's group (EKS refuses system: groups): "
    "AmazonEKSClusterAdminPolicy "
    "at cluster scope replaces it. It allows every request too, but as an access policy: it does not follow "
    "the principal into impersonated requests, `kubectl auth can-i --list` does not show it, and the "
    "requests "
    "no longer carry the group system:masters that admission webhooks and audit rules may look for";

PlannedAccessEntry plan_entry(const AwsAuthEntry& mapping, const Principal& principal) {
    PlannedAccessEntry planned;
    planned.source = &mapping;
    AccessEntry& entry = planned.entry;
    entry.principal_arn = principal.canonical_arn();
    entry.location = mapping.location;
    if (const auto type = node_entry_type(mapping)) {
        entry.type = *type;
        for (const std::string& group : mapping.groups) {
            const bool carried = group == kNodes || group == kBootstrappers || group == kAuthenticated ||
                                 (group == kNodeProxier && *type == "FARGATE_LINUX") ||
                                 (group == kWindowsProxy && *type == "EC2_WINDOWS");
            if (!carried) {
                planned.differences.push_back(
                    fmt::format("group {} is not carried: a {} entry takes no kubernetesGroups (EKS API "
                                "CreateAccessEntry), so what is bound to it is lost",
                                group, *type));
            }
        }
        if (*type == "EC2_LINUX" || *type == "EC2_WINDOWS") {
            planned.differences.push_back(
                "its groups become system:nodes alone (EKS user guide creating-access-entries); "
                "system:bootstrappers is not carried, and EKS grants node entries what nodes need itself");
        } else {
            planned.differences.push_back(fmt::format(
                "AWS does not publish the groups EKS gives {} entries (eks-iam.md 4.3): what is bound to "
                "the mapping's groups may change",
                *type));
        }
        return planned;
    }
    const std::string standard_name = default_username(principal);
    if (mapping.username.empty()) {
        planned.differences.push_back(fmt::format(
            "the mapping has no username (the authenticator passes an empty one); the entry gets EKS's "
            "default, {}",
            standard_name));
    } else if (const auto refused = username_refused(mapping.username)) {
        planned.differences.push_back(fmt::format(
            "username {} {}: the entry gets EKS's default, {}, and what is bound to User {} is lost",
            mapping.username, *refused, standard_name, mapping.username));
    } else if (mapping.username != standard_name) {
        entry.username = mapping.username;
        // EKS documents {{SessionName}} and {{SessionNameRaw}} in a custom username (eks-iam.md 4.2); whether
        // it accepts the authenticator's other templates is not published.
        for (const std::string_view other :
             {std::string_view("{{AccountID}}"), std::string_view("{{EC2PrivateDNSName}}"),
              std::string_view("{{AccessKeyID}}")}) {
            if (mapping.username.find(other) != std::string::npos) {
                planned.differences.push_back(
                    fmt::format("username {} uses {}, which EKS does not document for access entries: the "
                                "API may refuse it, "
                                "and how EKS would render it is not published",
                                mapping.username, other));
            }
        }
    }
    for (const std::string& group : mapping.groups) {
        if (group == kAuthenticated) {
            continue;  // every authenticated identity has it (authenticated_group_adder.go)
        }
        if (group == kMasters) {
            planned.policies.push_back(
                cluster_admin(entry.principal_arn, principal.partition, mapping.location));
            planned.differences.emplace_back(kMastersDifference);
        } else if (group.starts_with("system:")) {
            planned.differences.push_back(
                fmt::format("group {} cannot be an access entry's group (EKS refuses system: groups): what "
                            "is bound to it "
                            "is lost",
                            group));
        } else if (!contains(entry.kubernetes_groups, group)) {
            entry.kubernetes_groups.push_back(group);
        }
    }
    return planned;
}

std::string mapping_name(const AwsAuthEntry& entry) {
    return fmt::format("{} {}", entry.section == AwsAuthSection::kMapRoles ? "mapRoles" : "mapUsers",
                       entry.arn);
}

// IAM principals of the dumps in `account` that only mapAccounts admits: what resolve_arn answers for them.
std::vector<std::string> admitted_by_account(const Graph& graph, std::string_view account) {
    std::vector<std::string> out;
    const auto visit = [&](const std::string& arn) {
        const auto parsed = parse_principal_arn(arn);
        const auto* principal = std::get_if<Principal>(&parsed);
        if (principal != nullptr && principal->account == account &&
            resolve_arn(graph, arn).source == IdentitySource::kMapAccounts) {
            out.push_back(arn);
        }
    };
    for (const IamAccountDetails& details : graph.source().iam) {
        for (const IamUser& user : details.users) {
            visit(user.arn);
        }
        for (const IamRole& role : details.roles) {
            visit(role.arn);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// The diff's changes that are differences for a migration: permissions gained or lost, or a username or
// groups that change. An identity whose only change is its source (aws-auth -> access entry) is the move
// itself.
void keep_differences(AccessDiff& diff) {
    std::erase_if(diff.changes, [](const AccessChange& change) {
        return change.gained.empty() && change.lost.empty() &&
               change.username_before == change.username_after && change.groups_before == change.groups_after;
    });
}

}  // namespace

Export migrated_export(const Graph& graph, const MigrationPlan& plan, AuthenticationMode mode) {
    Export out = graph.source();
    if (!out.cluster) {
        out.cluster.emplace();
    }
    out.cluster->mode = mode;
    for (const PlannedAccessEntry& planned : plan.entries) {
        out.access_entries.push_back(planned.entry);
        out.access_policies.insert(out.access_policies.end(), planned.policies.begin(),
                                   planned.policies.end());
    }
    return out;
}

bool MigrationPlan::equivalent() const {
    return std::all_of(steps.begin(), steps.end(),
                       [](const MigrationStep& step) { return step.unchanged(); });
}

bool MigrationPlan::undetermined() const {
    for (const MigrationStep& step : steps) {
        for (const AccessChange& change : step.diff.changes) {
            for (const auto* rows : {&change.gained, &change.lost}) {
                if (std::any_of(rows->begin(), rows->end(),
                                [](const PermissionRow& row) { return row.undetermined; })) {
                    return true;
                }
            }
        }
    }
    return false;
}

MigrationPlan plan_migration(const Graph& graph, const CheckRun& run) {
    MigrationPlan plan;
    const Export& source = graph.source();
    plan.cluster = source.cluster ? source.cluster->name : "";
    plan.cluster_arn = source.cluster ? source.cluster->arn : "";
    plan.mode_before = graph.mode();
    if (graph.mode_inferred()) {
        plan.notes.emplace_back(
            "the authentication mode is inferred from the access entries (no describe-cluster): it is read "
            "as "
            "API_AND_CONFIG_MAP; in API mode aws-auth is already ignored and nothing here applies");
    }
    if (plan.mode_before == AuthenticationMode::kApi) {
        plan.notes.emplace_back(
            "the cluster is in API mode: aws-auth is ignored and there is nothing to move");
        return plan;
    }
    if (source.aws_auth) {
        for (const auto* section : {&source.aws_auth->map_roles, &source.aws_auth->map_users}) {
            for (const AwsAuthEntry& mapping : *section) {
                const AwsAuthEntryStatus status = aws_auth_entry_status(graph, mapping);
                if (status.state != AwsAuthEntryStatus::State::kInForce) {
                    const bool shadowed = status.state == AwsAuthEntryStatus::State::kShadowed;
                    plan.unmoved.push_back({mapping.location,
                                            mapping_name(mapping),
                                            fmt::format("{}: {}",
                                                        shadowed ? "not moved, it grants nothing now"
                                                                 : "dropped, it matches nobody",
                                                        status.reason),
                                            false,
                                            {}});
                    continue;
                }
                const Principal principal = std::get<Principal>(parse_principal_arn(mapping.arn));
                plan.entries.push_back(plan_entry(mapping, principal));
            }
        }
        for (const AwsAuthAccount& account : source.aws_auth->map_accounts) {
            UnmovedMapping unmoved{
                account.location, "mapAccounts " + account.account,
                "access entries have no equivalent: each principal needs an entry of its own", true,
                admitted_by_account(graph, account.account)};
            if (source.iam.empty()) {
                unmoved.reason += " (give the account's IAM dump to list who would lose access)";
            }
            plan.unmoved.push_back(std::move(unmoved));
        }
        for (const std::string& key : source.aws_auth->unknown_keys) {
            plan.notes.push_back(fmt::format(
                "aws-auth {} is known only after apply: its entries cannot be planned, and the proof is "
                "undetermined for what they may map",
                key));
        }
    }
    // A CONFIG_MAP cluster's creator has a hidden system:masters mapping; moving to an API mode makes EKS
    // create its access entry with AmazonEKSClusterAdminPolicy (eks-iam.md 6).
    const bool config_map_only = plan.mode_before == AuthenticationMode::kConfigMap ||
                                 plan.mode_before == AuthenticationMode::kUnknown;
    if (config_map_only && !graph.options().creator_arn.empty()) {
        const auto parsed = parse_principal_arn(graph.options().creator_arn);
        if (const auto* principal = std::get_if<Principal>(&parsed)) {
            PlannedAccessEntry creator;
            creator.created_by_eks = true;
            creator.entry.principal_arn = principal->canonical_arn();
            creator.entry.location = graph.options().creator_origin;
            creator.policies.push_back(
                cluster_admin(creator.entry.principal_arn, principal->partition, creator.entry.location));
            creator.differences.emplace_back(kMastersDifference);
            plan.entries.push_back(std::move(creator));
        }
    } else if (config_map_only) {
        plan.notes.emplace_back(
            "the cluster creator is not known (--creator): EKS creates its access entry with "
            "AmazonEKSClusterAdminPolicy when the mode changes, which the proof cannot show without it");
    }
    // The proof: each step applied to the model, compared with the cluster as it is.
    const CheckReport before = run_checks(graph, run);
    // One step: `applied` (the plan, or nothing) at `mode`, compared with the cluster as it is. In API mode
    // aws-auth is ignored, so what only mapAccounts admitted is locked out.
    const auto prove = [&](const MigrationPlan& applied, AuthenticationMode mode) {
        const Graph after(migrated_export(graph, applied, mode), graph.options());
        MigrationStep step;
        step.mode = mode;
        step.diff = diff_access(graph, after, before, run_checks(after, run));
        keep_differences(step.diff);
        if (mode == AuthenticationMode::kApi) {
            for (const UnmovedMapping& unmoved : plan.unmoved) {
                step.locked_out.insert(step.locked_out.end(), unmoved.principals.begin(),
                                       unmoved.principals.end());
            }
        }
        return step;
    };
    if (plan.mode_before == AuthenticationMode::kApiAndConfigMap) {
        MigrationStep step = prove(MigrationPlan{}, AuthenticationMode::kApi);
        // Nodes first: a node that cannot authenticate stops every workload on it.
        std::stable_partition(
            step.diff.changes.begin(), step.diff.changes.end(),
            [](const AccessChange& change) { return change.username_before.starts_with("system:node:"); });
        plan.api_now = std::move(step);
    }
    for (const AuthenticationMode mode : {AuthenticationMode::kApiAndConfigMap, AuthenticationMode::kApi}) {
        plan.steps.push_back(prove(plan, mode));
    }
    return plan;
}

}  // namespace rbacgraph
