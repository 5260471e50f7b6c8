#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <numeric>

#include "load/interpret.hpp"
#include "rbacgraph/arn.hpp"

namespace rbacgraph::load {
namespace {

// A key as encoding/json folds it to match a field name: ASCII case, and the two non-ASCII letters that
// simple case folding maps onto ASCII (U+017F long s -> s, U+212A Kelvin sign -> k; bytes.EqualFold), so
// `groupſ` sets groups in the authenticator.
std::string json_field_fold(std::string_view key) {
    std::string out;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (key.substr(i).starts_with("\xC5\xBF")) {
            out.push_back('s');
            i += 1;
        } else if (key.substr(i).starts_with("\xE2\x84\xAA")) {
            out.push_back('k');
            i += 2;
        } else {
            const char c = key[i];
            out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
    }
    return out;
}

constexpr std::array<std::string_view, 3> kDataKeys = {"mapRoles", "mapUsers", "mapAccounts"};

// aws-iam-authenticator configmap.go isSkippable: blank, or only an empty quoted string.
bool is_skippable(std::string_view text) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return true;
    }
    const std::string_view trimmed = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    return trimmed == "``" || trimmed == "\"\"" || trimmed == "''";
}

// Lines of a YAML string embedded in a data value, mapped back to lines of the file.
struct EmbeddedText {
    const Node& value;
    int to_file_line(int embedded_line) const {
        // A literal or folded block starts on the line after its indicator and keeps line breaks;
        // a quoted or JSON string is one token, so everything in it points at that token.
        return value.style == ScalarStyle::kBlock ? value.line + embedded_line : value.line;
    }
};

class EntryDecoder {
  public:
    EntryDecoder(FieldReader& reader, const EmbeddedText& embedded) : reader_(reader), embedded_(embedded) {}

    Node relocated(Node node) const {
        node.line = embedded_.to_file_line(node.line);
        // Columns inside a block scalar are relative to its indentation, which is not kept; leave them out.
        node.column = embedded_.value.style == ScalarStyle::kBlock ? 0 : embedded_.value.column;
        return node;
    }

