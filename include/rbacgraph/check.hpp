#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

#include "rbacgraph/estate.hpp"
#include "rbacgraph/evaluate.hpp"

namespace rbacgraph {

/// How bad a finding is; ordered from least to most severe.
enum class RiskSeverity : std::uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };

std::string_view to_string(RiskSeverity severity);
std::optional<RiskSeverity> parse_risk_severity(std::string_view text);
/// One step less severe (info stays info).
RiskSeverity lower(RiskSeverity severity);

/// The object a finding is about, as a reviewer would look it up.
struct ObjectRef {
    std::string kind;  ///< "ClusterRoleBinding", "ConfigMap", "AccessEntry", ...
    std::string ns;
    std::string name;

    std::string display() const;  ///< "ClusterRoleBinding ops-read", "RoleBinding dev/x"
};

/// Why a finding does not count.
struct Suppression {
    std::string source;  ///< "annotation" (in the manifest) or "config" (a --config file)
    std::string reason;
    SourceLocation location;
};

/// An immutable list of strings that many findings share: the ARNs holding one binding's grants are the same
/// for every finding about that binding (a 1M-object check made 3.9 million ARN copies, 382 MiB, for 773,100
/// findings). Copying it copies a pointer; it reads like a const std::vector<std::string>.
class SharedStrings {
  public:
    SharedStrings() = default;
    SharedStrings(std::vector<std::string> list)  // NOLINT(google-explicit-constructor): a list is a list
        : list_(list.empty() ? nullptr : std::make_shared<const std::vector<std::string>>(std::move(list))) {}
    SharedStrings(std::initializer_list<std::string> list)  // NOLINT(google-explicit-constructor)
        : SharedStrings(std::vector<std::string>(list)) {}
    /// Shares a list someone already holds (a cache of one list per binding).
    explicit SharedStrings(std::shared_ptr<const std::vector<std::string>> list) : list_(std::move(list)) {}

    const std::vector<std::string>& list() const { return list_ ? *list_ : kEmpty; }
    // NOLINTNEXTLINE(google-explicit-constructor): reads wherever a const list of strings is asked for
    operator const std::vector<std::string>&() const { return list(); }
    std::vector<std::string>::const_iterator begin() const { return list().begin(); }
    std::vector<std::string>::const_iterator end() const { return list().end(); }
    std::size_t size() const { return list_ ? list_->size() : 0; }
    bool empty() const { return size() == 0; }
    const std::string& operator[](std::size_t i) const { return list()[i]; }
    const std::string& front() const { return list().front(); }
    friend bool operator==(const SharedStrings& a, const SharedStrings& b) { return a.list() == b.list(); }

  private:
    static inline const std::vector<std::string> kEmpty;
    std::shared_ptr<const std::vector<std::string>> list_;
};

/// One risk found in the export. Hundreds of thousands are held at once in a large check (each in a rule's
/// list and, while they are filed, in the report's), so rare and fixed-size parts are kept small: the rule's
/// slug and ID view the catalog's static text, a suppression is shared, and the flags sit together.
struct Finding {
    std::string_view rule;  ///< slug, stamped by the runner (the catalog's text, which lives for the program)
    std::string_view id;    ///< RGnnn, stamped by the runner (likewise)
    std::string message;
    ObjectRef object;
    SourceLocation location;
    SharedStrings subjects;  ///< "Group ops", "ServiceAccount ns/name"
    SharedStrings arns;      ///< IAM ARNs that end up holding the risk
    /// Distinguishes findings of one rule on one object (an ARN, a subject); part of the fingerprint.
    std::string key;
    /// Annotation maps whose rbacgraph.io/suppress may silence this finding (the object, its role).
    std::vector<const std::map<std::string, std::string>*> annotations;
    /// The cluster it belongs to (stamped by the runner over several clusters; empty for IAM-wide findings
    /// and for a single unnamed cluster); part of the fingerprint.
    std::string cluster;
    /// For a finding about a grant that allows a probe, with CheckOptions::record_requests: the request it
    /// allows as the API server would ask it (in the grant's namespace, for its first listed name). Not
    /// written by the reports: the property test asks who-can and can-i --explain the same question and
    /// compares. Shared and only made when asked, so that the findings of a large check stay small.
    std::shared_ptr<const Request> request;
    const PolicyRule* rule_cited = nullptr;  ///< the rule it cites (valid while the graph lives)
    /// What an audit log shows of it (`check --audit`, usage.hpp add_evidence); never set by a rule.
    std::vector<std::string> evidence;

