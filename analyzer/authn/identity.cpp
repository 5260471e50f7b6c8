#include "rbacgraph/identity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

namespace rbacgraph {
namespace {

constexpr std::string_view kMasters = "system:masters";
constexpr std::string_view kAuthenticated = "system:authenticated";

struct Query {
    Principal principal;
    std::string canonical;  ///< what aws-auth compares with (EqualFold)
    TemplateContext context;
};

Query make_query(const Principal& principal, Identity& identity) {
    Query query{
        principal, principal.canonical_arn(), {principal.account, TemplateContext::Session::kNone, {}}};
    switch (principal.kind) {
        case PrincipalKind::kAssumedRole:
            query.context.session = TemplateContext::Session::kKnown;
            query.context.session_name = principal.session;
            if (!is_valid_session_name(principal.session)) {
                identity.notes.push_back(fmt::format(
                    "session name '{}' is not one STS issues ([\\w+=,.@-]{{2,64}})", principal.session));
            }
            break;
        case PrincipalKind::kRole:
            // A role is used through sessions, whose ARNs carry no path and whose name the assumer picks.
            query.canonical = principal.session_role_arn();
            query.context.session = TemplateContext::Session::kAny;
            if (principal.path != "/") {
                identity.notes.push_back(
                    fmt::format("role path '{}' dropped: STS session ARNs carry no path, so "
                                "sessions of this role present as {}",
                                principal.path, query.canonical));
            }
            break;
        case PrincipalKind::kUser:
        case PrincipalKind::kFederatedUser:
        case PrincipalKind::kRoot:
            break;
    }
    return query;
}

// Renders the username and groups; false (with the denial set) when rendering fails, which denies the login.
bool render_identity(std::string_view username, const std::vector<std::string>& groups, const Query& query,
                     Identity& identity) {
    auto rendered = render_template(username, query.context);
    if (const auto* problem = std::get_if<std::string>(&rendered)) {
        identity.denial = *problem;
        return false;
    }
    identity.username = std::get<IdentityValue>(std::move(rendered));
    for (const std::string& group : groups) {
        auto rendered_group = render_template(group, query.context);
        if (const auto* problem = std::get_if<std::string>(&rendered_group)) {
            identity.denial = "group '" + group + "': " + *problem;
            return false;
        }
        identity.groups.push_back(std::get<IdentityValue>(std::move(rendered_group)));
    }
    return true;
}

void explain_templates(Identity& identity) {
    bool session = identity.username.depends_on_session();
    bool unknowable = identity.username.has_unknowable();
    for (const IdentityValue& group : identity.groups) {
        session = session || group.depends_on_session();
        unknowable = unknowable || group.has_unknowable();
    }
    if (session) {
        identity.notes.push_back(
            "{{SessionName}} is chosen by whoever assumes the role: any name matching "
            "[\\w+=,.@-]{2,64} ('@' becomes '-'), so every such username is reachable");
    }
    const bool node =
        std::any_of(identity.groups.begin(), identity.groups.end(), [](const IdentityValue& group) {
            return group.is_literal() && group.literal_text() == "system:nodes";
        });
    if (node && identity.username.literal_text().starts_with("system:node:")) {
        // node_authorizer.go: users named system:node:* in group system:nodes are also served by the Node
        // authorizer, whose grants depend on the pods bound to the node (not modeled here).
        identity.notes.push_back(
            "as a node identity it is also authorized by the Node authorizer (kubelet access "
            "limited to its own pods' objects), which rbacgraph does not model");
    }
    if (unknowable) {
        identity.notes.push_back(
            "part of the identity cannot be known offline (<...>); bindings that need its exact "
            "value are reported as undetermined, not granted");
    }
}

IdentityValue unknowable(std::string what) {
    IdentityValue value;
    value.parts.push_back({ValuePart::Kind::kUnknowable, std::move(what)});
    return value;
}

// EKS user guide, creating-access-entries: default usernames and groups per entry type.
std::pair<std::string, std::vector<std::string>> access_entry_defaults(const AccessEntry& entry,
                                                                       const Principal& principal) {
    if (entry.type == "EC2_LINUX" || entry.type == "EC2_WINDOWS") {
        return {"system:node:{{EC2PrivateDNSName}}", {"system:nodes"}};
    }
    if (entry.type == "FARGATE_LINUX" || entry.type == "HYBRID_LINUX" || entry.type == "EC2") {
        return {"system:node:{{SessionName}}", {"system:nodes"}};
    }
    if (principal.kind == PrincipalKind::kRole) {
        return {fmt::format("arn:{}:sts::{}:assumed-role/{}/{{{{SessionName}}}}", principal.partition,
                            principal.account, principal.name),
                {}};
    }
    return {entry.principal_arn, {}};
}

bool resolve_access_entry(const Graph& graph, const Query& query, Identity& identity) {
    const auto found = graph.access_entries().find(access_entry_key(query.canonical));
    if (found == graph.access_entries().end()) {
        return false;
    }
    const AccessEntry& entry = *found->second;
    identity.source = IdentitySource::kAccessEntry;
    identity.source_location = entry.location;
    identity.source_detail = fmt::format("{} access entry for {}", entry.type, entry.principal_arn);
    const auto parsed = parse_principal_arn(entry.principal_arn);
    const Principal entry_principal =
        std::holds_alternative<Principal>(parsed) ? std::get<Principal>(parsed) : query.principal;
    auto [username, groups] = access_entry_defaults(entry, entry_principal);
    if (entry.username) {
        username = *entry.username;
    }
    if (entry.described && (!entry.kubernetes_groups.empty() || entry.type == "STANDARD")) {
        groups = entry.kubernetes_groups;
    }
    if (!entry.described) {
        identity.notes.push_back(
            "the access entry was not described (describe-access-entry); its default username "
            "and groups are assumed");
    }
    identity.access_entry = &entry;
    if (!is_documented_entry_type(entry.type) || entry.type == "HYPERPOD_LINUX") {
        // eks-iam.md 4.3: AWS publishes no username or groups for HYPERPOD_LINUX, and an unknown type is not
        // STANDARD: the identity is undetermined (its access policies still apply, they belong to the entry).
        identity.username =
            unknowable(fmt::format("username EKS gives {} entries, not published", entry.type));
        identity.groups = {unknowable(fmt::format("groups EKS gives {} entries, not published", entry.type))};
        identity.undetermined.push_back(
            is_documented_entry_type(entry.type)
                ? fmt::format("AWS does not publish the Kubernetes username and groups of {} access entries",
                              entry.type)
                : fmt::format(
                      "access entry type '{}' is not one EKS documents, so its Kubernetes identity is "
                      "not known",
                      entry.type));
        identity.authenticated = true;
        return true;
    }
    if (!render_identity(username, groups, query, identity)) {
        return true;
    }
    const bool node_type =
        entry.type == "FARGATE_LINUX" || entry.type == "HYBRID_LINUX" || entry.type == "EC2";
    if (entry.type == "EC2") {
        // eks-iam.md 4.3: an Auto Mode node, whose username AWS does not publish.
        identity.username.parts = {
            {ValuePart::Kind::kLiteral, "system:node:"},
            {ValuePart::Kind::kUnknowable, "node name EKS gives EC2 entries, not published"}};
    }
    if (node_type && (!entry.described || entry.kubernetes_groups.empty())) {
        // Groups unpublished: system:nodes (the node identity) and whatever else EKS may add, which no
        // binding can be said not to match.
        identity.groups.push_back(
            unknowable(fmt::format("any further group EKS gives {} entries, not published", entry.type)));
        identity.notes.push_back(fmt::format(
            "the Kubernetes groups EKS gives {} entries are not published; system:nodes is assumed, "
            "and bindings to other groups are undetermined",
            entry.type));
    }
    identity.authenticated = true;
    return true;
}

bool unknown_key(const Graph& graph, std::string_view key) {
    const auto& aws_auth = graph.source().aws_auth;
    return aws_auth && std::find(aws_auth->unknown_keys.begin(), aws_auth->unknown_keys.end(), key) !=
                           aws_auth->unknown_keys.end();
}

// An aws-auth data key known only after apply (a Terraform plan) may map the ARN to anything, or not at all.
bool resolve_unknown_key(const Graph& graph, std::string_view key, IdentitySource source,
                         Identity& identity) {
    identity.source = source;
    identity.source_location = graph.source().aws_auth->location;
    identity.source_detail = fmt::format("aws-auth {}, known only after apply", key);
    identity.username =
        unknowable(fmt::format("username of an aws-auth {} entry known only after apply", key));
    identity.groups = {unknowable(fmt::format("groups of an aws-auth {} entry known only after apply", key))};
    identity.undetermined.push_back(
        fmt::format("aws-auth {} is known only after apply: it may map this ARN to any username and groups, "
                    "or not at all",
                    key));
    identity.authenticated = true;
    return true;
}

bool resolve_aws_auth(const Graph& graph, const Query& query, Identity& identity) {
    // configmap/mapper.go Map: role entries first, then user entries, each by EqualFold on the canonical
    // ARN, whatever section the ARN was written in.
    const std::string key = ascii_lower(query.canonical);
    const AwsAuthEntry* entry = nullptr;
    if (const AwsAuthEntry* role = graph.role_mapping(key)) {
        entry = role;
        identity.source = IdentitySource::kMapRoles;
    } else if (unknown_key(graph, "mapRoles")) {
        return resolve_unknown_key(graph, "mapRoles", IdentitySource::kMapRoles, identity);
    } else if (const AwsAuthEntry* user = graph.user_mapping(key)) {
        entry = user;
        identity.source = IdentitySource::kMapUsers;
    } else if (unknown_key(graph, "mapUsers")) {
        return resolve_unknown_key(graph, "mapUsers", IdentitySource::kMapUsers, identity);
    }
    if (entry != nullptr) {
        identity.source_location = entry->location;
        identity.source_detail =
            fmt::format("aws-auth {} entry for {}",
                        entry->section == AwsAuthSection::kMapRoles ? "mapRoles" : "mapUsers", entry->arn);
        if (entry->username.empty()) {
            identity.notes.push_back(
                "the aws-auth entry has no username; the authenticator passes an empty "
                "username, which the API server's handling of is not documented");
        }
        identity.authenticated = render_identity(entry->username, entry->groups, query, identity);
        return true;
    }
    const auto& aws_auth = graph.source().aws_auth;
    if (!aws_auth) {
        return false;
    }
    for (const AwsAuthAccount& account : aws_auth->map_accounts) {
        if (account.account == query.principal.account) {
            // server.go doMapping: an account in mapAccounts maps any principal to its canonical ARN, no
            // groups.
            identity.source = IdentitySource::kMapAccounts;
            identity.source_location = account.location;
            identity.source_detail = fmt::format("aws-auth mapAccounts entry {}", account.account);
            identity.username = IdentityValue::literal(query.canonical);
            identity.authenticated = true;
            return true;
        }
    }
    if (unknown_key(graph, "mapAccounts")) {
        return resolve_unknown_key(graph, "mapAccounts", IdentitySource::kMapAccounts, identity);
    }
    return false;
}

bool is_creator(const Graph& graph, const Query& query) {
    const std::string& creator = graph.options().creator_arn;
    if (creator.empty()) {
        return false;
    }
    const auto parsed = parse_principal_arn(creator);
    if (const auto* principal = std::get_if<Principal>(&parsed)) {
        Identity ignored;
        return equal_fold(make_query(*principal, ignored).canonical, query.canonical);
    }
    return false;
}

void resolve_creator(const Graph& graph, Identity& identity) {
    // EKS user guide (auth-configmap): the creator's system:masters mapping is in no visible configuration.
    identity.source = IdentitySource::kCreator;
    identity.source_location = graph.options().creator_origin;
    identity.source_detail = "cluster creator (an invisible system:masters mapping in CONFIG_MAP mode)";
    identity.username = IdentityValue::literal("kubernetes-admin");
    identity.groups.push_back(IdentityValue::literal(std::string(kMasters)));
    identity.notes.push_back(
        "the creator's Kubernetes username is not published; 'kubernetes-admin' is what "
        "aws-iam-authenticator's EKS-style configuration uses");
    identity.authenticated = true;
}

void add_authenticated_group(Identity& identity) {
    // authenticated_group_adder.go: every authenticated user gets system:authenticated once.
    const bool present =
        std::any_of(identity.groups.begin(), identity.groups.end(), [](const IdentityValue& group) {
            return group.is_literal() && group.literal_text() == kAuthenticated;
        });
    if (!present) {
        identity.groups.push_back(IdentityValue::literal(std::string(kAuthenticated)));
    }
}

}  // namespace

std::string_view to_string(IdentitySource source) {
    switch (source) {
        case IdentitySource::kCreator:
            return "cluster creator";
        case IdentitySource::kAccessEntry:
            return "access entry";
        case IdentitySource::kMapRoles:
            return "aws-auth mapRoles";
        case IdentitySource::kMapUsers:
            return "aws-auth mapUsers";
        case IdentitySource::kMapAccounts:
            return "aws-auth mapAccounts";
        case IdentitySource::kKubernetes:
            return "Kubernetes user";
        case IdentitySource::kOidc:
            return "OIDC identity provider";
        case IdentitySource::kNone:
            break;
    }
    return "none";
}

bool Identity::is_masters() const {
    return authenticated && std::any_of(groups.begin(), groups.end(), [](const IdentityValue& group) {
               return group.is_literal() && group.literal_text() == kMasters;
           });
}

Identity resolve_arn(const Graph& graph, std::string_view arn) {
    Identity identity;
    identity.arn = std::string(arn);
    const auto parsed = parse_principal_arn(arn);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        identity.denial = *problem + "; the authenticator rejects the token";
        return identity;
    }
    if (auto impossible = impossible_principal_name(std::get<Principal>(parsed))) {
        identity.denial = *impossible;
        return identity;
    }
    const Query query = make_query(std::get<Principal>(parsed), identity);
    identity.canonical_arn = query.canonical;
    const AuthenticationMode mode = graph.mode();
    const bool config_map_mode =
        mode == AuthenticationMode::kConfigMap || mode == AuthenticationMode::kUnknown;
    // The mappers in EKS's order: the creator (CONFIG_MAP only), access entries (API modes, and they override
    // aws-auth in API_AND_CONFIG_MAP), then aws-auth with mapAccounts (ignored in API mode).
    bool resolved = config_map_mode && is_creator(graph, query);
    if (resolved) {
        resolve_creator(graph, identity);
    }
    if (!resolved && !config_map_mode) {
        resolved = resolve_access_entry(graph, query, identity);
    }
    if (!resolved && mode != AuthenticationMode::kApi) {
        resolved = resolve_aws_auth(graph, query, identity);
        if (resolved && graph.mode_inferred()) {
            identity.undetermined.push_back(
                "the input has access entries but no authentication mode: in API mode aws-auth is ignored, "
                "in "
                "API_AND_CONFIG_MAP it is read (add describe-cluster to decide)");
        }
    }
    if (!resolved) {
        identity.denial = mode == AuthenticationMode::kApi
                              ? "no access entry matches it, and aws-auth is ignored in API mode"
                              : "no access entry, aws-auth entry or mapAccounts account matches it";
    }
    if (identity.authenticated) {
        add_authenticated_group(identity);
        explain_templates(identity);
    }
    // EKS keeps one access entry per principal: an ARN no known entry authenticates may be the principal of
    // an entry a Terraform plan creates for a role it creates.
    if (!config_map_mode && identity.source != IdentitySource::kAccessEntry) {
        identity.may_be = graph.unknown_principal_entries();
        if (!identity.may_be.empty()) {
            identity.notes.push_back(fmt::format(
                "{} access entr{} of the input {} a principal known only after apply; if this ARN is it, "
                "what {} grant{} applies, so answers {} would change are undetermined",
                identity.may_be.size(), identity.may_be.size() == 1 ? "y" : "ies",
                identity.may_be.size() == 1 ? "has" : "have", identity.may_be.size() == 1 ? "it" : "they",
                identity.may_be.size() == 1 ? "s" : "", identity.may_be.size() == 1 ? "it" : "they"));
        }
    }
    return identity;
}