    // Entries go YAML -> JSON -> Go encoding/json: keys match fields case-insensitively, a value of the
    // wrong type leaves that field empty, and the entry is then validated on its own.
    std::optional<AwsAuthEntry> decode(const Node& raw, AwsAuthSection section) {
        const Node item = relocated(raw);
        if (!item.is_mapping()) {
            reader_.error(item, fmt::format("entry is a {}, not a mapping; the authenticator drops it",
                                            item.type_name()));
            return std::nullopt;
        }
        AwsAuthEntry entry;
        entry.section = section;
        entry.location = reader_.at(item);
        const std::string_view arn_key = section == AwsAuthSection::kMapRoles ? "rolearn" : "userarn";
        bool has_arn = false;
        bool has_sso = false;
        // sigs.k8s.io/yaml's YAML->JSON conversion writes the keys sorted (encoding/json sorts map keys), and
        // json.Unmarshal sets a field for every key that folds to its name: of `groups` and `Groups`, the one
        // last in byte order wins (`groups`), wherever each stands in the file.
        std::vector<std::size_t> order(raw.keys.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::sort(order.begin(), order.end(),
                  [&](std::size_t a, std::size_t b) { return raw.keys[a] < raw.keys[b]; });
        std::map<std::string, std::string> field_key;  // field -> the key that set it last
        for (const std::size_t i : order) {
            const std::string key = json_field_fold(raw.keys[i]);
            const Node value = relocated(raw.children[i]);
            if (key == arn_key || key == "username" || key == "groups" || key == "sso") {
                const auto [found, added] = field_key.try_emplace(key, raw.keys[i]);
                if (!added) {
                    reader_.warning(value,
                                    fmt::format("keys '{}' and '{}' both set {}; the authenticator uses '{}' "
                                                "(the last in byte order: its YAML-to-JSON step sorts keys "
                                                "and encoding/json matches them case-insensitively)",
                                                found->second, raw.keys[i], key, raw.keys[i]));
                    found->second = raw.keys[i];
                }
            }
            if (key == arn_key) {
                entry.arn = string_value(value, raw.keys[i]);
                has_arn = !entry.arn.empty();
            } else if (key == "username") {
                entry.username = string_value(value, raw.keys[i]);
            } else if (key == "groups") {
                entry.groups = groups_value(value);
            } else if (key == "sso" && section == AwsAuthSection::kMapRoles) {
                has_sso = !value.is_null();
            } else if (key != "userid") {
                reader_.warning(value,
                                fmt::format("unknown key '{}' in a {} entry is ignored by the authenticator",
                                            raw.keys[i], section_name(section)));
            }
        }
        if (has_sso && has_arn) {
            reader_.error(item, "entry has both rolearn and sso; the authenticator drops it");
            return std::nullopt;
        }
        if (has_sso) {
            reader_.warning(item,
                            "sso entries need the authenticator's SSORoleMatch feature gate (off by default, "
                            "not documented for EKS); treated as matching nothing");
            return std::nullopt;
        }
        if (!has_arn) {
            reader_.error(item, fmt::format("entry has no {}; the authenticator drops it", arn_key));
            return std::nullopt;
        }
        return entry;
    }

    static std::string_view section_name(AwsAuthSection section) {
        return section == AwsAuthSection::kMapRoles ? "mapRoles" : "mapUsers";
    }

  private:
    std::string string_value(const Node& value, std::string_view key) {
        if (value.is_null()) {
            return {};
        }
        if (const auto text = value.as_string()) {
            return std::string(*text);
        }
        reader_.error(value, fmt::format("'{}' is {}, not a string; the authenticator leaves it empty", key,
                                         value.describe()));
        return {};
    }

    std::vector<std::string> groups_value(const Node& value) {
        std::vector<std::string> groups;
        if (value.is_null()) {
            return groups;
        }
        if (!value.is_sequence()) {
            reader_.error(value,
                          fmt::format("'groups' is a {}, not a list; the authenticator keeps the entry "
                                      "with no groups",
                                      value.describe()));
            return groups;
        }
        for (const Node& raw_item : value.children) {
            const Node item = relocated(raw_item);
            if (const auto text = item.as_string()) {
                groups.emplace_back(*text);
            } else {
                reader_.error(item, fmt::format("group is {}, not a string; it is dropped", item.describe()));
            }
        }
        return groups;
    }

    FieldReader& reader_;
    const EmbeddedText& embedded_;
};

// Parses the YAML inside one data value; parse errors are reported at file lines.
std::optional<Node> parse_embedded(const Node& value, std::string_view key, const Sink& sink,
                                   FieldReader& reader) {
    ParsedFile parsed = parse_yaml(value.text, sink.file, sink.options.limits, YamlSource::kGoYamlValue);
    const EmbeddedText embedded{value};
    for (Diagnostic& diagnostic : parsed.diagnostics) {
        diagnostic.location.line = embedded.to_file_line(diagnostic.location.line);
        diagnostic.location.column = value.style == ScalarStyle::kBlock ? 0 : value.column;
        diagnostic.object = reader.object();
        if (diagnostic.severity == Severity::kError) {
            diagnostic.message = fmt::format(
                "{} does not parse, so the authenticator loads nothing from it: {}", key, diagnostic.message);
        }
        sink.out.diagnostics.push_back(std::move(diagnostic));
    }
    if (count_errors(parsed.diagnostics) > 0) {
        return std::nullopt;
    }
    if (parsed.documents.empty()) {
        return Node{};
    }
    return std::move(parsed.documents.front());
}

void read_entries(const Node& value, AwsAuthSection section, AwsAuth& aws_auth, const Sink& sink,
                  FieldReader& reader) {
    const std::string_view key = EntryDecoder::section_name(section);
    const std::optional<Node> parsed = parse_embedded(value, key, sink, reader);
    if (!parsed || parsed->is_null()) {
        return;
    }
    const EmbeddedText embedded{value};
    EntryDecoder decoder(reader, embedded);
    if (!parsed->is_sequence()) {
        reader.error(decoder.relocated(*parsed),
                     fmt::format("{} holds a {}, not a list; the authenticator loads "
                                 "nothing from it",
                                 key, parsed->type_name()));
        return;
    }
    auto& entries = section == AwsAuthSection::kMapRoles ? aws_auth.map_roles : aws_auth.map_users;
    for (const Node& item : parsed->children) {
        if (auto entry = decoder.decode(item, section)) {
            entries.push_back(std::move(*entry));
        }
    }
}

// mapAccounts goes through gopkg.in/yaml.v2 into []string, which takes any scalar (unquoted numbers too).
void read_accounts(const Node& value, AwsAuth& aws_auth, const Sink& sink, FieldReader& reader) {
    const std::optional<Node> parsed = parse_embedded(value, "mapAccounts", sink, reader);
    if (!parsed || parsed->is_null()) {
        return;
    }
    const EmbeddedText embedded{value};
    if (!parsed->is_sequence()) {
        reader.error(value,
                     fmt::format("mapAccounts holds a {}, not a list; the authenticator loads no accounts",
                                 parsed->type_name()));
        return;
    }
    for (const Node& item : parsed->children) {
        const SourceLocation location{sink.file, embedded.to_file_line(item.line),
                                      value.style == ScalarStyle::kBlock ? 0 : value.column};
        if (item.type != NodeType::kScalar || item.is_null()) {
            sink.out.diagnostics.push_back({Severity::kError, location, reader.object(),
                                            fmt::format("mapAccounts entry is a {}, not an account ID; the "
                                                        "authenticator loads no accounts",
                                                        item.type_name())});
            return;
        }
        aws_auth.map_accounts.push_back({item.text, location});
    }
}

}  // namespace