    // Stamped by the runner.
    std::string fingerprint;
    std::shared_ptr<const Suppression> suppression;  ///< null: not suppressed (rare, so held apart)

    /// Set by the rule where its judgement of this finding differs from the rule's default (a
    /// namespace-scoped grant, a dormant mapping, what reachable accounts can do); else stamped.
    std::optional<RiskSeverity> severity;
    bool builtin = false;       ///< on an object Kubernetes or EKS creates itself
    bool account_wide = false;  ///< about the IAM side alone: no cluster is stamped
    bool known = false;         ///< present in the baseline (stamped by the runner)
};

/// What a rule is, as the catalog and the docs show it.
struct RuleInfo {
    std::string_view id;    ///< "RG206": stable forever
    std::string_view slug;  ///< "secrets-access": stable forever, names the doc and fixtures
    std::string_view family;
    RiskSeverity severity = RiskSeverity::kMedium;
    std::string_view summary;
};

class CheckContext;
struct TakeoverEntry;

/// One rule of the catalog: data plus one function that adds findings.
struct Rule {
    RuleInfo info;
    void (*check)(const CheckContext& context, std::vector<Finding>& out) = nullptr;
};

/// A permission a rule looks for, e.g. {"create", "pods/exec"}.
struct Probe {
    Request request;
    /// The resource is cluster-scoped, so RoleBindings and namespace-scoped access policies cannot grant it.
    bool cluster_scoped = false;
    std::string label;  ///< "create pods/exec", for messages
    /// Some group ending in ".<the request's group>" (every ACK group is "<service>.services.k8s.aws").
    bool group_suffix = false;
    /// Some resource of the group (the request's resource is ignored).
    bool any_resource = false;

    /// The same probe limited to one namespace (only RoleBindings there, or cluster-wide grants, allow it).
    Probe in(std::string_view ns) const;
    /// The same probe on one named object.
    Probe named(std::string_view name) const;
};

/// "Group a, User b and 3 more" (at most `shown` names); "" for none.
std::string list_holders(std::span<const std::string> holders, std::size_t shown = 5);

/// Builds a probe from kubectl words ("pods/exec", "deployments.apps"); throws on a malformed resource (a bug
/// in a rule).
Probe probe(std::string_view verb, std::string_view resource, bool cluster_scoped = false);

/// Probes for each verb on each resource (in one namespace when ns is given).
std::vector<Probe> probes(std::initializer_list<std::string_view> verbs,
                          std::initializer_list<std::string_view> resources, bool cluster_scoped = false,
                          std::string_view ns = {});
/// The probes of both lists.
std::vector<Probe> concat(std::vector<Probe> first, const std::vector<Probe>& second);

/// One binding or access-policy association that allows a probe.
struct Capability {
    enum class Source { kBinding, kAccessPolicy };
    Source source = Source::kBinding;
    std::size_t index = 0;  ///< into Graph::bindings() or Graph::access_policy_grants()
    GrantId grant = 0;      ///< the source's first grant (every grant of a source shares scope and rules)
    const Probe* probe = nullptr;
    std::size_t rule = 0;            ///< the granting rule in the role's (policy's) effective rules
    std::vector<std::string> names;  ///< the resourceNames it is limited to; empty = every name
    bool cluster_wide = false;       ///< every namespace (or a cluster-scoped resource)

    /// The same binding or association (whichever probe each allows).
    bool same_grant(const Capability& other) const { return source == other.source && index == other.index; }
};

/// The grants (bindings, associations) some capabilities come from, asked in constant time whether another
/// capability comes from one of them: a rule that reports one probe only where another does not hold would
/// otherwise compare every pair (quadratic: minutes at a million objects).
class GrantSet {
  public:
    explicit GrantSet(std::span<const Capability> capabilities) {
        for (const Capability& capability : capabilities) {
            keys_.insert(key(capability));
        }
    }
    /// Whether `capability` comes from the same grant as one of them (Capability::same_grant).
    bool contains(const Capability& capability) const { return keys_.contains(key(capability)); }

  private:
    static std::uint64_t key(const Capability& capability) {
        return (static_cast<std::uint64_t>(capability.index) << 1U) |
               (capability.source == Capability::Source::kAccessPolicy ? 1U : 0U);
    }
    std::unordered_set<std::uint64_t> keys_;
};