Identity unknown_principal_identity(const AccessEntry& entry) {
    Identity identity;
    identity.authenticated = true;
    identity.arn = entry.principal_arn;
    identity.canonical_arn = entry.principal_arn;
    identity.source = IdentitySource::kAccessEntry;
    identity.source_location = entry.location;
    identity.source_detail = fmt::format("{} access entry for {}", entry.type, entry.principal_arn);
    identity.access_entry = &entry;
    identity.notes.push_back(
        "its principal is known only after apply: it can be any principal the change creates");
    if (!is_documented_entry_type(entry.type) || entry.type == "HYPERPOD_LINUX") {
        identity.username = unknowable(fmt::format("username EKS gives {} entries", entry.type));
        identity.groups = {unknowable(fmt::format("groups EKS gives {} entries", entry.type))};
        identity.undetermined.push_back(
            fmt::format("the Kubernetes identity of a {} access entry is not known", entry.type));
        return identity;
    }
    const bool standard = entry.type == "STANDARD";
    if (entry.username && entry.username->find("{{") == std::string::npos) {
        identity.username = IdentityValue::literal(*entry.username);
    } else if (entry.username) {
        // A template's values come from the principal, which is not known yet: only its literal start is.
        const std::string prefix = entry.username->substr(0, entry.username->find("{{"));
        if (!prefix.empty()) {
            identity.username.parts.push_back({ValuePart::Kind::kLiteral, prefix});
        }
        identity.username.parts.push_back(
            {ValuePart::Kind::kUnknowable, "the rest of username template '" + *entry.username +
                                               "', whose values are known only after apply"});
    } else if (standard) {
        // EKS user guide, creating-access-entries: the default username is the principal's ARN (a role's
        // assumed-role ARN), which starts with "arn:".
        identity.username.parts = {
            {ValuePart::Kind::kLiteral, "arn:"},
            {ValuePart::Kind::kUnknowable, "the principal's ARN, known only after apply"}};
    } else {
        identity.username.parts = {{ValuePart::Kind::kLiteral, "system:node:"},
                                   {ValuePart::Kind::kUnknowable, "node name, known only after apply"}};
    }
    if (standard || !entry.kubernetes_groups.empty()) {
        for (const std::string& group : entry.kubernetes_groups) {
            identity.groups.push_back(IdentityValue::literal(group));
        }
    } else {
        identity.groups.push_back(IdentityValue::literal("system:nodes"));
    }
    add_authenticated_group(identity);
    return identity;
}

