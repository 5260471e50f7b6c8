// Audit logs in the shapes users export them (usage-evidence.md 2.3), read as a stream where the shape is
// one, and the stage rule that keeps one record per request (usage-evidence.md 1, "Stages and counting").
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "load/audit_event.hpp"
#include "load/gzip_input.hpp"
#include "rbacgraph/audit.hpp"

namespace rbacgraph {
namespace {

// Room past the end of every event that simdjson may read (SIMDJSON_PADDING is 64 in 3.x).
constexpr std::size_t kPadding = 64;
constexpr std::size_t kChunk = std::size_t{1} << 20;
// Records remembered to merge a request's stages and drop CloudWatch's duplicates: the stages of one request
// are written within its timeout of each other, far inside this many records of other requests.
constexpr std::size_t kRememberedRecords = std::size_t{1} << 16;
constexpr std::int64_t kMicrosPerHour = 3'600'000'000;

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil, public domain).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

bool digits(std::string_view text, std::size_t at, std::size_t count, unsigned& value) {
    if (at + count > text.size()) {
        return false;
    }
    value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        value = value * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return true;
}

// Long-running requests get a ResponseStarted stage (kube-apiserver BasicLongRunningRequestCheck: verbs watch
// and proxy, subresources attach, exec, log, portforward and proxy).
bool long_running(const AuditEvent& event) {
    static constexpr std::array<std::string_view, 5> kSubresources = {"attach", "exec", "log", "portforward",
                                                                      "proxy"};
    return event.verb == "watch" || event.verb == "proxy" ||
           std::find(kSubresources.begin(), kSubresources.end(), event.subresource) != kSubresources.end();
}

// A set that forgets its oldest members past a bound: constant memory over any length of log. It holds a
// 64-bit hash of each auditID (a UUID): two of the 65,536 remembered colliding is a chance of 2^-33.
class RecentIds {
  public:
    bool contains(std::string_view id) const { return members_.count(hash(id)) != 0; }
    void insert(std::string_view id) {
        const std::uint64_t key = hash(id);
        if (!members_.insert(key).second) {
            return;
        }
        order_.push_back(key);
        if (order_.size() > kRememberedRecords) {
            members_.erase(order_.front());
            order_.pop_front();
        }
    }
    bool erase(std::string_view id) { return members_.erase(hash(id)) != 0; }

  private:
    static std::uint64_t hash(std::string_view id) {
        // FNV-1a, then a final mix (splitmix64) so that similar IDs spread over the table.
        std::uint64_t value = 1469598103934665603ULL;
        for (const char c : id) {
            value = (value ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        }
        value = (value ^ (value >> 30U)) * 0xbf58476d1ce4e5b9ULL;
        value = (value ^ (value >> 27U)) * 0x94d049bb133111ebULL;
        return value ^ (value >> 31U);
    }

    std::unordered_set<std::uint64_t> members_;
    std::deque<std::uint64_t> order_;
};

bool dry_run(std::string_view uri) {
    const std::size_t query = uri.find('?');
    if (query == std::string_view::npos) {
        return false;
    }
    // k8s.io/apimachinery metav1 DryRun: "All" is the only value the API server accepts.
    std::string_view rest = uri.substr(query + 1);
    while (!rest.empty()) {
        const std::size_t end = rest.find('&');
        if (rest.substr(0, end) == "dryRun=All") {
            return true;
        }
        if (end == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(end + 1);
    }
    return false;
}

// The request the authorizer was asked (usage-evidence.md 4.2, after audit2rbac eventToAttributes): a
// resource request iff objectRef is set; a non-resource request's path is the URI without its query (the
// authorizer reads req.URL.Path).
Request request_of(AuditEvent& event) {
    Request request;
    request.verb = std::move(event.verb);
    if (!event.has_object_ref) {
        request.non_resource = true;
        request.path = event.request_uri.substr(0, event.request_uri.find('?'));
        return request;
    }
    request.api_group = std::move(event.api_group);
    request.resource = std::move(event.resource);
    request.subresource = std::move(event.subresource);
    request.ns = std::move(event.ns);
    request.name = std::move(event.name);
    // A create of an object is posted to its collection: the authorizer saw no name, whatever the audit
    // filter copied from the body (audit/request.go). A create on a subresource names its object in the URL.
    if (request.verb == "create" && request.subresource.empty()) {
        request.name.clear();
    }
    return normalize_request(std::move(request));
}

// "2020-09-08T04:00:24.000Z {...}": a line of a CloudWatch Logs export to S3 (usage-evidence.md 2.3).
std::optional<std::size_t> export_prefix(std::string_view line) {
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || space < 10 || !parse_rfc3339(line.substr(0, space))) {
        return std::nullopt;
    }
    return space + 1;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
    // RFC 3339 date-time: full-date "T" partial-time (fraction optional) time-offset ("Z" or +hh:mm).
    unsigned year = 0;
    unsigned month = 0;
    unsigned day = 0;
    unsigned hour = 0;
    unsigned minute = 0;
    unsigned second = 0;
    if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, month) ||
        text[7] != '-' || !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't') ||
        !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
        !digits(text, 17, 2, second)) {
        return std::nullopt;
    }
    static constexpr std::array<unsigned, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
        second > 60) {
        return std::nullopt;
    }
    std::size_t at = 19;
    std::int64_t micros = 0;
    if (at < text.size() && text[at] == '.') {
        ++at;
        std::size_t count = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            if (count < 6) {
                micros = micros * 10 + (text[at] - '0');
            }
            ++count;
            ++at;
        }
        if (count == 0) {
            return std::nullopt;
        }
        for (std::size_t i = count; i < 6; ++i) {
            micros *= 10;
        }
    }
    std::int64_t offset = 0;
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        unsigned offset_hours = 0;
        unsigned offset_minutes = 0;
        if (!digits(text, at + 1, 2, offset_hours) || at + 3 >= text.size() || text[at + 3] != ':' ||
            !digits(text, at + 4, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
            return std::nullopt;
        }
        offset = (text[at] == '+' ? 1 : -1) * static_cast<std::int64_t>(offset_hours * 60 + offset_minutes);
        at += 6;
    } else {
        return std::nullopt;
    }
    if (at != text.size()) {
        return std::nullopt;
    }
    const std::int64_t days = days_from_civil(year, month, day);
    const std::int64_t seconds =
        days * 86400 + std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second - offset * 60;
    return seconds * 1'000'000 + micros;
}

