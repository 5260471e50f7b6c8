// `aws iam get-account-authorization-details` as the AWS CLI prints it (docs/iam.md, "Input").
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "load/interpret.hpp"
#include "rbacgraph/output_text.hpp"

namespace rbacgraph::load {
namespace {

constexpr std::string_view kKind = "IAM account authorization details";

// RFC 3986 percent-decoding as Python's urllib.parse.unquote does it (botocore's json_decode_policies):
// '+' stays, malformed escapes stay as written.
std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

nlohmann::json to_json(const Node& node) {
    switch (node.type) {
        case NodeType::kNull:
            return nullptr;
        case NodeType::kScalar:
            return node.text;
        case NodeType::kSequence: {
            nlohmann::json out = nlohmann::json::array();
            for (const Node& child : node.children) {
                out.push_back(to_json(child));
            }
            return out;
        }
        case NodeType::kMapping: {
            nlohmann::json out = nlohmann::json::object();
            for (std::size_t i = 0; i < node.keys.size(); ++i) {
                out[node.keys[i]] = to_json(node.children[i]);
            }
            return out;
        }
    }
    return nullptr;
}

class DetailsReader {
  public:
    DetailsReader(const Sink& sink, FieldReader& reader) : sink_(sink), reader_(reader) {}

    IamAccountDetails read(const Node& document) {
        IamAccountDetails details;
        details.location = reader_.at(document);
        if (const Node* truncated = document.find("IsTruncated")) {
            details.truncated = truncated->scalar_value() == ScalarValue::kBool && truncated->text == "true";
        }
        for_each(document, "UserDetailList", [&](const Node& item) { read_user(item, details); });
        for_each(document, "GroupDetailList", [&](const Node& item) { read_group(item, details); });
        for_each(document, "RoleDetailList", [&](const Node& item) { read_role(item, details); });
        for_each(document, "Policies", [&](const Node& item) { read_policy(item, details); });
        if (details.truncated) {
            reader_.set_object(std::string(kKind));
            reader_.warning(document,
                            "IsTruncated is true: this is one page of a larger dump, and principals or "
                            "policies on other pages are unknown (the AWS CLI merges pages unless "
                            "--max-items or --no-paginate was given)");
        }
        return details;
    }

  private:
    template <typename Read>
    void for_each(const Node& document, std::string_view key, Read read) {
        reader_.set_object(std::string(kKind));
        if (const Node* list = reader_.sequence(document, key)) {
            for (const Node& item : list->children) {
                if (!item.is_mapping()) {
                    reader_.set_object(std::string(kKind));
                    reader_.error(
                        item, fmt::format("{} entries must be mappings, found {}", key, item.type_name()));
                    continue;
                }
                read(item);
            }
        }
    }

    // Strings or a single string (Action, Resource, principal values).
    std::vector<std::string> string_or_list(const Node& node, std::string_view key) {
        std::vector<std::string> out;
        if (const auto text = node.as_string()) {
            out.emplace_back(*text);
            return out;
        }
        if (node.is_sequence()) {
            for (const Node& item : node.children) {
                if (const auto text = item.as_string()) {
                    out.emplace_back(*text);
                } else {
                    reader_.error(
                        item, fmt::format("'{}' entries must be strings, found {}", key, item.describe()));
                }
            }
            return out;
        }
        reader_.error(
            node, fmt::format("'{}' must be a string or a list of strings, found {}", key, node.describe()));
        return out;
    }

    void read_principals(const Node& node, IamStatement& statement) {
        if (const auto text = node.as_string()) {
            if (*text == "*") {
                statement.principals.everyone = true;
            } else {
                reader_.error(
                    node, fmt::format("a principal written as a string must be \"*\", found '{}'", *text));
            }
            return;
        }
        if (!node.is_mapping()) {
            reader_.error(node,
                          fmt::format("Principal must be \"*\" or a mapping, found {}", node.type_name()));
            return;
        }
        for (std::size_t i = 0; i < node.keys.size(); ++i) {
            const std::string& type = node.keys[i];
            for (std::string& value : string_or_list(node.children[i], type)) {
                if (type == "AWS") {
                    if (value == "*") {
                        statement.principals.everyone = true;
                    } else {
                        statement.principals.aws.push_back(std::move(value));
                    }
                } else if (type == "Service") {
                    statement.principals.service.push_back(std::move(value));
                } else if (type == "Federated") {
                    statement.principals.federated.push_back(std::move(value));
                } else {
                    statement.principals.other.push_back(type);
                    statement.principals.other.back().append(":").append(value);
                }
            }
        }
    }