AwsAuthEntryStatus aws_auth_entry_status(const Graph& graph, const AwsAuthEntry& entry) {
    using State = AwsAuthEntryStatus::State;
    if (graph.mode() == AuthenticationMode::kApi) {
        // EKS: API mode ignores aws-auth, and a cluster never leaves API mode.
        return {State::kShadowed,
                "the cluster is in API mode, which ignores aws-auth and never changes back",
                {}};
    }
    const auto parsed = parse_principal_arn(entry.arn);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        return {State::kUnmatchable,
                fmt::format("'{}' is not an IAM principal ARN the authenticator accepts ({})", entry.arn,
                            *problem),
                "correcting the ARN"};
    }
    const Principal& principal = std::get<Principal>(parsed);
    if (auto impossible = impossible_principal_name(principal)) {
        return {State::kUnmatchable, std::move(*impossible), {}};
    }
    if (principal.kind == PrincipalKind::kAssumedRole) {
        return {State::kUnmatchable,
                fmt::format("'{}' is an STS assumed-role ARN, and the authenticator compares the caller's "
                            "canonical role ARN",
                            entry.arn),
                "mapping " + principal.canonical_arn()};
    }
    const Identity identity = resolve_arn(graph, entry.arn);
    if (identity.source == IdentitySource::kAccessEntry) {
        return {State::kShadowed,
                fmt::format("an access entry ({}) maps the same principal, and EKS uses it instead",
                            format_location(identity.source_location)),
                "deleting that access entry"};
    }
    if (identity.source_location.same_place(entry.location)) {
        return {State::kInForce, {}, {}};
    }
    if (principal.kind == PrincipalKind::kRole && principal.path != "/") {
        return {State::kUnmatchable,
                fmt::format("role ARN '{}' has the path '{}', and STS session ARNs carry no path", entry.arn,
                            principal.path),
                "removing the path (mapping " + principal.session_role_arn() + ")"};
    }
    return {State::kUnmatchable,
            fmt::format("no caller resolves to it: {} resolves {}", entry.arn,
                        identity.authenticated ? "through " + identity.source_detail : "to nothing"),
            {}};
}