std::string format_rfc3339(std::int64_t micros) {
    std::int64_t seconds = micros / 1'000'000;
    std::int64_t fraction = micros % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    // civil_from_days (Howard Hinnant, public domain).
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);
    const unsigned year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned mp = (5 * day_of_year + 2) / 153;
    const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
    std::string text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year, month, day, rest / 3600,
                                   rest / 60 % 60, rest % 60);
    if (fraction != 0) {
        text += fmt::format(".{:06}", fraction);
    }
    return text + "Z";
}

struct AuditReader::State {
    Sink sink;
    LoadLimits limits;
    AuditReadStats stats;
    std::vector<Diagnostic> diagnostics;
    RecentIds started;          ///< ResponseStarted counted; its ResponseComplete is the same request
    RecentIds completed_first;  ///< a long-running request's ResponseComplete seen before its ResponseStarted
    RecentIds counted;          ///< records counted: a second copy is a duplicate
    std::string last_level;
    std::size_t* last_level_count = nullptr;  ///< stats.levels' count of last_level (map nodes stay put)
    std::int64_t last_hour = INT64_MIN;

    void problem(Severity severity, const SourceLocation& location, std::string object, std::string message) {
        diagnostics.push_back({severity, location, std::move(object), std::move(message)});
    }

    void accept(AuditEvent&& event, const SourceLocation& location) {
        ++stats.events;
        // RequestReceived is written before impersonation and authorization run (DefaultBuildHandlerChain):
        // it has no decision and never counts.
        if (event.stage == AuditStage::kRequestReceived) {
            ++stats.request_received;
            return;
        }
        // Failed authentication is logged with an empty user (authn_audit.go): no identity, not usage.
        if (event.user.username.empty() || event.code == 401) {
            ++stats.unauthenticated;
            return;
        }
        if (!event.decision || (*event.decision != "allow" && *event.decision != "forbid")) {
            ++stats.no_decision;
            return;
        }
        if (!event.received) {
            ++stats.invalid;
            problem(
                Severity::kWarning, location,
                event.audit_id.empty() ? "audit event" : "audit event " + event.audit_id,
                "the event has no requestReceivedTimestamp: it is not counted, since its time is unknown");
            return;
        }
        const std::string& id = event.audit_id;
        if (!id.empty()) {
            if (event.stage == AuditStage::kResponseStarted) {
                if (completed_first.erase(id)) {
                    ++stats.stages_merged;
                    return;
                }
                if (started.contains(id) || counted.contains(id)) {
                    ++stats.duplicates;
                    return;
                }
                started.insert(id);
            } else {
                if (started.erase(id)) {
                    ++stats.stages_merged;
                    counted.insert(id);
                    return;
                }
                if (counted.contains(id)) {
                    ++stats.duplicates;
                    return;
                }
                counted.insert(id);
                if (long_running(event)) {
                    completed_first.insert(id);
                }
            }
        }
        AuditRequest request;
        request.time = *event.received;
        request.allowed = *event.decision == "allow";
        request.code = event.code;
        request.dry_run = dry_run(event.request_uri);
        request.request = request_of(event);
        request.audit_id = std::move(event.audit_id);
        request.reason = std::move(event.reason);
        request.location = location;
        // Authorization ran as the impersonated user; the caller needed the right to impersonate it.
        if (event.impersonated_user) {
            request.impersonator = std::move(event.user);
            request.user = std::move(*event.impersonated_user);
        } else {
            request.user = std::move(event.user);
        }
        ++stats.requests;
        ++(request.allowed ? stats.allowed : stats.forbidden);
        stats.dry_run += request.dry_run ? 1 : 0;
        // Most events repeat the last level and hour: remember them instead of looking them up.
        if (event.level != last_level || last_level_count == nullptr) {
            last_level = event.level;
            last_level_count = &stats.levels[event.level.empty() ? "(none)" : event.level];
        }
        ++*last_level_count;
        stats.first = std::min(stats.first.value_or(request.time), request.time);
        stats.last = std::max(stats.last.value_or(request.time), request.time);
        const std::int64_t hour = request.time >= 0 ? request.time / kMicrosPerHour
                                                    : (request.time - kMicrosPerHour + 1) / kMicrosPerHour;
        if (hour != last_hour) {
            last_hour = hour;
            stats.hours.insert(hour);
        }
        sink(std::move(request));
    }

