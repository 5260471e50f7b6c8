#include <algorithm>
#include <array>
#include <istream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <unordered_map>

#include "rbacgraph/output_text.hpp"
#include "rbacgraph/parallel.hpp"
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

// Runs body(begin, end) over [0, count), in two halves at once when there are two cores.
template <typename Body>
void in_parallel(std::size_t count, bool parallel, Body body) {
    if (!parallel || count < 512) {
        body(std::size_t{0}, count);
        return;
    }
    const std::size_t half = count / 2;
    std::jthread second([&] { body(half, count); });
    body(std::size_t{0}, half);
}

// Identities are resolved once per distinct arn or user+groups; each block looks up the identities it
// names, builds the new ones on both cores and files them before any line is answered, so no lock is taken.
class Identities {
  public:
    explicit Identities(const Graph& graph) : graph_(graph), catalog_(catalog_of(graph.source())) {}
    Identities(const Identities&) = delete;
    Identities& operator=(const Identities&) = delete;
    ~Identities() {
        // Freed on both cores, as they were built: a batch naming 250,000 ARNs spent a sixth of its time
        // freeing their authorizers on one.
        std::vector<std::unique_ptr<Authorizer>> owned;
        owned.reserve(known_.size());
        for (auto& [key, authorizer] : known_) {
            owned.push_back(std::move(authorizer));
        }
        in_parallel(owned.size(), core_count() > 1, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                owned[i].reset();
            }
        });
    }
    const Graph& graph() const { return graph_; }
    const ApiCatalog& catalog() const { return catalog_; }

    const Authorizer* find(const std::string& key) const {
        const auto found = known_.find(key);
        return found == known_.end() ? nullptr : found->second.get();
    }
    /// Builds an identity's authorizer (thread-safe: reads only the graph).
    std::unique_ptr<Authorizer> build(const RequestLine& line) const {
        std::vector<std::string> groups(line.groups.begin(), line.groups.end());
        Identity identity = line.arn.empty() ? kubernetes_identity(std::string(line.user), std::move(groups))
                                             : resolve_arn(graph_, line.arn);
        return std::make_unique<Authorizer>(graph_, std::move(identity));
    }
    const Authorizer* add(std::string key, std::unique_ptr<Authorizer> authorizer) {
        return known_.emplace(std::move(key), std::move(authorizer)).first->second.get();
    }

  private:
    const Graph& graph_;
    const ApiCatalog catalog_;  ///< the requests' words are read against the input's resources
    std::unordered_map<std::string, std::unique_ptr<Authorizer>> known_;
};

struct Answer {
    bool allowed = false;
    bool unauthenticated = false;
    std::string error;
    std::vector<std::string> undetermined;  ///< why, when the input cannot decide
    std::vector<std::string> warnings;      ///< how the words were read, where kubectl would warn
    std::string reason{};  ///< why an authenticated identity's request is refused before authorization
};

// Why a line cannot be asked at all, before its identity is looked up; "" when it can.
std::string identity_problem(const RequestLine& line) {
    if (!line.error.empty()) {
        return line.error;
    }
    if (line.arn.empty() == line.user.empty()) {
        return "give exactly one of \"arn\" or \"user\"";
    }
    if (!line.arn.empty() && !line.groups.empty()) {
        return "\"groups\" goes with \"user\", not with \"arn\"";
    }
    return {};
}

// The answer to a line that names its identity (identity_problem is ""), asked of that identity.
Answer answer(const RequestLine& line, const Authorizer* authorizer, const Identities& identities) {
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
                                   identities.catalog());
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
        out.undetermined = undetermined_reasons(identities.graph(), decision);
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

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// One line of a block, read: its fields (views into the line, or into `object` for lines nlohmann read),
// or the answer already known (an unreadable line, a missing identity).
struct ReadLine {
    bool blank = false;
    RequestLine line;
    std::unique_ptr<json> object;  ///< the slow reader's document, which `line` views
    std::string id_text;           ///< the slow reader's id, printed back
    std::uint64_t identity = 0;    ///< hash of who asks (grouping only; equal identities are compared)
    bool answered = false;         ///< `answer` is final: no identity to ask
    Answer answer;
};