/// A grant that lets a ServiceAccount take over the cluster or a namespace (whoever runs code as it holds
/// it): a capability another rule of the catalog rates high or critical, at that rule's severity.
struct AccountTakeover {
    std::string what;     ///< "escalate ClusterRoles", "read the Secrets of its namespace"
    bool cluster = true;  ///< over the cluster; false: over a namespace
    RiskSeverity severity = RiskSeverity::kHigh;  ///< what holding it is worth
    std::string grant;                            ///< the binding or policy that grants it (describe_grant)
    std::string_view rule;                        ///< the rule whose rating this is ("rbac-escalation")
    std::string account;  ///< whose it is, "namespace/name" (strongest_account_in and _anywhere only)
    /// What the grant leads to, to say after it: "; such a pod may run as ServiceAccount kube-system/x, which
    /// can ..." for a creator of pods rated by the account its pods may run as.
    std::string then;
};

/// Who drives an EKS capability (eks-iam.md 9.5) and what that is worth: the rating capability-drivers gives
/// and the takeover list uses.
struct CapabilityDrive {
    std::vector<Probe> probes;  ///< the Kubernetes writes that drive it (none for an unknown type)
    std::string writes;         ///< "create ACK resources (groups *.services.k8s.aws)"
    RiskSeverity severity = RiskSeverity::kMedium;  ///< high when its role may call every AWS action, or
                                                    ///< (kro) when this cluster maps the role
    std::string power;                              ///< what its IAM role holds, for messages
    std::string role_arn;                           ///< "" when the input does not name it
    Identity mapped;                                ///< the role as this cluster maps it
};

/// What an ACK IAMRoleSelector hands out (eks-iam.md 12, E9): for the ACK resources it selects, ACK acts as
/// the selector's role, so whoever creates ACK resources where it selects acts with that role.
struct SelectorDrive {
    /// Create ACK resources in the selected namespaces (any, when it selects all).
    std::vector<Probe> creators;
    std::vector<Probe> labellers;  ///< label namespaces into a label selector (none without one)
    std::string scope;  ///< "every namespace", "namespaces a, b", "namespaces labelled k=v (x in the input)"
    RiskSeverity severity = RiskSeverity::kMedium;  ///< high when the role may call every AWS action, low
                                                    ///< when the ACK role may not assume it
    std::string power;                              ///< what the role holds, for messages
    std::string trust;  ///< whether the ACK capability role may assume it, as the IAM dumps say, for messages
    /// "; selector t also matches (in a, b): ..." for the other selectors of the input that match some
    /// resource it matches (ACK then reconciles with neither role); "" when none.
    std::string conflicts;
};

struct CheckOptions {
    bool include_builtin = false;   ///< report findings on Kubernetes' and EKS's own objects
    bool record_requests = false;   ///< give findings about grants their Finding::request
    std::set<std::string> enabled;  ///< slugs to run; empty = all
};

/// Where a context sits in a run over an estate: the IAM side, and which cluster of it.
struct CheckScope {
    const Estate* estate = nullptr;
    const ReachIndex* reach = nullptr;  ///< set when the estate has IAM dumps
    std::size_t cluster = 0;            ///< index into estate->clusters()
};

/// What rules may ask: the graph, the evaluator, and indexes built once per run.
class CheckContext {
  public:
    CheckContext(const Graph& graph, const CheckOptions& options, CheckScope scope = {});
    ~CheckContext();
    CheckContext(const CheckContext&) = delete;
    CheckContext& operator=(const CheckContext&) = delete;

    const Graph& graph() const { return *graph_; }
    /// The IAM side of the run (nullptr without IAM dumps).
    const IamIndex* iam() const {
        return scope_.estate != nullptr && scope_.estate->has_iam() ? &scope_.estate->iam() : nullptr;
    }
    /// Every ServiceAccount -> IAM role edge of the cluster (IRSA, Pod Identity), trusts evaluated against
    /// the IAM dumps when the run has them.
    const std::vector<WorkloadRole>& workload_roles() const;
    /// Who reaches each role (nullptr without IAM dumps, or when no iam rule runs).
    const ReachIndex* reach() const { return scope_.reach; }
    /// Rules about the IAM side alone (not about one cluster) report in the first cluster's run only.
    bool first_cluster() const { return scope_.cluster == 0; }
    /// The cluster's name ("" for a single unnamed cluster).
    std::string_view cluster_name() const;
    const Export& source() const { return graph_->source(); }
    bool rule_enabled(std::string_view slug) const;