    void decoded(std::variant<AuditEvent, std::string>&& result, const SourceLocation& location,
                 const std::string& object) {
        if (auto* message = std::get_if<std::string>(&result)) {
            ++stats.invalid;
            problem(Severity::kError, location, object, "not an audit event: " + *message);
            return;
        }
        accept(std::move(std::get<AuditEvent>(result)), location);
    }

    // One line of JSON lines or of an S3 export; `capacity` bytes are readable from `data`.
    void line(const char* data, std::size_t size, std::size_t capacity, const FileName& file, int number) {
        std::string_view text(data, size);
        while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
            text.remove_suffix(1);
        }
        std::size_t skip = 0;
        while (skip < text.size() && (text[skip] == ' ' || text[skip] == '\t')) {
            ++skip;
        }
        if (skip == text.size()) {
            return;
        }
        if (text[skip] != '{') {
            const auto prefix = export_prefix(text.substr(skip));
            if (!prefix) {
                ++stats.invalid;
                problem(Severity::kError, {file, number, 1}, "",
                        "not an audit event: a line of JSON lines (or of a CloudWatch Logs export, '<time> "
                        "<event>') starts with '{'");
                return;
            }
            skip += *prefix;
        }
        const std::size_t length = text.size() - skip;
        decoded(decode_audit_event_in(data + skip, length, capacity - skip), {file, number, 1}, "");
    }

    void document(const std::string& text, const FileName& file);
    void stream(GzipInput& input, const FileName& file, std::string& buffer);
};

namespace {

bool looks_like_event_line(std::string_view line) {
    line = trim(line);
    if (line.empty()) {
        return false;
    }
    if (line.front() != '{') {
        const auto prefix = export_prefix(line);
        return prefix && *prefix < line.size() && line[*prefix] == '{';
    }
    // A whole object on one line that is an Event; a document printed on one line (jq -c) is not.
    const auto decoded = decode_audit_event(line);
    const auto* event = std::get_if<AuditEvent>(&decoded);
    return event != nullptr && (!event->audit_id.empty() || event->stage != AuditStage::kOther);
}

std::string text_of(const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : std::string();
}

}  // namespace