std::uint64_t mix(std::uint64_t hash, std::string_view text) {
    // FNV-1a over the bytes, then a separator that no byte value equals in effect.
    for (const char c : text) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    return (hash ^ 0x1f1fULL) * 0x100000001b3ULL;
}

void read_line(std::string_view text, ReadLine& out) {
    out = ReadLine{};
    if (blank(text)) {
        out.blank = true;
        return;
    }
    if (std::optional<RequestLine> line = FlatScanner(text).scan()) {
        out.line = std::move(*line);
    } else if (nests_too_deep(text)) {  // the flat lines above nest nothing
        out.answered = true;
        out.answer.error = "the line nests deeper than " + std::to_string(kMaxLineNesting) + " levels";
        return;
    } else {
        out.object = std::make_unique<json>(json::parse(text, nullptr, false));
        if (out.object->is_discarded() || !out.object->is_object()) {
            out.answered = true;
            out.answer.error = "not a JSON object";
            return;
        }
        read_json_line(*out.object, out.id_text, out.line);
    }
    if (std::string problem = identity_problem(out.line); !problem.empty()) {
        out.answered = true;
        out.answer.error = std::move(problem);
        return;
    }
    std::uint64_t hash = out.line.arn.empty() ? 0x75ULL : 0x61ULL;
    hash = mix(hash, out.line.arn.empty() ? out.line.user : out.line.arn);
    for (const std::string_view group : out.line.groups) {
        hash = mix(hash, group);
    }
    out.identity = hash;
}

// Who asks, as the key identities are shared under: "a" + arn, or "u" + user and groups.
std::string identity_key(const RequestLine& line) {
    std::string key(line.arn.empty() ? "u\x1f" : "a\x1f");
    key.append(line.arn.empty() ? line.user : line.arn);
    for (const std::string_view group : line.groups) {
        key.push_back('\x1f');
        key.append(group);
    }
    return key;
}

bool same_identity(const ReadLine& a, const ReadLine& b) {
    return a.identity == b.identity && a.line.arn == b.line.arn && a.line.user == b.line.user &&
           a.line.groups == b.line.groups;
}

// Answers one block of lines, grouped by who asks: every line of one identity is answered together, so the
// identity is looked up once per block and its grants are read while they are in cache (performance.md,
// issue 33); the answers are printed in the order of the lines.
class BlockAnswerer {
  public:
    explicit BlockAnswerer(const Graph& graph) : identities_(graph) {}