    /// The grant table: Grant values, sources' grants, holders (rbacgraph/grants.hpp).
    const GrantTable& grants() const;
    /// The grant a capability comes from (its source's first).
    Grant grant(const Capability& capability) const;
    /// The bindings and access-policy associations that allow any of the probes (the first probe each one
    /// allows). Grants that give everything at cluster scope are left out while cluster-admin-binding runs,
    /// which reports them once.
    std::vector<Capability> capabilities(std::span<const Probe> probes) const;
    /// The bindings and associations in force whose rules allow every verb on every resource of every group
    /// (at their scope), each with the rule that does (what can-i --explain cites).
    std::vector<Capability> admin_grants() const;
    /// Capabilities of the primary probes whose holder (a subject, or an access entry's ARN) also holds one
    /// of the secondary probes, with that second capability.
    std::vector<std::pair<Capability, Capability>> combined(std::span<const Probe> primary,
                                                            std::span<const Probe> secondary) const;
    /// The namespace a namespace-wide capability's grant applies in: a RoleBinding's, or the first of an
    /// access scope's; "" for a cluster-wide one.
    std::string grant_namespace(const Capability& capability) const;
    /// Whether the capability's grant allows its probe in namespace ns (a cluster-wide grant: in every one).
    bool allows_in(const Capability& capability, std::string_view ns) const;
    /// Who holds a capability: the grant table's holders of the binding, as they match ("Group ops",
    /// "ServiceAccount ns/name"), or the access entry's principal ARN.
    std::vector<std::string> holders(const Capability& capability) const;
    /// The holders of a binding (see holders()).
    std::vector<std::string> binding_holders(std::size_t binding) const;
    /// The same list, made once per binding and shared by the findings about it.
    SharedStrings subjects_of_binding(std::size_t binding) const;
    /// Who holds any of the probes (cluster admins included), sorted and unique, leaving out the holders of
    /// built-in bindings (system:masters, the controllers), which every cluster has.
    std::vector<std::string> holders_outside_builtin(std::span<const Probe> probes) const;
    /// The strongest takeover the ServiceAccount holds (the takeover list, analyzer/check/takeover.cpp: every
    /// capability another rule rates high or critical, at that severity; cluster-wide before namespaced, the
    /// first of equals). Creating pods counts as the strongest account of the namespaces it reaches.
    /// direct_cluster_only: only cluster-wide grants it holds itself (what workload-create rates accounts
    /// by).
    std::optional<AccountTakeover> account_takeover(std::string_view ns, std::string_view name,
                                                    bool direct_cluster_only = false) const;
    /// The same for any identity (a ServiceAccount's own namespace is `ns`; "" for others).
    std::optional<AccountTakeover> identity_takeover(const Identity& identity, std::string_view ns = {},
                                                     bool direct_cluster_only = false) const;
    /// Who drives an EKS capability, and what that is worth.
    CapabilityDrive capability_drive(const EksCapability& capability) const;
    SelectorDrive ack_selector_drive(const AckRoleSelector& selector) const;
    /// What an IAM role may do in AWS, for messages, and whether that is every action (AdministratorAccess).
    std::pair<bool, std::string> iam_role_power(const std::string& role_arn) const;
    /// The strongest direct cluster-wide takeover of a namespace's ServiceAccounts (those that hold anything,
    /// and its default account), with its account; nullopt when none holds one or the namespace has none.
    std::optional<AccountTakeover> strongest_account_in(const std::string& ns) const;
    /// The same over every namespace (the first in order wins a tie).
    std::optional<AccountTakeover> strongest_account_anywhere() const;
    /// The ServiceAccounts strongest_account_in considers, by namespace (kube-system's always).
    const std::map<std::string, std::set<std::string>>& service_accounts_by_namespace() const;
    /// The first high or critical takeover that these rules allow when bound cluster-wide (ns empty) or in
    /// namespace ns: what a modified built-in role adds, what a named role hands out; nullopt when none.
    std::optional<AccountTakeover> rules_takeover(const std::vector<PolicyRule>& rules,
                                                  std::string_view ns = {}) const;
    /// What binding (or editing) roles of these names hands out: whether any exists (resourceNames are
    /// literal names, so '*' names only a role called '*'), and the strongest takeover of them with its
    /// role's name.
    struct NamedRoles {
        bool exists = false;
        std::optional<AccountTakeover> takeover;
        std::string role;
    };
    /// Roles of these names: ClusterRoles, or Roles of namespace ns (of any namespace when ns is empty),
    /// rated as bound in ns (cluster-wide when ns is empty).
    NamedRoles named_roles_takeover(const std::vector<std::string>& names, bool cluster_roles,
                                    std::string_view ns) const;
    /// The first rule that grants more than API discovery (resources, or non-resource URLs other than /api,
    /// /apis, /version, /healthz, /livez, /readyz, /openapi and their sub-paths). Reading core ConfigMaps
    /// limited by resourceNames (published information, as kube-public/cluster-info) and creating self
    /// reviews (what system:basic-user grants) count as discovery.
    static std::optional<std::size_t> first_rule_beyond_discovery(const std::vector<PolicyRule>& rules);