void AuditReader::State::document(const std::string& text, const FileName& file) {
    const nlohmann::json root = nlohmann::json::parse(text, nullptr, false);
    if (root.is_discarded()) {
        ++stats.invalid;
        problem(Severity::kError, {file, 1, 1}, "",
                "not an audit log: neither JSON lines of audit events, nor a CloudWatch Logs export, nor a "
                "JSON document of the AWS CLI (filter-log-events, get-log-events, Logs Insights results)");
        return;
    }
    const auto each_message = [&](const nlohmann::json& list, std::string_view what, auto message_of) {
        std::size_t index = 0;
        for (const nlohmann::json& item : list) {
            const std::string object = fmt::format("{}[{}]", what, index++);
            const std::optional<std::string> message = message_of(item);
            if (!message) {
                ++stats.invalid;
                problem(Severity::kError, {file, 0, 0}, object, "no message holding an audit event");
                continue;
            }
            decoded(decode_audit_event(*message), {file, 0, 0}, object);
        }
    };
    if (root.is_object() && root.contains("events") && root["events"].is_array()) {
        // aws logs filter-log-events / get-log-events: each message is the event's JSON as a string.
        each_message(root["events"], "events", [](const nlohmann::json& item) -> std::optional<std::string> {
            if (item.is_object() && item.contains("message") && item["message"].is_string()) {
                return item["message"].get<std::string>();
            }
            return std::nullopt;
        });
        if (root.contains("nextToken") || root.contains("NextToken")) {
            problem(Severity::kWarning, {file, 0, 0}, "",
                    "the output ends with a nextToken: it is one page of the query (--no-paginate or "
                    "--max-items), and requests after it are not read");
        }
        return;
    }
    if (root.is_object() && root.contains("results") && root["results"].is_array()) {
        // aws logs get-query-results: rows of {field, value}; the event is the @message field.
        each_message(root["results"], "results", [](const nlohmann::json& row) -> std::optional<std::string> {
            if (!row.is_array()) {
                return std::nullopt;
            }
            for (const nlohmann::json& cell : row) {
                if (cell.is_object() && text_of(cell.value("field", nlohmann::json())) == "@message" &&
                    cell.contains("value") && cell["value"].is_string()) {
                    return cell["value"].get<std::string>();
                }
            }
            return std::nullopt;
        });
        return;
    }
    if (root.is_object() && (root.contains("Records") || root.contains("Events"))) {
        ++stats.invalid;
        problem(Severity::kError, {file, 1, 1}, "",
                "this is CloudTrail, not an audit log: give it with --cloudtrail");
        return;
    }
    const nlohmann::json* items = nullptr;
    if (root.is_object() && root.contains("items") && root["items"].is_array()) {
        items = &root["items"];  // an audit.k8s.io EventList (audit2rbac reads it too)
    } else if (root.is_array()) {
        items = &root;  // jq -s of events
    }
    if (items != nullptr) {
        each_message(*items, "items",
                     [](const nlohmann::json& item) -> std::optional<std::string> { return item.dump(); });
        return;
    }
    decoded(decode_audit_event(text), {file, 1, 1}, "");
}

