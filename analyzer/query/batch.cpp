#include <algorithm>
#include <array>
#include <istream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "rbacgraph/output_text.hpp"
#include "rbacgraph/query.hpp"

namespace rbacgraph {
namespace {

using nlohmann::json;

// The fields of one request line, whichever reader found them; views point into the line or its JSON.
struct RequestLine {
    std::optional<std::string_view> id;  ///< the id exactly as the answer must print it
    std::string_view verb, path, resource, api_group, subresource, name, ns, arn, user;
    std::vector<std::string_view> groups;
    std::string error;
};

// ---- The fast reader: flat objects of plain strings, as generators and scripts write them. Anything else
// (escapes, non-ASCII, nesting, numbers other than a small integer id, repeated keys) returns nullopt and the
// line goes to nlohmann/json, so both readers give the same answer.

class FlatScanner {
  public:
    explicit FlatScanner(std::string_view text) : text_(text) {}

    std::optional<RequestLine> scan() {
        RequestLine line;
        skip_space();
        if (!take('{')) {
            return std::nullopt;
        }
        skip_space();
        if (take('}')) {
            return finish(std::move(line));
        }
        unsigned seen = 0;
        while (true) {
            skip_space();
            const auto key = plain_string();
            skip_space();
            if (!key || !take(':')) {
                return std::nullopt;
            }
            skip_space();
            if (!value(*key, line, seen)) {
                return std::nullopt;
            }
            skip_space();
            if (take('}')) {
                return finish(std::move(line));
            }
            if (!take(',')) {
                return std::nullopt;
            }
        }
    }

  private:
    static constexpr std::array<std::string_view, 11> kKeys = {
        "id",   "verb",      "path", "resource", "apiGroup", "subresource",
        "name", "namespace", "arn",  "user",     "groups"};

    std::optional<RequestLine> finish(RequestLine line) {
        skip_space();
        return at_end() ? std::optional<RequestLine>(std::move(line)) : std::nullopt;
    }

    bool value(std::string_view key, RequestLine& line, unsigned& seen) {
        const auto known = std::find(kKeys.begin(), kKeys.end(), key);
        if (known != kKeys.end()) {
            const unsigned bit = 1U << static_cast<unsigned>(known - kKeys.begin());
            if ((seen & bit) != 0) {
                return false;  // a repeated key: nlohmann keeps the last, leave it to it
            }
            seen |= bit;
        }
        if (key == "id") {
            const std::size_t start = position_;
            if (peek() == '"') {
                return plain_string().has_value() && (line.id = text_.substr(start, position_ - start), true);
            }
            if (!small_integer()) {
                return false;
            }
            line.id = text_.substr(start, position_ - start);
            return true;
        }
        if (key == "groups") {
            return string_list(line.groups);
        }
        const auto text = plain_string();
        if (!text) {
            return false;
        }
        std::string_view* field = key == "verb"          ? &line.verb
                                  : key == "path"        ? &line.path
                                  : key == "resource"    ? &line.resource
                                  : key == "apiGroup"    ? &line.api_group
                                  : key == "subresource" ? &line.subresource
                                  : key == "name"        ? &line.name
                                  : key == "namespace"   ? &line.ns
                                  : key == "arn"         ? &line.arn
                                  : key == "user"        ? &line.user
                                                         : nullptr;
        if (field != nullptr) {
            *field = *text;
        }
        return true;
    }

    bool string_list(std::vector<std::string_view>& out) {
        if (!take('[')) {
            return false;
        }
        skip_space();
        if (take(']')) {
            return true;
        }
        while (true) {
            skip_space();
            const auto item = plain_string();
            if (!item) {
                return false;
            }
            out.push_back(*item);
            skip_space();
            if (take(']')) {
                return true;
            }
            if (!take(',')) {
                return false;
            }
        }
    }

    // A string of printable ASCII without escapes, which nlohmann would print back byte for byte.
    std::optional<std::string_view> plain_string() {
        if (!take('"')) {
            return std::nullopt;
        }
        const std::size_t start = position_;
        while (!at_end()) {
            const char c = text_[position_];
            if (c == '"') {
                return text_.substr(start, position_++ - start);
            }
            if (c == '\\' || c < 0x20 || c > 0x7e) {
                return std::nullopt;
            }
            ++position_;
        }
        return std::nullopt;
    }