    void read_statement(const Node& node, IamPolicyDocument& document) {
        if (!node.is_mapping()) {
            reader_.error(node,
                          fmt::format("a policy statement must be a mapping, found {}", node.type_name()));
            return;
        }
        IamStatement statement;
        statement.location = reader_.at(node);
        statement.sid = reader_.string(node, "Sid", false).value_or("");
        const std::string effect = reader_.string(node, "Effect", true).value_or("");
        if (effect != "Allow" && effect != "Deny") {
            if (!effect.empty()) {
                reader_.error(
                    *node.find("Effect"),
                    fmt::format("Effect must be Allow or Deny, found '{}'; the statement is ignored",
                                effect));
            }
            return;
        }
        statement.allow = effect == "Allow";
        const Node* action = node.find("Action");
        const Node* not_action = node.find("NotAction");
        if ((action == nullptr) == (not_action == nullptr)) {
            reader_.error(node, "a statement needs exactly one of Action and NotAction; it is ignored");
            return;
        }
        statement.not_action = not_action != nullptr;
        statement.actions = string_or_list(action != nullptr ? *action : *not_action, "Action");
        const Node* resource = node.find("Resource");
        const Node* not_resource = node.find("NotResource");
        if (resource != nullptr || not_resource != nullptr) {
            statement.has_resource = true;
            statement.not_resource = resource == nullptr;
            statement.resources = string_or_list(resource != nullptr ? *resource : *not_resource, "Resource");
        }
        const Node* principal = node.find("Principal");
        const Node* not_principal = node.find("NotPrincipal");
        if (principal != nullptr || not_principal != nullptr) {
            statement.has_principal = true;
            statement.not_principal = principal == nullptr;
            read_principals(principal != nullptr ? *principal : *not_principal, statement);
        }
        if (const Node* condition = node.find("Condition"); condition != nullptr && !condition->is_null()) {
            statement.condition = json_text(to_json(*condition));
        }
        document.statements.push_back(std::move(statement));
    }

    std::optional<IamPolicyDocument> read_document_tree(const Node& node) {
        if (!node.is_mapping()) {
            reader_.error(node,
                          fmt::format("a policy document must be a mapping, found {}", node.type_name()));
            return std::nullopt;
        }
        IamPolicyDocument document;
        document.location = reader_.at(node);
        document.version = reader_.string(node, "Version", false).value_or("");
        const Node* statements = node.find("Statement");
        if (statements == nullptr || statements->is_null()) {
            return document;  // a policy without statements allows nothing
        }
        if (statements->is_sequence()) {
            for (const Node& statement : statements->children) {
                read_statement(statement, document);
            }
        } else {
            read_statement(*statements, document);
        }
        return document;
    }

    // A document is an object, or (raw API output, or what botocore could not decode) a JSON string that
    // may be percent-encoded. Statements of a string document are located at the string.
    std::optional<IamPolicyDocument> read_document(const Node& node) {
        const auto text = node.as_string();
        if (!text) {
            return read_document_tree(node);
        }
        for (const std::string& candidate : {percent_decode(*text), std::string(*text)}) {
            const ParsedFile parsed = parse_json(candidate, sink_.file, sink_.options.limits);
            if (parsed.diagnostics.empty() && parsed.documents.size() == 1) {
                Node relocated = parsed.documents.front();
                relocate(relocated, node.line, node.column);
                return read_document_tree(relocated);
            }
        }
        reader_.error(node, "the policy document is a string that is not JSON (nor percent-encoded JSON)");
        return std::nullopt;
    }

    static void relocate(Node& node, int line, int column) {
        node.line = line;
        node.column = column;
        for (Node& child : node.children) {
            relocate(child, line, column);
        }
    }

    std::vector<IamInlinePolicy> inline_policies(const Node& parent, std::string_view key) {
        std::vector<IamInlinePolicy> out;
        if (const Node* list = reader_.sequence(parent, key)) {
            for (const Node& item : list->children) {
                if (!item.is_mapping()) {
                    reader_.error(
                        item, fmt::format("{} entries must be mappings, found {}", key, item.type_name()));
                    continue;
                }
                IamInlinePolicy policy;
                policy.name = reader_.string(item, "PolicyName", true).value_or("");
                if (const Node* document = item.find("PolicyDocument")) {
                    if (auto parsed = read_document(*document)) {
                        policy.document = std::move(*parsed);
                        out.push_back(std::move(policy));
                    }
                } else {
                    reader_.error(item, fmt::format("inline policy '{}' has no PolicyDocument", policy.name));
                }
            }
        }
        return out;
    }

    // AttachedManagedPolicies is a list, but the AWS CLI's own example prints a single object in places.
    std::vector<std::string> attached_policies(const Node& parent) {
        std::vector<std::string> out;
        const Node* attached = parent.find("AttachedManagedPolicies");
        if (attached == nullptr || attached->is_null()) {
            return out;
        }
        const auto read_one = [&](const Node& item) {
            if (!item.is_mapping()) {
                reader_.error(item, fmt::format("AttachedManagedPolicies entries must be mappings, found {}",
                                                item.type_name()));
                return;
            }
            if (auto arn = reader_.string(item, "PolicyArn", true)) {
                out.push_back(std::move(*arn));
            }
        };
        if (attached->is_sequence()) {
            for (const Node& item : attached->children) {
                read_one(item);
            }
        } else {
            read_one(*attached);
        }
        return out;
    }

    std::string boundary(const Node& parent) {
        if (const Node* node = reader_.mapping(parent, "PermissionsBoundary", false)) {
            return reader_.string(*node, "PermissionsBoundaryArn", false).value_or("");
        }
        return {};
    }