void interpret_aws_auth(const Node& config_map, const Sink& sink, FieldReader& reader) {
    const bool edit_buffer = config_map.find("kind") == nullptr;
    reader.set_object("ConfigMap kube-system/aws-auth");
    if (const Node* metadata = config_map.find("metadata"); metadata != nullptr && metadata->is_mapping()) {
        const std::string ns = reader.string(*metadata, "namespace", false).value_or("");
        if (ns != "kube-system") {
            reader.warning(config_map,
                           fmt::format("ConfigMap '{}/aws-auth' is ignored: the authenticator reads only "
                                       "kube-system/aws-auth",
                                       ns.empty() ? "<no namespace>" : ns));
            ++sink.out.summary.skipped_by_kind["ConfigMap"];
            return;
        }
    } else if (edit_buffer) {
        reader.warning(config_map,
                       "document has no kind or metadata; read as the data of kube-system/aws-auth "
                       "(a kubectl edit buffer)");
    }
    AwsAuth aws_auth;
    aws_auth.location = reader.at(config_map);
    const Node* metadata = config_map.find("metadata");
    aws_auth.edit_buffer = edit_buffer && (metadata == nullptr || !metadata->is_mapping());
    if (metadata != nullptr && metadata->is_mapping()) {
        aws_auth.annotations = reader.string_map(*metadata, "annotations");
    }
    const Node* data = reader.mapping(config_map, "data", false);
    if (data != nullptr) {
        // The API server rejects a ConfigMap whose data values are not strings (aws-iam-authenticator
        // yaml_test.go "missing-bar"): such an aws-auth never exists, so it maps nobody.
        for (std::size_t i = 0; i < data->keys.size(); ++i) {
            if (!data->children[i].as_string() && !data->children[i].is_null()) {
                reader.error(
                    data->children[i],
                    fmt::format(
                        "data value '{}' is a {}, not a string (missing '|'?); the API server rejects "
                        "this ConfigMap, so no aws-auth mapping from it is used",
                        data->keys[i], data->children[i].type_name()));
            }
        }
        if (reader.failed()) {
            ++sink.out.summary.rejected;
            return;
        }
        for (std::size_t i = 0; i < data->keys.size(); ++i) {
            const std::string& key = data->keys[i];
            const Node& value = data->children[i];
            const bool known = key == kDataKeys[0] || key == kDataKeys[1] || key == kDataKeys[2];
            if (!known) {
                const bool miscased =
                    std::any_of(kDataKeys.begin(), kDataKeys.end(),
                                [&](std::string_view name) { return equal_fold(name, key); });
                reader.warning(
                    value, miscased ? fmt::format("data key '{}' is ignored: the authenticator's keys are "
                                                  "case-sensitive (mapRoles, mapUsers, mapAccounts)",
                                                  key)
                                    : fmt::format("data key '{}' is not read by the authenticator", key));
                continue;
            }
            if (value.is_null() || is_skippable(value.text)) {
                continue;
            }
            if (key == "mapRoles") {
                read_entries(value, AwsAuthSection::kMapRoles, aws_auth, sink, reader);
            } else if (key == "mapUsers") {
                read_entries(value, AwsAuthSection::kMapUsers, aws_auth, sink, reader);
            } else {
                read_accounts(value, aws_auth, sink, reader);
            }
        }
    }
    ++sink.out.summary.used;
    ++sink.out.summary.used_by_kind["ConfigMap aws-auth"];
    store_aws_auth(sink.out, std::move(aws_auth));
}

void store_aws_auth(Export& out, AwsAuth aws_auth) {
    if (out.aws_auth && (aws_auth.additions || out.aws_auth->additions)) {
        // eksctl appends its identity mappings to the ConfigMap; of two entries for one ARN the later wins.
        AwsAuth& kept = out.aws_auth->additions && !aws_auth.additions ? aws_auth : *out.aws_auth;
        AwsAuth& added = &kept == &aws_auth ? *out.aws_auth : aws_auth;
        kept.map_roles.insert(kept.map_roles.end(), added.map_roles.begin(), added.map_roles.end());
        kept.map_users.insert(kept.map_users.end(), added.map_users.begin(), added.map_users.end());
        kept.map_accounts.insert(kept.map_accounts.end(), added.map_accounts.begin(),
                                 added.map_accounts.end());
        kept.additions = kept.additions && added.additions;
        if (&kept == &aws_auth) {
            out.aws_auth = std::move(aws_auth);
        }
        return;
    }
    if (out.aws_auth) {
        out.diagnostics.push_back(
            {Severity::kWarning, aws_auth.location, "ConfigMap kube-system/aws-auth",
             fmt::format("a second kube-system/aws-auth (the first is at {}); this later "
                         "one replaces it",
                         format_location(out.aws_auth->location))});
        aws_auth.replaces = out.aws_auth->location;
    }
    out.aws_auth = std::move(aws_auth);
}

}  // namespace rbacgraph::load