    // -?[1-9][0-9]{0,17} or 0: within int64, printed back unchanged.
    bool small_integer() {
        const std::size_t start = position_;
        take('-');
        const std::size_t digits = position_;
        while (!at_end() && text_[position_] >= '0' && text_[position_] <= '9') {
            ++position_;
        }
        const std::size_t count = position_ - digits;
        if (count == 0 || count > 18 || (text_[digits] == '0' && (count > 1 || digits != start))) {
            return false;
        }
        return at_end() || (text_[position_] != '.' && text_[position_] != 'e' && text_[position_] != 'E');
    }

    bool at_end() const { return position_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[position_]; }
    bool take(char c) {
        if (peek() != c) {
            return false;
        }
        ++position_;
        return true;
    }
    void skip_space() {
        while (!at_end() &&
               (text_[position_] == ' ' || text_[position_] == '\t' || text_[position_] == '\r')) {
            ++position_;
        }
    }

    std::string_view text_;
    std::size_t position_ = 0;
};

// ---- The general reader: any JSON, with its type errors.

std::string_view string_field(const json& object, const char* key, std::string& error) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
        return {};
    }
    if (!found->is_string()) {
        error = std::string("\"") + key + "\" must be a string";
        return {};
    }
    return found->get_ref<const std::string&>();
}

void read_json_line(const json& object, std::string& id_text, RequestLine& line) {
    if (const auto id = object.find("id"); id != object.end()) {
        id_text = id->dump();
        line.id = id_text;
    }
    line.verb = string_field(object, "verb", line.error);
    line.path = string_field(object, "path", line.error);
    line.resource = string_field(object, "resource", line.error);
    line.api_group = string_field(object, "apiGroup", line.error);
    line.subresource = string_field(object, "subresource", line.error);
    line.name = string_field(object, "name", line.error);
    line.ns = string_field(object, "namespace", line.error);
    line.arn = string_field(object, "arn", line.error);
    line.user = string_field(object, "user", line.error);
    if (const auto found = object.find("groups"); found != object.end() && !found->is_null()) {
        const bool strings =
            found->is_array() &&
            std::all_of(found->begin(), found->end(), [](const json& group) { return group.is_string(); });
        if (!strings) {
            line.error = "\"groups\" must be a list of strings";
            return;
        }
        for (const json& group : *found) {
            line.groups.push_back(group.get_ref<const std::string&>());
        }
    }
}

// Identities are resolved once per distinct arn or user+groups and shared by the workers.
class SharedIdentities {
  public:
    explicit SharedIdentities(const Graph& graph) : graph_(graph), catalog_(catalog_of(graph.source())) {}
    const Graph& graph() const { return graph_; }
    const ApiCatalog& catalog() const { return catalog_; }

    const Authorizer* find(const std::string& key, const RequestLine& line) {
        {
            const std::shared_lock lock(mutex_);
            if (const auto found = cache_.find(key); found != cache_.end()) {
                return found->second.get();
            }
        }
        std::vector<std::string> groups(line.groups.begin(), line.groups.end());
        Identity identity = line.arn.empty() ? kubernetes_identity(std::string(line.user), std::move(groups))
                                             : resolve_arn(graph_, line.arn);
        auto authorizer = std::make_unique<Authorizer>(graph_, std::move(identity));
        const std::unique_lock lock(mutex_);
        auto& slot = cache_[key];
        if (!slot) {
            slot = std::move(authorizer);
        }
        return slot.get();
    }

  private:
    const Graph& graph_;
    const ApiCatalog catalog_;  ///< the requests' words are read against the input's resources
    std::shared_mutex mutex_;
    std::unordered_map<std::string, std::unique_ptr<Authorizer>> cache_;
};

// One worker's view: the identities it has met, found without taking the shared lock.
class IdentityCache {
  public:
    explicit IdentityCache(SharedIdentities& shared) : shared_(shared) {}
    const Graph& graph() const { return shared_.graph(); }
    const ApiCatalog& catalog() const { return shared_.catalog(); }