    /// Every identity a mapping of the export produces (resolve_arn over aws-auth, access entries, creator).
    /// Builds every index that is otherwise built on first use, after which the context is only read and
    /// rules may run on several threads at once.
    void warm_up() const;
    /// The mapped identities with their authorizers and who holds each grant row (built once: matching
    /// templated usernames against every holder is the costly part).
    const MappedAccess& access() const;
    const std::vector<Authorizer>& mapped_authorizers() const { return access().authorizers(); }
    /// Mapped ARNs whose identity a binding applies to (sorted).
    SharedStrings arns_of_binding(std::size_t binding) const;
    /// Mapped ARNs whose identity carries the group (sorted).
    std::vector<std::string> arns_with_group(std::string_view group) const;

    /// A finding for a capability: object, location, subjects, ARNs and a message
    /// "<subjects> can <what> <scope> via <binding> -> <role> (rule at file:line)".
    Finding finding_for(const Capability& capability, std::string_view what) const;

    /// For a binding's grant whose role grants more than discovery: a finding "<who> can use <rule><what>
    /// ... via <binding> -> <role>" naming only that holder; nullopt when the role grants discovery at most.
    std::optional<Finding> beyond_discovery_finding(GrantId grant, const std::string& who,
                                                    std::string_view what = {}) const;
    /// A finding about a binding: object, location, all its subjects, its annotations, whether it is built
    /// in.
    Finding finding_for(const Binding& binding, std::string message) const;
    /// A finding about one aws-auth entry (object: ConfigMap kube-system/aws-auth, at the entry's line).
    Finding finding_for(const AwsAuthEntry& entry, std::string message) const;
    /// A finding about what an aws-auth entry grants, judged by whether the entry is used: one that is
    /// shadowed or never matches grants nothing now, so the finding is low and says why ("dormant").
    Finding finding_for_grant(const AwsAuthEntry& entry, std::string message) const;
    /// A finding about one access entry.
    Finding finding_for(const AccessEntry& entry, std::string message) const;
    /// A finding about an IAM principal of the dumps (object IAMUser/IAMRole, namespace = account), whose
    /// ARNs are the principal and every principal that reaches it by sts:AssumeRole.
    Finding finding_for(const IamPrincipal& principal, std::string message) const;
    /// "user alice" or "role ops" for messages.
    static std::string short_name(const IamPrincipal& principal);

    /// How a role or binding of the export compares with its definition in the bootstrap policy, and what a
    /// modified one adds (nullptr unless kModified).
    struct BuiltinComparison {
        BuiltinStatus status = BuiltinStatus::kNone;
        const BuiltinDifference* difference = nullptr;
    };
    BuiltinComparison builtin_comparison(const Role& role) const;
    BuiltinComparison builtin_comparison(const Binding& binding) const;
    /// Objects Kubernetes creates itself: equal, in what they grant, to their definition in the bootstrap
    /// policy (a binding's role too). Names, labels and subject prefixes decide nothing (Graph,
    /// BuiltinStatus).
    bool is_builtin_binding(const Binding& binding) const;
    bool is_builtin_role(const Role& role) const;
    /// The index in Graph::bindings() of a binding of this context's export.
    std::size_t binding_index(const Binding& binding) const;

  private:
    struct Cache;
    struct Takeovers;
    Takeovers& takeovers() const;
    std::vector<Capability> capabilities_of(std::span<const Probe> probes,
                                            bool admin_reported_elsewhere) const;
    Finding describe_capability(const Capability& capability, std::string_view what) const;
    std::optional<std::string> held(const Authorizer& authorizer, const TakeoverEntry& entry,
                                    std::string_view ns) const;

    const Graph* graph_;
    const CheckOptions* options_;
    CheckScope scope_;
    std::unique_ptr<Cache> cache_;
    mutable std::once_flag takeovers_once_;
    mutable std::unique_ptr<Takeovers> takeovers_;
};