    void note_account(std::string_view arn, IamAccountDetails& details) {
        // arn:PARTITION:iam::ACCOUNT:...
        std::size_t colon = 0;
        for (int i = 0; i < 4 && colon != std::string_view::npos; ++i) {
            colon = arn.find(':', colon == 0 && i == 0 ? 0 : colon + 1);
        }
        if (colon == std::string_view::npos || !details.account.empty()) {
            return;
        }
        const std::size_t end = arn.find(':', colon + 1);
        if (end != std::string_view::npos) {
            details.account = std::string(arn.substr(colon + 1, end - colon - 1));
        }
    }

    void read_user(const Node& node, IamAccountDetails& details) {
        IamUser user;
        user.location = reader_.at(node);
        user.name = reader_.string(node, "UserName", true).value_or("");
        reader_.set_object("IAM user " + user.name);
        user.arn = reader_.string(node, "Arn", true).value_or("");
        user.id = reader_.string(node, "UserId", false).value_or("");
        user.path = reader_.string(node, "Path", false).value_or("/");
        user.groups = reader_.strings(node, "GroupList");
        user.inline_policies = inline_policies(node, "UserPolicyList");
        user.managed_policies = attached_policies(node);
        user.boundary = boundary(node);
        if (user.arn.empty()) {
            return;
        }
        note_account(user.arn, details);
        count_used("IAM user");
        details.users.push_back(std::move(user));
    }

    void read_group(const Node& node, IamAccountDetails& details) {
        IamGroup group;
        group.location = reader_.at(node);
        group.name = reader_.string(node, "GroupName", true).value_or("");
        reader_.set_object("IAM group " + group.name);
        group.arn = reader_.string(node, "Arn", false).value_or("");
        group.inline_policies = inline_policies(node, "GroupPolicyList");
        group.managed_policies = attached_policies(node);
        if (group.name.empty()) {
            return;
        }
        note_account(group.arn, details);
        count_used("IAM group");
        details.groups.push_back(std::move(group));
    }

    void read_role(const Node& node, IamAccountDetails& details) {
        IamRole role;
        role.location = reader_.at(node);
        role.name = reader_.string(node, "RoleName", true).value_or("");
        reader_.set_object("IAM role " + role.name);
        role.arn = reader_.string(node, "Arn", true).value_or("");
        role.id = reader_.string(node, "RoleId", false).value_or("");
        role.path = reader_.string(node, "Path", false).value_or("/");
        if (const Node* trust = node.find("AssumeRolePolicyDocument");
            trust != nullptr && !trust->is_null()) {
            if (auto document = read_document(*trust)) {
                role.trust = std::move(*document);
            }
        } else {
            reader_.warning(node,
                            "no AssumeRolePolicyDocument: nobody is known to be able to assume the role");
        }
        role.inline_policies = inline_policies(node, "RolePolicyList");
        role.managed_policies = attached_policies(node);
        role.boundary = boundary(node);
        if (role.arn.empty()) {
            return;
        }
        note_account(role.arn, details);
        count_used("IAM role");
        details.roles.push_back(std::move(role));
    }

    void read_policy(const Node& node, IamAccountDetails& details) {
        IamManagedPolicy policy;
        policy.location = reader_.at(node);
        policy.name = reader_.string(node, "PolicyName", false).value_or("");
        policy.arn = reader_.string(node, "Arn", true).value_or("");
        reader_.set_object("IAM policy " + (policy.arn.empty() ? policy.name : policy.arn));
        const std::string default_version = reader_.string(node, "DefaultVersionId", false).value_or("");
        if (const Node* versions = reader_.sequence(node, "PolicyVersionList")) {
            for (const Node& version : versions->children) {
                if (!version.is_mapping()) {
                    reader_.error(version, "PolicyVersionList entries must be mappings");
                    continue;
                }
                const Node* is_default = version.find("IsDefaultVersion");
                const bool flagged = is_default != nullptr && is_default->text == "true";
                const bool named =
                    !default_version.empty() &&
                    reader_.string(version, "VersionId", false).value_or("") == default_version;
                if (!flagged && !named) {
                    continue;  // only the default version is in force
                }
                if (const Node* document = version.find("Document"); document != nullptr) {
                    policy.document = read_document(*document);
                }
                break;
            }
        }
        if (!policy.document) {
            reader_.warning(node,
                            "no default policy version in the dump: the policy's permissions are unknown");
        }
        if (policy.arn.empty()) {
            return;
        }
        count_used("IAM managed policy");
        details.policies.push_back(std::move(policy));
    }

    void count_used(const std::string& kind) {
        ++sink_.out.summary.used;
        ++sink_.out.summary.used_by_kind[kind];
    }

    const Sink& sink_;
    FieldReader& reader_;
};

}  // namespace

void interpret_iam_details(const Node& document, const Sink& sink, FieldReader& reader) {
    IamAccountDetails details = DetailsReader(sink, reader).read(document);
    sink.out.iam.push_back(std::move(details));
}

}  // namespace rbacgraph::load