    void answer(const std::vector<std::string>& lines, std::size_t count, std::size_t first_line,
                std::ostream& out, BatchStats& stats) {
        const bool parallel = core_count() > 1;
        if (read_.size() < count) {
            read_.resize(count);
        }
        in_parallel(count, parallel, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                read_line(lines[i], read_[i]);
            }
        });
        // The lines that ask an identity, sorted by the hash of who asks and then by line (integers only).
        keyed_.clear();
        for (std::uint32_t i = 0; i < count; ++i) {
            if (!read_[i].blank && !read_[i].answered) {
                keyed_.emplace_back(read_[i].identity, i);
            }
        }
        std::sort(keyed_.begin(), keyed_.end());
        const auto line_of = [&](std::size_t k) -> ReadLine& { return read_[keyed_[k].second]; };
        // Who asks each line. A run of one hash is one identity unless two identities share a hash (FNV
        // collides on purpose easily): each line is compared with the run's first, and a line of another
        // identity is looked up by its own key. Identities not met before are built on both cores.
        asked_.assign(keyed_.size(), nullptr);
        pending_of_.assign(keyed_.size(), kNotPending);
        pending_.clear();
        pending_keys_.clear();
        const auto look_up = [&](std::size_t k) {
            const RequestLine& line = line_of(k).line;
            std::string key = identity_key(line);
            if (const Authorizer* known = identities_.find(key)) {
                asked_[k] = known;
                return;
            }
            const auto [slot, added] = pending_keys_.try_emplace(std::move(key), pending_.size());
            if (added) {
                pending_.push_back(keyed_[k].second);
            }
            pending_of_[k] = static_cast<std::uint32_t>(slot->second);
        };
        for (std::size_t k = 0, first = 0; k < keyed_.size(); ++k) {
            if (k == 0 || keyed_[k].first != keyed_[k - 1].first) {
                first = k;
                look_up(k);
            } else if (same_identity(line_of(first), line_of(k))) {
                asked_[k] = asked_[first];
                pending_of_[k] = pending_of_[first];
            } else {
                look_up(k);
            }
        }
        std::vector<std::unique_ptr<Authorizer>> built(pending_.size());
        in_parallel(pending_.size(), parallel, [&](std::size_t begin, std::size_t end) {
            for (std::size_t p = begin; p < end; ++p) {
                built[p] = identities_.build(read_[pending_[p]].line);
            }
        });
        std::vector<const Authorizer*> filed(pending_.size());
        while (!pending_keys_.empty()) {  // the keys move into the identities, not copied
            auto node = pending_keys_.extract(pending_keys_.begin());
            filed[node.mapped()] = identities_.add(std::move(node.key()), std::move(built[node.mapped()]));
        }
        for (std::size_t k = 0; k < keyed_.size(); ++k) {
            if (pending_of_[k] != kNotPending) {
                asked_[k] = filed[pending_of_[k]];
            }
        }
        const auto answer_groups = [&](std::size_t begin, std::size_t end) {
            for (std::size_t k = begin; k < end; ++k) {
                ReadLine& read = line_of(k);
                read.answer = rbacgraph::answer(read.line, asked_[k], identities_);
            }
        };
        in_parallel(keyed_.size(), parallel, answer_groups);
        std::array<std::string, 2> printed;
        std::array<BatchStats, 2> part;
        in_parallel(count, parallel, [&](std::size_t begin, std::size_t end) {
            const std::size_t which = begin == 0 ? 0 : 1;  // the first half or the second
            printed[which].reserve((end - begin) * 32);
            for (std::size_t i = begin; i < end; ++i) {
                const ReadLine& read = read_[i];
                if (read.blank) {
                    continue;
                }
                ++part[which].requests;
                part[which].allowed += read.answer.allowed ? 1 : 0;
                part[which].errors += read.answer.error.empty() ? 0 : 1;
                print(read.answer, read.line.id, first_line + i, printed[which]);
            }
        });
        for (std::size_t i = 0; i < 2; ++i) {
            out << printed[i];
            stats.requests += part[i].requests;
            stats.allowed += part[i].allowed;
            stats.errors += part[i].errors;
        }
    }

  private:
    static constexpr std::uint32_t kNotPending = ~std::uint32_t{0};

    Identities identities_;
    std::vector<ReadLine> read_;
    std::vector<std::pair<std::uint64_t, std::uint32_t>>
        keyed_;                              ///< (identity hash, line) of each asking line, sorted
    std::vector<const Authorizer*> asked_;   ///< per entry of keyed_: who asks, once known
    std::vector<std::uint32_t> pending_of_;  ///< per entry of keyed_: its identity in pending_, if new
    std::vector<std::uint32_t> pending_;     ///< a line of each identity this block meets first
    std::unordered_map<std::string, std::size_t> pending_keys_;
};

}  // namespace

BatchStats run_batch(const Graph& graph, std::istream& in, std::ostream& out) {
    // Lines are read in blocks, each answered grouped by identity and printed in order. A larger block groups
    // more lines of one identity (a file of random requests gains most); a caller that waits for each answer
    // still gets it, since a block ends wherever reading would wait.
    constexpr std::size_t kBlock = 1 << 17;
    BatchStats stats;
    BlockAnswerer answerer(graph);
    std::vector<std::string> lines(1024);
    std::size_t first_line = 1;
    while (in) {
        std::size_t count = 0;
        while (count < kBlock) {
            if (count == lines.size()) {
                lines.resize(std::min(kBlock, lines.size() * 2));
            }
            if (!std::getline(in, lines[count])) {
                break;
            }
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
        answerer.answer(lines, count, first_line, out, stats);
        out.flush();
        first_line += count;
    }
    return stats;
}

}  // namespace rbacgraph