void AuditReader::State::stream(GzipInput& input, const FileName& file, std::string& buffer) {
    // The first line decides the shape: an event per line is streamed; anything else is one document.
    std::size_t first_end = std::string::npos;
    int blank_lines = 0;  // erased before the first line, and still counted in the lines' numbers
    while ((first_end = buffer.find('\n')) == std::string::npos ||
           trim(buffer.substr(0, first_end)).empty()) {
        if (first_end != std::string::npos) {
            buffer.erase(0, first_end + 1);  // blank leading lines
            ++blank_lines;
            continue;
        }
        if (buffer.size() > limits.max_file_bytes || input.read(buffer, kChunk) == 0) {
            break;
        }
    }
    if (trim(buffer).find_first_not_of('\n') == std::string_view::npos && input.error().empty()) {
        problem(Severity::kWarning, {file, 0, 0}, "", "it holds no audit event");
        return;
    }
    const std::string_view first_line = first_end == std::string::npos
                                            ? std::string_view(buffer)
                                            : std::string_view(buffer).substr(0, first_end);
    if (!looks_like_event_line(first_line)) {
        while (buffer.size() <= limits.max_file_bytes && input.read(buffer, kChunk) != 0) {
        }
        if (!input.error().empty()) {
            problem(Severity::kError, {file, 0, 0}, "", "cannot read it: " + input.error());
            return;
        }
        if (buffer.size() > limits.max_file_bytes) {
            ++stats.invalid;
            problem(Severity::kError, {file, 0, 0}, "",
                    fmt::format("the document is larger than {} bytes ({}); JSON lines and CloudWatch Logs "
                                "exports are read as a stream of any size",
                                limits.max_file_bytes, limits.max_file_bytes_setting));
            return;
        }
        document(buffer, file);
        return;
    }
    int number = 1 + blank_lines;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = buffer.find('\n', start);
        if (end == std::string::npos) {
            buffer.erase(0, start);
            start = 0;
            if (buffer.size() > limits.max_file_bytes) {
                ++stats.invalid;
                problem(Severity::kError, {file, number, 1}, "",
                        fmt::format("a line longer than {} bytes ({}): skipped", limits.max_file_bytes,
                                    limits.max_file_bytes_setting));
                std::size_t skipped_end = std::string::npos;
                do {
                    buffer.clear();
                    if (input.read(buffer, kChunk) == 0) {
                        break;
                    }
                    skipped_end = buffer.find('\n');
                } while (skipped_end == std::string::npos);
                if (skipped_end == std::string::npos) {
                    break;
                }
                buffer.erase(0, skipped_end + 1);
                ++number;
                continue;
            }
            if (input.read(buffer, kChunk) == 0) {
                break;
            }
            continue;
        }
        // The buffer holds the chunk read after this line, or padding: simdjson reads past the line's end.
        if (buffer.capacity() < buffer.size() + kPadding) {
            buffer.reserve(buffer.size() + kPadding + kChunk);
        }
        line(buffer.data() + start, end - start, buffer.capacity() - start, file, number);
        ++number;
        start = end + 1;
    }
    if (!input.error().empty()) {
        problem(Severity::kError, {file, number, 0}, "", "cannot read the rest: " + input.error());
    }
    if (!buffer.empty()) {
        buffer.reserve(buffer.size() + kPadding);
        line(buffer.data(), buffer.size(), buffer.capacity(), file, number);
    }
}

AuditReader::AuditReader(Sink sink, LoadLimits limits) : state_(std::make_unique<State>()) {
    state_->sink = std::move(sink);
    state_->limits = std::move(limits);
}

AuditReader::~AuditReader() = default;

const AuditReadStats& AuditReader::stats() const {
    return state_->stats;
}
const std::vector<Diagnostic>& AuditReader::diagnostics() const {
    return state_->diagnostics;
}

void AuditReader::read_path(const std::string& path) {
    std::error_code error;
    if (path != "-" && std::filesystem::is_directory(path, error)) {
        // Every file: exports to S3 are named 000000.gz, a server's log anything.
        std::vector<Diagnostic> problems;
        const std::vector<std::string> files =
            files_in(path, problems, [](std::string_view /*name*/) { return true; });
        state_->diagnostics.insert(state_->diagnostics.end(), problems.begin(), problems.end());
        for (const std::string& file : files) {
            read_path(file);
        }
        return;
    }
    const FileName file(path == "-" ? std::string("<stdin>") : path);
    GzipInput input(path);
    if (!input.error().empty()) {
        state_->problem(Severity::kError, {file, 0, 0}, "", "cannot open it: " + input.error());
        return;
    }
    ++state_->stats.files;
    std::string buffer;
    buffer.reserve(kChunk + kPadding);
    input.read(buffer, kChunk);
    state_->stream(input, file, buffer);
}

void AuditReader::read_text(std::string_view text, const FileName& file) {
    ++state_->stats.files;
    // The same decision as a stream's: the first non-blank line.
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (!trim(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start))
                 .empty()) {
            break;
        }
        start = end == std::string_view::npos ? text.size() : end + 1;
    }
    if (start >= text.size()) {
        state_->problem(Severity::kWarning, {file, 0, 0}, "", "it holds no audit event");
        return;
    }
    const std::size_t line_end = text.find('\n', start);
    const std::string_view first =
        text.substr(start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
    if (!looks_like_event_line(first)) {
        state_->document(std::string(text), file);
        return;
    }
    std::string padded;
    padded.reserve(text.size() + kPadding);
    padded.assign(text);
    int number = 1;
    std::size_t at = 0;
    while (at <= padded.size()) {
        const std::size_t end = padded.find('\n', at);
        const std::size_t stop = end == std::string::npos ? padded.size() : end;
        state_->line(padded.data() + at, stop - at, padded.capacity() - at, file, number++);
        if (end == std::string::npos) {
            break;
        }
        at = end + 1;
    }
}

}  // namespace rbacgraph
