// CloudTrail records of roles being assumed (usage-evidence.md 3): which assume-role routes and workload
// roles produced the sessions an audit log shows.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "load/gzip_input.hpp"
#include "rbacgraph/audit.hpp"

namespace rbacgraph {
namespace {

using Json = nlohmann::json;

std::string text_at(const Json& object, std::initializer_list<std::string_view> path) {
    const Json* at = &object;
    for (std::string_view key : path) {
        if (!at->is_object()) {
            return {};
        }
        const auto found = at->find(key);
        if (found == at->end()) {
            return {};
        }
        at = &*found;
    }
    return at->is_string() ? at->get<std::string>() : std::string();
}

bool is_assumption(std::string_view source, std::string_view name) {
    if (source == "sts.amazonaws.com") {
        return name == "AssumeRole" || name == "AssumeRoleWithWebIdentity" || name == "AssumeRoleWithSAML";
    }
    return source == "eks-auth.amazonaws.com" && name == "AssumeRoleForPodIdentity";
}

void read_record(const Json& record, const SourceLocation& location, const std::string& object,
                 CloudTrailRead& out) {
    ++out.records;
    if (!record.is_object()) {
        out.diagnostics.push_back(
            {Severity::kError, location, object, "a CloudTrail record is not an object"});
        return;
    }
    const std::string source = text_at(record, {"eventSource"});
    const std::string name = text_at(record, {"eventName"});
    if (!is_assumption(source, name)) {
        return;
    }
    RoleAssumption assumption;
    assumption.event = name;
    assumption.event_source = source;
    const auto time = parse_rfc3339(text_at(record, {"eventTime"}));
    if (!time) {
        out.diagnostics.push_back({Severity::kError, location, object,
                                   fmt::format("{} record without a readable eventTime: skipped", name)});
        return;
    }
    assumption.time = *time;
    assumption.caller_type = text_at(record, {"userIdentity", "type"});
    assumption.caller_arn = text_at(record, {"userIdentity", "arn"});
    if (assumption.caller_arn.empty()) {
        assumption.caller_arn = text_at(record, {"userIdentity", "userName"});  // a web identity's subject
    }
    assumption.invoked_by = text_at(record, {"userIdentity", "invokedBy"});
    assumption.caller_key_id = text_at(record, {"userIdentity", "accessKeyId"});
    assumption.role_arn = text_at(record, {"requestParameters", "roleArn"});
    assumption.session_name = text_at(record, {"requestParameters", "roleSessionName"});
    assumption.assumed_role_arn = text_at(record, {"responseElements", "assumedRoleUser", "arn"});
    assumption.access_key_id = text_at(record, {"responseElements", "credentials", "accessKeyId"});
    assumption.error_code = text_at(record, {"errorCode"});
    assumption.cluster = text_at(record, {"requestParameters", "clusterName"});
    // EKS Pod Identity's AssumeRole carries the pod's ServiceAccount as session tags (EKS user guide,
    // pod-id-abac).
    if (const auto parameters = record.find("requestParameters");
        parameters != record.end() && parameters->is_object()) {
        if (const auto tags = parameters->find("tags"); tags != parameters->end() && tags->is_array()) {
            for (const Json& tag : *tags) {
                const std::string key = text_at(tag, {"key"});
                const std::string value = text_at(tag, {"value"});
                if (key == "kubernetes-namespace") {
                    assumption.pod_namespace = value;
                } else if (key == "kubernetes-service-account") {
                    assumption.pod_service_account = value;
                } else if (key == "eks-cluster-name") {
                    assumption.cluster = value;
                }
            }
        }
    }
    assumption.location = location;
    out.assumptions.push_back(std::move(assumption));
}

}  // namespace

void read_cloudtrail_text(std::string_view text, const FileName& file, CloudTrailRead& out) {
    const Json root = Json::parse(text, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        out.diagnostics.push_back({Severity::kError,
                                   {file, 1, 1},
                                   "",
                                   "not CloudTrail: a trail file ({\"Records\": [...]}) or the output of aws "
                                   "cloudtrail lookup-events ({\"Events\": [...]}) is one JSON object"});
        return;
    }
    if (const auto records = root.find("Records"); records != root.end() && records->is_array()) {
        std::size_t index = 0;
        for (const Json& record : *records) {
            read_record(record, {file, 0, 0}, fmt::format("Records[{}]", index++), out);
        }
        return;
    }
    if (const auto events = root.find("Events"); events != root.end() && events->is_array()) {
        std::size_t index = 0;
        for (const Json& event : *events) {
            const std::string object = fmt::format("Events[{}]", index++);
            const std::string record_text = text_at(event, {"CloudTrailEvent"});
            const Json record = Json::parse(record_text, nullptr, false);
            if (record.is_discarded()) {
                ++out.records;
                out.diagnostics.push_back(
                    {Severity::kError, {file, 0, 0}, object, "CloudTrailEvent is not a JSON record"});
                continue;
            }
            read_record(record, {file, 0, 0}, object, out);
        }
        if (root.contains("NextToken")) {
            out.diagnostics.push_back({Severity::kWarning,
                                       {file, 0, 0},
                                       "",
                                       "the output ends with a NextToken: records after this page are not "
                                       "read"});
        }
        return;
    }
    out.diagnostics.push_back(
        {Severity::kError, {file, 1, 1}, "", "not CloudTrail: no Records or Events list"});
}

void read_cloudtrail_path(const std::string& path, CloudTrailRead& out, const LoadLimits& limits) {
    std::error_code error;
    if (path != "-" && std::filesystem::is_directory(path, error)) {
        // Every file: trail files end in .json.gz, lookup-events output is named by whoever saved it.
        std::vector<Diagnostic> problems;
        const std::vector<std::string> files =
            files_in(path, problems, [](std::string_view /*name*/) { return true; });
        out.diagnostics.insert(out.diagnostics.end(), problems.begin(), problems.end());
        for (const std::string& file : files) {
            read_cloudtrail_path(file, out, limits);
        }
        return;
    }
    const FileName file(path == "-" ? std::string("<stdin>") : path);
    GzipInput input(path);
    if (!input.error().empty()) {
        out.diagnostics.push_back({Severity::kError, {file, 0, 0}, "", "cannot open it: " + input.error()});
        return;
    }
    // Trail files are written per account, Region and 5 minutes, so each is read whole (gzip or not).
    std::string text;
    while (text.size() <= limits.max_file_bytes && input.read(text, std::size_t{1} << 20) != 0) {
    }
    if (!input.error().empty()) {
        out.diagnostics.push_back({Severity::kError, {file, 0, 0}, "", "cannot read it: " + input.error()});
        return;
    }
    if (text.size() > limits.max_file_bytes) {
        out.diagnostics.push_back({Severity::kError,
                                   {file, 0, 0},
                                   "",
                                   fmt::format("larger than {} bytes ({}): not read", limits.max_file_bytes,
                                               limits.max_file_bytes_setting)});
        return;
    }
    read_cloudtrail_text(text, file, out);
}

}  // namespace rbacgraph