bool is_documented_entry_type(std::string_view type) {
    static constexpr std::array<std::string_view, 7> kTypes = {
        "STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX"};
    return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

std::optional<std::pair<std::string, std::string>> split_service_account_username(std::string_view username) {
    constexpr std::string_view kPrefix = "system:serviceaccount:";
    if (!username.starts_with(kPrefix)) {
        return std::nullopt;
    }
    const std::string_view rest = username.substr(kPrefix.size());
    const std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    return std::pair{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
}

Identity kubernetes_identity(std::string user, std::vector<std::string> groups) {
    Identity identity;
    identity.authenticated = true;
    identity.source = IdentitySource::kKubernetes;
    identity.source_detail = "a Kubernetes identity given with --user/--group";
    // serviceaccount/util.go MakeGroupNames: a service account also has its two groups (kubectl --as does the
    // same when no group is given).
    if (const auto service_account = split_service_account_username(user);
        groups.empty() && service_account && !service_account->first.empty()) {
        groups = {"system:serviceaccounts", "system:serviceaccounts:" + service_account->first};
    }
    // apiserver authentication/request/anonymous: an anonymous request is system:anonymous in
    // system:unauthenticated. Impersonating the name alone (kubectl --as) would carry no group; asked about
    // the anonymous user, the question is what a request without credentials may do.
    if (groups.empty() && user == "system:anonymous") {
        groups = {"system:unauthenticated"};
        identity.notes.push_back(
            "system:anonymous is read as an anonymous request, in group system:unauthenticated (kubectl --as "
            "system:anonymous alone would carry no group; give --group to choose)");
    }
    identity.username = IdentityValue::literal(std::move(user));
    for (std::string& group : groups) {
        identity.groups.push_back(IdentityValue::literal(std::move(group)));
    }
    const bool unauthenticated =
        std::any_of(identity.groups.begin(), identity.groups.end(),
                    [](const auto& group) { return group.literal_text() == "system:unauthenticated"; });
    if (identity.username.literal_text() != "system:anonymous" && !unauthenticated) {
        add_authenticated_group(identity);
    }
    return identity;
}

std::string oidc_name(const OidcIdentityProvider& provider, std::string_view claim_value, bool group) {
    // kube-apiserver --oidc-groups-prefix: no prefix unless one is given.
    if (group) {
        return provider.groups_prefix.value_or("") + std::string(claim_value);
    }
    // --oidc-username-prefix (and EKS usernamePrefix): "-" disables prefixing; when none is given, a claim
    // other than email is prefixed with the issuer URL and '#'. An empty value is read as none given.
    const std::string claim = provider.username_claim.empty() ? "sub" : provider.username_claim;
    std::string prefix;
    if (provider.username_prefix && !provider.username_prefix->empty()) {
        prefix = *provider.username_prefix == "-" ? "" : *provider.username_prefix;
    } else if (claim != "email") {
        prefix = provider.issuer_url + "#";
    }
    return prefix + std::string(claim_value);
}

namespace {

std::string describe_prefix(const std::optional<std::string>& prefix, std::string_view none) {
    if (!prefix || prefix->empty()) {
        return std::string(none);
    }
    return *prefix == "-" ? "no prefix ('-')" : fmt::format("prefix '{}'", *prefix);
}

}  // namespace

Identity oidc_identity(const Graph& graph, const OidcAsk& ask) {
    Identity identity;
    identity.source = IdentitySource::kOidc;
    const std::vector<OidcIdentityProvider>& providers = graph.source().oidc_providers;
    std::vector<std::string> names;
    names.reserve(providers.size());
    for (const OidcIdentityProvider& candidate : providers) {
        names.push_back(candidate.name);
    }
    const OidcIdentityProvider* provider = nullptr;
    if (ask.provider.empty() && providers.size() == 1) {
        provider = &providers.front();
    } else if (!ask.provider.empty()) {
        const auto found =
            std::find_if(providers.begin(), providers.end(),
                         [&](const OidcIdentityProvider& p) { return p.name == ask.provider; });
        provider = found == providers.end() ? nullptr : &*found;
    }
    if (provider == nullptr) {
        identity.denial =
            providers.empty() ? "the input holds no OIDC identity provider of this cluster (aws eks "
                                "describe-identity-provider-config, eksctl identityProviders, Terraform "
                                "aws_eks_identity_provider_config)"
            : ask.provider.empty()
                ? fmt::format(
                      "the cluster has {} OIDC identity providers ({}); name one with --oidc-provider",
                      providers.size(), fmt::join(names, ", "))
                : fmt::format("the cluster has no OIDC identity provider named '{}' (it has: {})",
                              ask.provider, fmt::join(names, ", "));
        return identity;
    }
    identity.authenticated = true;
    identity.source_location = provider->location;
    const std::string claim = provider->username_claim.empty() ? "sub" : provider->username_claim;
    if (ask.user) {
        identity.username = IdentityValue::literal(oidc_name(*provider, *ask.user, false));
    } else {
        // Any user of the provider: grants to users behind its prefix may or may not be theirs.
        if (const std::string prefix = oidc_name(*provider, "", false); !prefix.empty()) {
            identity.username.parts.push_back({ValuePart::Kind::kLiteral, prefix});
        }
        identity.username.parts.push_back(
            {ValuePart::Kind::kUnknowable, fmt::format("the token's '{}' claim (no --oidc-user)", claim)});
    }
    if (!ask.groups.empty() && provider->groups_claim.empty()) {
        identity.notes.push_back(
            "the provider has no groupsClaim, so its tokens carry no groups; --oidc-group "
            "is not used");
    } else {
        for (const std::string& group : ask.groups) {
            identity.groups.push_back(IdentityValue::literal(oidc_name(*provider, group, true)));
        }
    }
    add_authenticated_group(identity);
    identity.source_detail = fmt::format(
        "OIDC identity provider {} ({}): username from claim '{}' with {}{}", provider->name,
        provider->issuer_url, claim,
        describe_prefix(provider->username_prefix,
                        claim == "email" ? "no prefix (email claim)" : "the issuer URL and '#' as prefix"),
        provider->groups_claim.empty()
            ? ", no groups claim"
            : fmt::format(", groups from claim '{}' with {}", provider->groups_claim,
                          describe_prefix(provider->groups_prefix, "no prefix")));
    if (!provider->required_claims.empty()) {
        std::vector<std::string> claims;
        for (const auto& [name, value] : provider->required_claims) {
            claims.push_back(fmt::format("{}={}", name, value));
        }
        identity.notes.push_back(
            fmt::format("the provider accepts only tokens that carry {}", fmt::join(claims, ", ")));
    }
    if (!provider->status.empty() && provider->status != "ACTIVE") {
        identity.notes.push_back(fmt::format(
            "the provider's status is {}: it authenticates nobody until it is ACTIVE", provider->status));
    }
    if (!provider->unknown_fields.empty()) {
        identity.undetermined.push_back(fmt::format("the provider's {} is known only after it is created",
                                                    fmt::join(provider->unknown_fields, ", ")));
    }
    return identity;
}

std::vector<std::string> oidc_origins(const std::vector<OidcIdentityProvider>& providers,
                                      std::string_view kind, std::string_view name) {
    std::vector<std::string> out;
    for (const OidcIdentityProvider& provider : providers) {
        const bool group = kind == "Group";
        if ((!group && kind != "User") || (group && provider.groups_claim.empty())) {
            continue;
        }
        const std::string prefix = oidc_name(provider, "", group);
        if (!name.starts_with(prefix) || name.size() == prefix.size()) {
            continue;
        }
        out.push_back(fmt::format(
            "{} {} '{}'{}", provider.name, group ? "group" : "user", name.substr(prefix.size()),
            prefix.empty()
                ? (group ? " (no groupsPrefix: any group name)" : " (no username prefix: any username)")
                : ""));
    }
    return out;
}

std::vector<Identity> mapped_identities(const Graph& graph) {
    std::vector<Identity> out;
    std::set<std::string> seen;
    auto add = [&](const std::string& arn) {
        const auto parsed = parse_principal_arn(arn);
        if (!std::holds_alternative<Principal>(parsed)) {
            return;
        }
        Identity identity = resolve_arn(graph, arn);
        // The entries known only after apply are listed as identities of their own (below).
        identity.may_be.clear();
        if (identity.authenticated && seen.insert(ascii_lower(identity.canonical_arn)).second) {
            out.push_back(std::move(identity));
        }
    };
    if (!graph.options().creator_arn.empty()) {
        add(graph.options().creator_arn);
    }
    for (const auto& [key, entry] : graph.access_entries()) {
        if (entry->principal_unknown) {
            if (graph.access_entries_apply()) {
                out.push_back(unknown_principal_identity(*entry));
            }
            continue;
        }
        add(entry->principal_arn);
    }
    for (const auto& [key, entry] : graph.role_mappings()) {
        add(entry->arn);
    }
    for (const auto& [key, entry] : graph.user_mappings()) {
        add(entry->arn);
    }
    const auto& aws_auth = graph.source().aws_auth;
    if (aws_auth && graph.mode() != AuthenticationMode::kApi) {
        std::set<std::string> accounts;
        for (const AwsAuthAccount& account : aws_auth->map_accounts) {
            if (!accounts.insert(account.account).second) {
                continue;
            }
            Identity identity;
            identity.authenticated = true;
            identity.arn = fmt::format("arn:aws:iam::{}:*", account.account);
            identity.canonical_arn = identity.arn;
            identity.source = IdentitySource::kMapAccounts;
            identity.source_location = account.location;
            identity.source_detail = fmt::format("aws-auth mapAccounts entry {}", account.account);
            identity.username.parts.push_back({ValuePart::Kind::kAnyPrincipal, account.account});
            identity.notes.push_back(
                "stands for every principal of the account that no other entry maps; its "
                "username is the principal's own ARN");
            add_authenticated_group(identity);
            out.push_back(std::move(identity));
        }
        for (const std::string& key : aws_auth->unknown_keys) {
            Identity identity;
            identity.arn = fmt::format("(aws-auth {}, known after apply)", key);
            identity.canonical_arn = identity.arn;
            resolve_unknown_key(graph, key,
                                key == "mapUsers"      ? IdentitySource::kMapUsers
                                : key == "mapAccounts" ? IdentitySource::kMapAccounts
                                                       : IdentitySource::kMapRoles,
                                identity);
            add_authenticated_group(identity);
            out.push_back(std::move(identity));
        }
    }
    return out;
}

}  // namespace rbacgraph