    const Authorizer* find(const RequestLine& line) {
        key_.assign(line.arn.empty() ? "u\x1f" : "a\x1f");
        key_.append(line.arn.empty() ? line.user : line.arn);
        for (const std::string_view group : line.groups) {
            key_.push_back('\x1f');
            key_.append(group);
        }
        // Requests often come grouped by who asks (a script's questions about one role after another).
        if (last_ != nullptr && key_ == last_key_) {
            return last_;
        }
        if (const auto found = local_.find(key_); found != local_.end()) {
            last_ = found->second;
        } else {
            last_ = shared_.find(key_, line);
            local_.emplace(key_, last_);
        }
        last_key_ = key_;
        return last_;
    }

  private:
    SharedIdentities& shared_;
    std::string key_;
    std::string last_key_;
    const Authorizer* last_ = nullptr;
    std::unordered_map<std::string, const Authorizer*> local_;
};

struct Answer {
    bool allowed = false;
    bool unauthenticated = false;
    std::string error;
    std::vector<std::string> undetermined;  ///< why, when the input cannot decide
    std::vector<std::string> warnings;      ///< how the words were read, where kubectl would warn
    std::string reason{};  ///< why an authenticated identity's request is refused before authorization
};

Answer answer(const RequestLine& line, IdentityCache& cache) {
    if (!line.error.empty()) {
        return {false, false, line.error, {}, {}};
    }
    if (line.arn.empty() == line.user.empty()) {
        return {false, false, "give exactly one of \"arn\" or \"user\"", {}, {}};
    }
    if (!line.arn.empty() && !line.groups.empty()) {
        return {false, false, "\"groups\" goes with \"user\", not with \"arn\"", {}, {}};
    }
    const Authorizer* authorizer = cache.find(line);
    if (line.path.empty() == line.resource.empty()) {
        return {false, false, "give exactly one of \"resource\" or \"path\"", {}, {}};
    }
    if (!line.path.empty() && !line.path.starts_with("/")) {
        return {false, false, "\"path\" must start with '/'", {}, {}};
    }
    auto request = resolve_request({.verb = std::string(line.verb),
                                    .resource = std::string(line.path.empty() ? line.resource : line.path),
                                    .name = std::string(line.name),
                                    .ns = std::string(line.ns),
                                    .api_group = std::string(line.api_group),
                                    .subresource = std::string(line.subresource)},
                                   cache.catalog());
    if (auto* problem = std::get_if<std::string>(&request)) {
        return {false, false, std::move(*problem), {}, {}};
    }
    ResolvedRequest& resolved = std::get<ResolvedRequest>(request);
    Decision decision = authorizer->authorize(resolved.request);
    apply_request_doubts(decision, resolved.doubts);
    Answer out{decision.allowed(),
               !authorizer->identity().authenticated || !decision.unauthenticated.empty(),
               {},
               {},
               std::move(resolved.warnings),
               decision.unauthenticated};
    if (decision.verdict == Verdict::kUndetermined) {
        out.undetermined = undetermined_reasons(cache.graph(), decision);
    }
    return out;
}

// Prints what nlohmann's dump() prints for the answer object (keys sorted, no spaces).
// An error answer carries the input line it answers (1-based), so a caller can find the line to fix.
void print(const Answer& result, std::optional<std::string_view> id, std::size_t line, std::string& out) {
    if (!result.error.empty()) {
        out += R"({"error":)";
        out += json_text(json(result.error));
        out += R"(,"line":)";
        out += std::to_string(line);
    } else {
        out += result.allowed                 ? R"({"allowed":true)"
               : !result.undetermined.empty() ? R"({"allowed":null)"
                                              : R"({"allowed":false)";
        if (result.unauthenticated) {
            out += R"(,"authenticated":false)";
        }
        if (!result.reason.empty()) {
            out += R"(,"reason":)";
            out += json_text(json(result.reason));
        }
    }
    if (id) {
        out += R"(,"id":)";
        out += *id;
    }
    if (result.error.empty() && !result.undetermined.empty()) {
        out += R"(,"undetermined":)";
        out += json_text(json(result.undetermined));
    }
    if (result.error.empty() && !result.warnings.empty()) {
        out += R"(,"warnings":)";
        out += json_text(json(result.warnings));
    }
    out += "}\n";
}

