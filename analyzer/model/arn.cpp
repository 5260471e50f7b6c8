#include "rbacgraph/arn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

namespace rbacgraph {
namespace {

// aws-iam-authenticator pkg/arn/arn.go checkPartition: the partitions it accepts.
constexpr std::array<std::string_view, 8> kPartitions = {"aws",       "aws-cn",    "aws-us-gov", "aws-iso",
                                                         "aws-iso-b", "aws-iso-e", "aws-iso-f",  "aws-eusc"};

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(
            text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

std::string join(const std::vector<std::string_view>& parts, std::size_t first, std::size_t last) {
    std::string joined;
    for (std::size_t i = first; i < last; ++i) {
        if (i > first) {
            joined += '/';
        }
        joined += parts[i];
    }
    return joined;
}

// Splits "a/b/c" (the part after "role/" or "user/") into path "/a/b/" and name "c".
void split_path_and_name(const std::vector<std::string_view>& parts, std::size_t first,
                         Principal& principal) {
    principal.name = std::string(parts.back());
    principal.path.assign(1, '/');  // not = "/": GCC 12 -Wrestrict false positive (PR105651)
    for (std::size_t i = first; i + 1 < parts.size(); ++i) {
        principal.path.append(parts[i]);
        principal.path.push_back('/');
    }
}

}  // namespace

std::string ascii_lower(std::string_view text) {
    std::string lowered(text);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return lowered;
}

bool equal_fold(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = static_cast<char>(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

std::string Principal::canonical_arn() const {
    // aws-iam-authenticator arn.Canonicalize: only assumed-role ARNs change, into their role ARN.
    if (kind == PrincipalKind::kAssumedRole) {
        const std::string inner_path = path == "/" ? "" : path.substr(1);
        return fmt::format("arn:{}:iam::{}:role/{}{}", partition, account, inner_path, name);
    }
    return original;
}

std::string Principal::session_role_arn() const {
    // STS never puts a role's path into an assumed-role ARN (IAM reference_identifiers), so every
    // session of role/teams/x canonicalizes to role/x.
    return fmt::format("arn:{}:iam::{}:role/{}", partition, account, name);
}

std::variant<Principal, std::string> parse_principal_arn(std::string_view arn) {
    // aws-sdk-go arn.Parse: prefix "arn:" and exactly six ':'-separated sections (the last keeps its ':').
    if (!arn.starts_with("arn:")) {
        return fmt::format("'{}' is not an ARN (it does not start with \"arn:\")", arn);
    }
    std::vector<std::string_view> sections;
    std::size_t start = 0;
    for (int i = 0; i < 5; ++i) {
        const std::size_t end = arn.find(':', start);
        if (end == std::string_view::npos) {
            return fmt::format("'{}' is not an ARN (it needs six ':'-separated sections)", arn);
        }
        sections.push_back(arn.substr(start, end - start));
        start = end + 1;
    }
    sections.push_back(arn.substr(start));
    Principal principal;
    principal.original = std::string(arn);
    principal.partition = std::string(sections[1]);
    principal.account = std::string(sections[4]);
    if (std::find(kPartitions.begin(), kPartitions.end(), sections[1]) == kPartitions.end()) {
        return fmt::format("'{}' has partition '{}', which the authenticator does not accept", arn,
                           sections[1]);
    }
    const std::string_view service = sections[2];
    const std::vector<std::string_view> resource = split(sections[5], '/');
    if (service == "sts") {
        if (resource[0] == "federated-user" && resource.size() >= 2) {
            principal.kind = PrincipalKind::kFederatedUser;
            principal.name = join(resource, 1, resource.size());
            return principal;
        }
        if (resource[0] == "assumed-role") {
            if (resource.size() < 3) {
                return fmt::format("assumed-role ARN '{}' does not name both a role and a session", arn);
            }
            principal.kind = PrincipalKind::kAssumedRole;
            principal.session = std::string(resource.back());
            std::vector<std::string_view> role_parts(resource.begin(), resource.end() - 1);
            split_path_and_name(role_parts, 1, principal);
            return principal;
        }
        return fmt::format("'{}' has STS resource '{}', which is not an identity", arn, sections[5]);
    }
    if (service == "iam") {
        if (resource[0] == "root" && resource.size() == 1) {
            principal.kind = PrincipalKind::kRoot;
            return principal;
        }
        if ((resource[0] == "user" || resource[0] == "role") && resource.size() >= 2 &&
            !resource.back().empty()) {
            principal.kind = resource[0] == "user" ? PrincipalKind::kUser : PrincipalKind::kRole;
            split_path_and_name(resource, 1, principal);
            return principal;
        }
        return fmt::format("'{}' has IAM resource '{}', which is not a user, role or root", arn, sections[5]);
    }
    return fmt::format("'{}' has service '{}'; identities are 'iam' or 'sts' ARNs", arn, service);
}

std::optional<std::string> impossible_principal_name(const Principal& principal) {
    if (principal.kind != PrincipalKind::kUser && principal.kind != PrincipalKind::kRole &&
        principal.kind != PrincipalKind::kAssumedRole) {
        return std::nullopt;
    }
    // IAM API reference, CreateRole/CreateUser RoleName/UserName: pattern [\w+=,.@-]+ (ASCII word
    // characters).
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("_+=,.@-").find(c) != std::string_view::npos;
    };
    const auto bad = std::find_if_not(principal.name.begin(), principal.name.end(), allowed);
    if (bad == principal.name.end()) {
        return std::nullopt;
    }
    return fmt::format(
        "no IAM {} can be named '{}': IAM names hold only letters, digits and _+=,.@- ('{}' is not one), and "
        "the authenticator compares ARNs exactly, without wildcards",
        principal.kind == PrincipalKind::kUser ? "user" : "role", principal.name, *bad);
}

bool is_principal_arn(std::string_view arn) {
    return std::holds_alternative<Principal>(parse_principal_arn(arn));
}

}  // namespace rbacgraph