/// One finding per capability of the probes ("can <probe>"); grants limited to one namespace are one
/// severity below the rule's when lower_when_namespaced.
void report_capabilities(const CheckContext& context, const RuleInfo& rule, std::span<const Probe> probes,
                         std::vector<Finding>& out, bool lower_when_namespaced = true);

/// A suppression from a --config file: every given field must match (glob '*'); rule may be an ID or slug.
struct SuppressionRule {
    std::string rule;
    std::string kind;
    std::string ns;
    std::string name;
    std::string subject;
    std::string arn;
    std::string reason;
    SourceLocation location;
};

/// What a --config file holds.
struct CheckConfig {
    std::string file;  ///< where it was read from ("" when there is none)
    std::vector<SuppressionRule> suppressions;
    std::vector<std::string> enable;   ///< run only these rules (as --enable)
    std::vector<std::string> disable;  ///< as --disable
    /// As the command-line options of the same names, which win over them.
    std::optional<std::string> fail_on;
    std::optional<std::string> min_severity;
    std::optional<std::string> baseline;  ///< relative to the config file's directory
    std::vector<std::string> exclude;     ///< globs of input files not to read (LoadOptions::exclude)
    /// As --default-namespace, --kubernetes-version (validated as a version) and --creator (validated as an
    /// IAM principal ARN); the command line's win.
    std::optional<std::string> default_namespace;
    std::optional<std::string> kubernetes_version;
    std::optional<std::string> creator;
};

/// The keys a config file may hold (docs/check.md, "Configuration").
std::span<const std::string_view> check_config_keys();

/// Reads a config YAML file (--config, or .rbacgraph.yaml found by find_check_config); problems become
/// diagnostics (the file's entries that parse still apply). An unknown key or a rule name no rule has is an
/// error with the nearest known name.
CheckConfig load_check_config(const std::string& file, std::vector<Diagnostic>& diagnostics,
                              std::span<const Rule> rules);

/// The config file a run uses when none is given: .rbacgraph.yaml in `start` or the nearest parent, looking
/// no further up than the repository root (the first directory holding .git); nullopt when there is none.
std::optional<std::string> find_check_config(const std::filesystem::path& start);

/// Fingerprints of a baseline file (written by --write-baseline, or any `check -o json` output).
std::optional<std::set<std::string>> load_baseline(const std::string& file,
                                                   std::vector<Diagnostic>& diagnostics);

struct CheckRun {
    std::span<const Rule> rules;
    CheckOptions options;
    CheckConfig config;
    std::optional<std::set<std::string>> baseline;
    /// Threads the rules (one cluster) or the clusters (an estate) run on; 0 = one per core. The report does
    /// not depend on it.
    unsigned threads = 0;
};

/// The result of `check`: findings sorted by file, line, column, rule ID.
/// What one rule cost (check --timings).
struct RuleTiming {
    std::string slug;
    double seconds = 0;
    std::size_t findings = 0;
};

struct CheckReport {
    std::vector<Finding> findings;    ///< reported ones, including suppressed and known (flagged)
    std::vector<RuleTiming> timings;  ///< every rule that ran, in catalog order
    std::size_t builtin_hidden = 0;
    std::size_t baseline_fixed = 0;       ///< baseline entries no longer found
    std::vector<Diagnostic> diagnostics;  ///< suppression annotations or config entries that are wrong

    /// Findings that fail the run: not suppressed, not known, at or above the threshold.
    std::size_t failing(std::optional<RiskSeverity> threshold) const;
};

/// Runs the enabled rules, stamps IDs, severities and fingerprints, applies suppressions and the baseline.
CheckReport run_checks(const Graph& graph, const CheckRun& run);
/// The same over every cluster of the estate (findings carry their cluster) and its IAM dumps.
CheckReport run_checks(const Estate& estate, const CheckRun& run);

/// The rule a slug or ID names, or nullptr.
const Rule* find_rule(std::span<const Rule> rules, std::string_view slug_or_id);
/// For a name that is no rule: the nearest slug or ID ("secret-acess" -> "secret-access"), or "".
std::string nearest_rule(std::span<const Rule> rules, std::string_view name);

/// The slugs a run enables: every rule, or only `enable` when it names any, less `disable` (IDs or slugs);
/// the error text when a name is no rule or nothing is left.
std::variant<std::set<std::string>, std::string> select_rules(std::span<const Rule> rules,
                                                              const std::vector<std::string>& enable,
                                                              const std::vector<std::string>& disable);

}  // namespace rbacgraph