struct LineOutcome {
    bool allowed = false;
    bool error = false;
};

// A request line nests a few levels; an id that nests thousands (70,000 '[' crashed the writer that echoes
// ids back) is refused before it is parsed. Brackets inside strings do not count.
constexpr std::size_t kMaxLineNesting = 64;

bool nests_too_deep(std::string_view text) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxLineNesting) {
                return true;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

LineOutcome answer_line(std::string_view text, std::size_t number, IdentityCache& cache, std::string& out) {
    if (std::optional<RequestLine> line = FlatScanner(text).scan()) {
        const Answer result = answer(*line, cache);
        print(result, line->id, number, out);
        return {result.allowed, !result.error.empty()};
    }
    if (nests_too_deep(text)) {  // the flat lines above nest nothing
        print({false,
               false,
               "the line nests deeper than " + std::to_string(kMaxLineNesting) + " levels",
               {},
               {}},
              std::nullopt, number, out);
        return {false, true};
    }
    const json object = json::parse(text, nullptr, false);
    if (object.is_discarded() || !object.is_object()) {
        print({false, false, "not a JSON object", {}, {}}, std::nullopt, number, out);
        return {false, true};
    }
    RequestLine line;
    std::string id_text;
    read_json_line(object, id_text, line);
    const Answer result = answer(line, cache);
    print(result, line.id, number, out);
    return {result.allowed, !result.error.empty()};
}

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Answers lines[begin, end) into `out`, counting into `stats`; lines[0] is input line first_line.
void answer_range(const std::vector<std::string>& lines, std::size_t begin, std::size_t end,
                  std::size_t first_line, IdentityCache& cache, std::string& out, BatchStats& stats) {
    out.reserve(out.size() + (end - begin) * 32);
    for (std::size_t i = begin; i < end; ++i) {
        if (blank(lines[i])) {
            continue;
        }
        ++stats.requests;
        const LineOutcome outcome = answer_line(lines[i], first_line + i, cache, out);
        stats.allowed += outcome.allowed ? 1 : 0;
        stats.errors += outcome.error ? 1 : 0;
    }
}

}  // namespace

BatchStats run_batch(const Graph& graph, std::istream& in, std::ostream& out) {
    // Lines are read in blocks; the two halves of a block are answered at once and printed in order.
    constexpr std::size_t kBlock = 1 << 15;
    const bool parallel = std::thread::hardware_concurrency() > 1;
    BatchStats stats;
    SharedIdentities shared(graph);
    std::array<IdentityCache, 2> caches{IdentityCache(shared), IdentityCache(shared)};
    std::vector<std::string> lines(kBlock);
    std::array<std::string, 2> answers;
    std::size_t first_line = 1;
    while (in) {
        std::size_t count = 0;
        while (count < kBlock && std::getline(in, lines[count])) {
            ++count;
            // A caller that writes one request and waits for its answer (a co-process on a pipe) must get
            // it: when nothing more can be read without waiting, the block is answered as it is.
            if (in.rdbuf()->in_avail() <= 0) {
                break;
            }
        }
        if (count == 0) {
            break;
        }
        const std::size_t half = parallel && count > 256 ? count / 2 : count;
        std::array<BatchStats, 2> part;
        {
            std::jthread second;
            if (half < count) {
                second = std::jthread(
                    [&] { answer_range(lines, half, count, first_line, caches[1], answers[1], part[1]); });
            }
            answer_range(lines, 0, half, first_line, caches[0], answers[0], part[0]);
        }
        for (std::size_t i = 0; i < 2; ++i) {
            out << answers[i];
            answers[i].clear();
            stats.requests += part[i].requests;
            stats.allowed += part[i].allowed;
            stats.errors += part[i].errors;
        }
        out.flush();
        first_line += count;
    }
    return stats;
}

}  // namespace rbacgraph
