#include <istream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <unordered_map>

#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

using nlohmann::json;

std::string string_field(const json& object, const char* key, std::string& error) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
        return {};
    }
    if (!found->is_string()) {
        error = std::string("\"") + key + "\" must be a string";
        return {};
    }
    return found->get<std::string>();
}

class IdentityCache {
  public:
    explicit IdentityCache(const Graph& graph) : graph_(graph) {}

    // Identities are resolved once per distinct arn or user+groups, then reused for every line naming them.
    const Authorizer* find(const json& line, std::string& error) {
        std::string arn = string_field(line, "arn", error);
        std::string user = string_field(line, "user", error);
        std::vector<std::string> groups;
        if (const auto found = line.find("groups"); found != line.end() && !found->is_null()) {
            if (!found->is_array()) {
                error = "\"groups\" must be a list of strings";
            } else {
                for (const json& group : *found) {
                    if (!group.is_string()) {
                        error = "\"groups\" must be a list of strings";
                        break;
                    }
                    groups.push_back(group.get<std::string>());
                }
            }
        }
        if (!error.empty()) {
            return nullptr;
        }
        if (arn.empty() == user.empty()) {
            error = "give exactly one of \"arn\" or \"user\"";
            return nullptr;
        }
        if (!arn.empty() && !groups.empty()) {
            error = "\"groups\" goes with \"user\", not with \"arn\"";
            return nullptr;
        }
        std::string key = arn.empty() ? "u\x1f" + user : "a\x1f" + arn;
        for (const std::string& group : groups) {
            key += "\x1f" + group;
        }
        auto& slot = cache_[key];
        if (!slot) {
            Identity identity = arn.empty() ? kubernetes_identity(std::move(user), std::move(groups))
                                            : resolve_arn(graph_, arn);
            slot = std::make_unique<Authorizer>(graph_, std::move(identity));
        }
        return slot.get();
    }

  private:
    const Graph& graph_;
    std::unordered_map<std::string, std::unique_ptr<Authorizer>> cache_;
};

json answer_line(const std::string& text, IdentityCache& cache, BatchStats& stats) {
    json answer = json::object();
    const json line = json::parse(text, nullptr, false);
    if (line.is_discarded() || !line.is_object()) {
        answer["error"] = "not a JSON object";
        return answer;
    }
    if (const auto id = line.find("id"); id != line.end()) {
        answer["id"] = *id;
    }
    std::string error;
    const std::string verb = string_field(line, "verb", error);
    const std::string path = string_field(line, "path", error);
    const std::string resource = string_field(line, "resource", error);
    const std::string api_group = string_field(line, "apiGroup", error);
    const std::string subresource = string_field(line, "subresource", error);
    const std::string name = string_field(line, "name", error);
    const std::string ns = string_field(line, "namespace", error);
    const Authorizer* authorizer = error.empty() ? cache.find(line, error) : nullptr;
    if (!error.empty()) {
        answer["error"] = error;
        return answer;
    }
    if (path.empty() == resource.empty()) {
        answer["error"] = "give exactly one of \"resource\" or \"path\"";
        return answer;
    }
    if (!path.empty() && !path.starts_with("/")) {
        answer["error"] = "\"path\" must start with '/'";
        return answer;
    }
    auto request = make_request(verb, path.empty() ? resource : path, name, ns, api_group, subresource);
    if (const auto* problem = std::get_if<std::string>(&request)) {
        answer["error"] = *problem;
        return answer;
    }
    const Decision decision = authorizer->authorize(std::get<Request>(request));
    answer["allowed"] = decision.allowed;
    if (!decision.allowed && !decision.undetermined.empty()) {
        answer["undetermined"] = true;
    }
    if (!authorizer->identity().authenticated) {
        answer["authenticated"] = false;
    }
    stats.allowed += decision.allowed ? 1 : 0;
    return answer;
}

}  // namespace

BatchStats run_batch(const Graph& graph, std::istream& in, std::ostream& out) {
    BatchStats stats;
    IdentityCache cache(graph);
    std::string text;
    while (std::getline(in, text)) {
        if (text.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        ++stats.requests;
        const json answer = answer_line(text, cache, stats);
        if (answer.contains("error")) {
            ++stats.errors;
        }
        out << answer.dump() << '\n';
    }
    return stats;
}

}  // namespace rbacgraph
