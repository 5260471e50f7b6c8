// rbacgraph diff output: text for a terminal, JSON for tools, Markdown for a pull-request comment
// (docs/diff.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "rbacgraph/output_text.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/version.hpp"
#include "report/paint.hpp"

namespace rbacgraph {
namespace {

// Names as a Markdown list in prose: "a, b, c", each escaped (markdown_text).
std::string markdown_list(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) {
        out += (out.empty() ? "" : ", ") + markdown_text(name);
    }
    return out;
}

std::string scope_of(const PermissionRow& row) {
    switch (row.scope) {
        case PermissionRow::Scope::kCluster:
            return "cluster-wide";
        case PermissionRow::Scope::kNamespace:
            return "namespace " + row.ns;
        case PermissionRow::Scope::kNonResource:
            break;
    }
    return "URL";
}

// What a '*' in a row's resource hides that a reviewer must see (issue 31: `get, list, watch *.*` did not say
// it reads Secrets). '*' matches every resource and subresource of the group (rbac.go ResourceMatches), and
// "*/exec" the exec subresource of any resource.
std::string wildcard_includes(const PermissionRow& row) {
    if (row.scope == PermissionRow::Scope::kNonResource || !row.resource_names.empty()) {
        return "";
    }
    const std::string_view resource = row.resource;
    const std::size_t slash = resource.find('/');
    const std::string_view head = resource.substr(0, slash);
    const std::string_view sub = slash == std::string_view::npos ? "" : resource.substr(slash + 1);
    const std::size_t dot = head.find('.');
    const std::string_view name = head.substr(0, dot);
    const std::string_view group = dot == std::string_view::npos ? "" : head.substr(dot + 1);
    if (group != "" && group != "*") {
        return "";
    }
    const auto has_verb = [&](std::initializer_list<std::string_view> verbs) {
        return std::any_of(row.verbs.begin(), row.verbs.end(), [&](const std::string& verb) {
            return verb == "*" || std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
        });
    };
    std::vector<std::string_view> included;
    if (name == "*" && sub.empty() &&
        has_verb({"get", "list", "watch", "create", "update", "patch", "delete"})) {
        included.push_back("Secrets");
    }
    // exec is `create pods/exec`; a WebSocket exec was authorized as `get` alone before 1.35, which the
    // pod-exec rule reports with the version (docs/semantics.md): here only what every version allows.
    if (name == "*" && (sub.empty() || sub == "exec") && has_verb({"create"})) {
        included.push_back("pods/exec");
    }
    return included.empty() ? "" : fmt::format(" (includes {})", fmt::join(included, " and "));
}

// "cluster-wide  get, list secrets (names a, b)  via ClusterRoleBinding x -> ClusterRole y [undetermined]"
std::string permission_line(const PermissionRow& row) {
    return fmt::format(
        "{}  {} {}{}{}  via {}{}", scope_of(row), fmt::join(row.verbs, ", "), row.resource,
        row.resource_names.empty() ? "" : fmt::format(" (names {})", fmt::join(row.resource_names, ", ")),
        wildcard_includes(row), row.via, row.undetermined ? " [undetermined: may be allowed]" : "");
}

// What a principal's entry shows: its rows less those a group it is in carries as a change of its own (the
// same line under "Group G"), which are shown once, there; the groups are named on the principal's line
// (issue 31: a role and the group it maps to carried the same gain lines twice). JSON keeps every row.
struct PrincipalView {
    std::vector<const PermissionRow*> gained, lost;
    std::vector<std::string> groups;  ///< "Group g" whose lines this principal shares
};

using RowKey = std::tuple<PermissionRow::Scope, std::string, std::string, std::vector<std::string>,
                          std::vector<std::string>, std::string, bool>;
RowKey key_of(const PermissionRow& row) {
    return {row.scope, row.ns, row.resource, row.resource_names, row.verbs, row.via, row.undetermined};
}

class PrincipalViews {
  public:
    explicit PrincipalViews(const AccessDiff& diff) {
        for (const AccessChange& change : diff.changes) {
            if (!change.iam && change.principal.starts_with("Group ")) {
                groups_.emplace(std::pair{change.cluster, change.principal}, &change);
            }
        }
    }

    PrincipalView of(const AccessChange& change) const {
        PrincipalView view;
        const auto elide = [&](const std::vector<PermissionRow>& rows, const std::vector<std::string>& groups,
                               const std::vector<PermissionRow> AccessChange::*side,
                               std::vector<const PermissionRow*>& shown) {
            std::set<RowKey> shared;
            for (const std::string& group : change.iam ? groups : std::vector<std::string>{}) {
                const auto found = groups_.find({change.cluster, "Group " + group});
                if (found == groups_.end()) {
                    continue;
                }
                bool any = false;
                for (const PermissionRow& row : found->second->*side) {
                    any = shared.insert(key_of(row)).second || any;
                }
                if (any && std::find(view.groups.begin(), view.groups.end(), "Group " + group) ==
                               view.groups.end()) {
                    view.groups.push_back("Group " + group);
                }
            }
            for (const PermissionRow& row : rows) {
                if (!shared.contains(key_of(row))) {
                    shown.push_back(&row);
                }
            }
        };
        elide(change.gained, change.groups_after, &AccessChange::gained, view.gained);
        elide(change.lost, change.groups_before, &AccessChange::lost, view.lost);
        return view;
    }

  private:
    std::map<std::pair<std::string, std::string>, const AccessChange*> groups_;
};

// "  (also gains and loses what Group a, Group b do: listed under them)"
std::string shared_note(const AccessChange& change, const PrincipalView& view) {
    if (view.gained.size() == change.gained.size() && view.lost.size() == change.lost.size()) {
        return "";
    }
    return fmt::format("as a member of {}, it also has the changes listed under {}",
                       fmt::join(view.groups, ", "), view.groups.size() == 1 ? "that group" : "those groups");
}

constexpr std::string_view kStillAllowed = "still allowed: now covered by a wider grant";
constexpr std::string_view kAlreadyAllowed = "not new: a wider grant already allowed it";

std::string severity_of(const AccessChange& change) {
    return change.severity ? std::string(to_string(*change.severity)) : "below every threshold";
}

std::string finding_line(const Finding& finding) {
    return fmt::format("{}: {} {} {}: {}", format_location(finding.location), to_string(*finding.severity),
                       finding.id, finding.rule, finding.message);
}

// "cluster prod: arn:..." over named clusters; the principal alone for a single cluster.
std::string holder_of(const AccessChange& change) {
    return change.cluster.empty() ? change.principal
                                  : fmt::format("cluster {}: {}", change.cluster, change.principal);
}

// "was high; now also A; no longer B: counts as new" (the JSON has the former message)
std::string was_line(const ChangedFinding& changed) {
    std::vector<std::string> what;
    if (!changed.new_holders.empty()) {
        what.push_back(fmt::format("now also {}", fmt::join(changed.new_holders, ", ")));
    }
    if (!changed.former_holders.empty()) {
        what.push_back(fmt::format("no longer {}", fmt::join(changed.former_holders, ", ")));
    }
    if (changed.severity_before != changed.finding.severity) {
        what.emplace_back("severity changed");
    }
    return fmt::format("was {}; {}{}",
                       changed.severity_before ? to_string(*changed.severity_before) : "unrated",
                       fmt::join(what, "; "), changed.widened() ? ": counts as new" : "");
}

struct Counts {
    std::size_t gaining = 0;
    std::size_t losing = 0;
    std::size_t identities = 0;  ///< IAM principals whose Kubernetes identity changed
};

Counts count(const AccessDiff& diff) {
    Counts counts;
    for (const AccessChange& change : diff.changes) {
        counts.gaining += change.gained.empty() ? 0 : 1;
        counts.losing += change.lost.empty() ? 0 : 1;
        counts.identities += change.identity_changed() ? 1 : 0;
    }
    return counts;
}

std::size_t removed_in_use_count(const AccessDiff& diff) {
    return static_cast<std::size_t>(
        std::count_if(diff.removed_in_use.begin(), diff.removed_in_use.end(),
                      [](const RemovedInUse& removed) { return !removed.undetermined; }));
}

std::string removed_line(const RemovedInUse& removed) {
    return fmt::format("{}: {}{}, last {}{}{}", removed.caller, removed.request.display(),
                       removed.count == 1 ? "" : fmt::format(" x{}", removed.count),
                       format_rfc3339(removed.last),
                       removed.via.empty() ? "" : " (via " + removed.via.front() + ")",
                       removed.undetermined ? " [HEAD may still allow it: undetermined]" : "");
}

nlohmann::json removed_json(const RemovedInUse& removed) {
    return {{"caller", removed.caller},
            {"request", removed.request.display()},
            {"count", removed.count},
            {"last", format_rfc3339(removed.last)},
            {"via", removed.via},
            {"undetermined", removed.undetermined},
            {"location", format_location(removed.location)}};
}

std::string verdict_line(const AccessDiff& diff, std::optional<RiskSeverity> fail_on,
                         const std::string& setting) {
    if (!fail_on) {
        return fmt::format("{} new finding(s); {} never: passing", diff.new_findings.size(), setting);
    }
    const std::size_t failing = diff.failing(fail_on);
    if (failing > 0) {
        const std::size_t broken = removed_in_use_count(diff);
        std::vector<std::string> parts;
        if (failing > broken) {
            parts.push_back(fmt::format("{} new or widened finding(s) at or above {} ({})", failing - broken,
                                        to_string(*fail_on), setting));
        }
        if (broken > 0) {
            parts.push_back(fmt::format("{} request(s) the audit log shows in use would be refused", broken));
        }
        return fmt::format("{}: failing", fmt::join(parts, "; "));
    }
    if (diff.undetermined_gains() > 0) {
        return fmt::format(
            "nothing at or above {} ({}), but {} gained permission(s) are undetermined: the input "
            "cannot decide them",
            to_string(*fail_on), setting, diff.undetermined_gains());
    }
    return fmt::format("nothing gained at or above {} ({}): passing", to_string(*fail_on), setting);
}

nlohmann::json row_json(const PermissionRow& row) {
    nlohmann::json out = {{"scope", row.scope == PermissionRow::Scope::kCluster     ? "cluster"
                                    : row.scope == PermissionRow::Scope::kNamespace ? "namespace"
                                                                                    : "nonResource"},
                          {"resource", row.resource},
                          {"verbs", row.verbs},
                          {"via", row.via},
                          {"undetermined", row.undetermined}};
    if (row.scope == PermissionRow::Scope::kNamespace) {
        out["namespace"] = row.ns;
    }
    if (!row.resource_names.empty()) {
        out["resourceNames"] = row.resource_names;
    }
    if (!row.via_location.file.empty()) {
        out["location"] = {{"file", row.via_location.file.str()}, {"line", row.via_location.line}};
    }
    return out;
}

// One principal's entry: its line, identity and routes, then its rows.
void write_access_change(std::ostream& out, const AccessChange& change, const PrincipalView& view,
                         const TextOptions& names) {
    out << holder_of(change);
    if (!change.gained.empty()) {
        out << "  (gains: "
            << (change.severity ? paint(severity_of(change), paint_of(*change.severity), names.color)
                                : severity_of(change))
            << ')';
    }
    out << '\n';
    if (change.identity_changed()) {
        out << "  identity  " << change.identity_before << '\n';
        out << "         -> " << change.identity_after << '\n';
    }
    if (change.routes_changed) {
        out << "  assume-role routes changed; it now reaches "
            << (change.reaches.empty() ? std::string("no role")
                                       : fmt::format("{}", fmt::join(change.reaches, ", ")))
            << " (the lines include what they can do)\n";
    }
    for (const std::string& route : change.reached_by) {
        out << "  reached by  " << route << '\n';
    }
    if (const std::string note = shared_note(change, view); !note.empty()) {
        out << "  " << note << '\n';
    }
    for (const PermissionRow* row : view.gained) {
        out << paint("  + " + permission_line(*row), Paint::kGood, names.color) << '\n';
    }
    for (const PermissionRow* row : view.lost) {
        out << paint("  - " + permission_line(*row), Paint::kBad, names.color) << '\n';
    }
    for (const PermissionRow& row : change.subsumed) {
        out << "  = " << permission_line(row) << "  (" << kStillAllowed << ")\n";
    }
    for (const PermissionRow& row : change.already_allowed) {
        out << "  = " << permission_line(row) << "  (" << kAlreadyAllowed << ")\n";
    }
    out << '\n';
}

}  // namespace

void write_access_changes(std::ostream& out, const AccessDiff& diff, const TextOptions& names,
                          std::string_view indent) {
    const PrincipalViews views(diff);
    // Every line of an entry starts with `indent` (the migrate proof nests them under its steps).
    std::ostringstream entry;
    for (const AccessChange& change : diff.changes) {
        entry.str({});
        write_access_change(entry, change, views.of(change), names);
        std::istringstream lines(entry.str());
        for (std::string line; std::getline(lines, line);) {
            out << (line.empty() ? "" : indent) << line << '\n';
        }
    }
}

void write_diff_text(std::ostream& out, const AccessDiff& diff, std::optional<RiskSeverity> fail_on,
                     const TextOptions& names) {
    write_access_changes(out, diff, names);
    if (!diff.new_findings.empty()) {
        out << "New findings\n";
        for (const Finding& finding : diff.new_findings) {
            out << "  " << finding_line(finding) << '\n';
        }
        out << '\n';
    }
    if (!diff.fixed_findings.empty()) {
        out << "Fixed findings\n";
        for (const Finding& finding : diff.fixed_findings) {
            out << "  " << finding_line(finding) << '\n';
        }
        out << '\n';
    }
    if (!diff.changed_findings.empty()) {
        out << "Changed findings\n";
        for (const ChangedFinding& changed : diff.changed_findings) {
            out << "  " << finding_line(changed.finding) << '\n';
            out << "      " << was_line(changed) << '\n';
        }
        out << '\n';
    }
    if (diff.audited) {
        if (diff.removed_in_use.empty()) {
            out << "Removed while in use: none (no request the audit log shows allowed is refused by "
                   "HEAD)\n\n";
        } else {
            out << "Removed while in use (the audit log shows these allowed and used; HEAD refuses them)\n";
            for (const RemovedInUse& removed : diff.removed_in_use) {
                out << "  " << terminal_text(removed_line(removed)) << "  ("
                    << terminal_text(format_location(removed.location)) << ")\n";
            }
            out << '\n';
        }
    }
    const Counts counts = count(diff);
    if (diff.changes.empty() && diff.new_findings.empty() && diff.fixed_findings.empty() &&
        diff.changed_findings.empty()) {
        out << "no change in effective access or findings\n";
    } else {
        out << fmt::format(
            "{} principal(s) gain access, {} lose access, {} change identity; {} new finding(s), {} fixed, "
            "{} "
            "changed\n",
            counts.gaining, counts.losing, counts.identities, diff.new_findings.size(),
            diff.fixed_findings.size(), diff.changed_findings.size());
    }
    const Paint verdict = fail_on && diff.failing(fail_on) > 0       ? Paint::kBad
                          : fail_on && diff.undetermined_gains() > 0 ? Paint::kMedium
                                                                     : Paint::kGood;
    out << paint(verdict_line(diff, fail_on, names.fail_on), verdict, names.color) << '\n';
}

nlohmann::json diff_json(const AccessDiff& diff, std::optional<RiskSeverity> fail_on) {
    nlohmann::json changes = nlohmann::json::array();
    for (const AccessChange& change : diff.changes) {
        nlohmann::json gained = nlohmann::json::array();
        nlohmann::json lost = nlohmann::json::array();
        for (const PermissionRow& row : change.gained) {
            gained.push_back(row_json(row));
        }
        for (const PermissionRow& row : change.lost) {
            lost.push_back(row_json(row));
        }
        nlohmann::json subsumed = nlohmann::json::array();
        for (const PermissionRow& row : change.subsumed) {
            subsumed.push_back(row_json(row));
        }
        nlohmann::json already_allowed = nlohmann::json::array();
        for (const PermissionRow& row : change.already_allowed) {
            already_allowed.push_back(row_json(row));
        }
        changes.push_back(
            {{"principal", change.principal},
             {"kind", change.iam ? "iam" : "kubernetes"},
             {"cluster", change.cluster},
             {"reachedBy", change.reached_by},
             {"routesChanged", change.routes_changed},
             {"reaches", change.reaches},
             {"identity", {{"before", change.identity_before}, {"after", change.identity_after}}},
             {"severity", change.severity ? nlohmann::json(to_string(*change.severity)) : nullptr},
             {"gained", gained},
             {"lost", lost},
             {"subsumed", subsumed},
             {"alreadyAllowed", already_allowed}});
    }
    nlohmann::json added = nlohmann::json::array();
    nlohmann::json fixed = nlohmann::json::array();
    for (const Finding& finding : diff.new_findings) {
        added.push_back(finding_json(finding));
    }
    for (const Finding& finding : diff.fixed_findings) {
        fixed.push_back(finding_json(finding));
    }
    nlohmann::json changed = nlohmann::json::array();
    for (const ChangedFinding& item : diff.changed_findings) {
        nlohmann::json entry = finding_json(item.finding);
        entry["before"] = {
            {"message", item.message_before},
            {"severity", item.severity_before ? nlohmann::json(to_string(*item.severity_before))
                                              : nlohmann::json(nullptr)}};
        entry["newHolders"] = item.new_holders;
        entry["formerHolders"] = item.former_holders;
        entry["widened"] = item.widened();
        changed.push_back(std::move(entry));
    }
    const Counts counts = count(diff);
    nlohmann::json removed = nullptr;  // null: no audit log was given
    if (diff.audited) {
        removed = nlohmann::json::array();
        for (const RemovedInUse& item : diff.removed_in_use) {
            removed.push_back(removed_json(item));
        }
    }
    return {{"changes", changes},
            {"removedInUse", removed},
            {"newFindings", added},
            {"fixedFindings", fixed},
            {"changedFindings", changed},
            {"summary",
             {{"gaining", counts.gaining},
              {"losing", counts.losing},
              {"identityChanges", counts.identities},
              {"newFindings", diff.new_findings.size()},
              {"fixedFindings", diff.fixed_findings.size()},
              {"changedFindings", diff.changed_findings.size()},
              {"undeterminedGains", diff.undetermined_gains()},
              {"failOn", fail_on ? nlohmann::json(to_string(*fail_on)) : nlohmann::json("never")},
              {"failing", diff.failing(fail_on)}}},
            {"tool", {{"name", "rbacgraph"}, {"version", std::string(version())}}}};
}

namespace {

// A pull-request comment names files as the repository does (issue 31): BASE and HEAD are usually two
// checkouts (base/ and head/, or a git worktree), so "head/deploy/rbac/x.yaml" becomes "deploy/rbac/x.yaml",
// the path a reviewer finds in the pull request. The repository is the nearest directory up from the file
// that holds .git (a directory, or the file a worktree or submodule has); a file in none keeps its path.
class RepositoryPaths {
  public:
    std::string location(const SourceLocation& location) {
        if (location.origin != Origin::kInput || location.file.empty()) {
            return format_location(location);
        }
        SourceLocation relative = location;
        relative.file = path_of(location.file.str());
        return format_location(relative);
    }

  private:
    std::string path_of(const std::string& file) {
        std::error_code error;
        const std::filesystem::path absolute = std::filesystem::absolute(file, error);
        if (error || !std::filesystem::is_regular_file(absolute, error)) {
            return file;  // standard input, a setting, a file gone since it was read
        }
        const std::filesystem::path directory = absolute.parent_path();
        auto [root, added] = roots_.try_emplace(directory.string());
        if (added) {
            for (std::filesystem::path up = directory; !up.empty(); up = up.parent_path()) {
                if (std::filesystem::exists(up / ".git", error)) {
                    root->second = up.string();
                    break;
                }
                if (up == up.parent_path()) {
                    break;
                }
            }
        }
        if (root->second.empty()) {
            return file;
        }
        std::string relative = absolute.lexically_relative(root->second).generic_string();
        // The part of the path as given that names the checkout ("head/"), for the messages that quote it.
        if (file.size() > relative.size() && file.ends_with("/" + relative)) {
            prefixes_.insert(file.substr(0, file.size() - relative.size()));
        }
        return relative;
    }

  public:
    /// A message with the file paths it quotes ("rule at head/x.yaml:3") made repository-relative, for the
    /// checkouts location() has met (call it on every location first).
    std::string text(std::string message) const {
        for (const std::string& prefix : prefixes_) {
            for (std::size_t at = message.find(prefix); at != std::string::npos;
                 at = message.find(prefix, at)) {
                // Only at the start of a path: after a space, '(' or the message's start.
                if (at == 0 || message[at - 1] == ' ' || message[at - 1] == '(') {
                    message.erase(at, prefix.size());
                } else {
                    at += prefix.size();
                }
            }
        }
        return message;
    }

  private:
    std::map<std::string, std::string> roots_;  ///< a file's directory -> its repository root ("" for none)
    std::set<std::string> prefixes_;            ///< "head/", "../base/": checkouts as the paths name them
};

// What a pull-request comment may hold: the blocks in order while they fit, then a line that says what was
// left out. GitHub refuses a comment over 65,536 characters; the budget counts bytes (never fewer than
// characters) and keeps room for that line.
class CommentBudget {
  public:
    explicit CommentBudget(std::size_t limit) : limit_(limit) {}

    /// Appends the block when it fits, else counts it as left out under `what`.
    bool add(const std::string& block, std::string_view what = {}) {
        if (text_.size() + block.size() <= limit_) {
            text_ += block;
            return true;
        }
        if (!what.empty()) {
            ++left_out_[std::string(what)];
        }
        return false;
    }
    /// Appends whatever its size (the closing of a block already begun).
    void force(std::string_view text) { text_ += text; }
    const std::string& text() const { return text_; }
    const std::map<std::string, std::size_t>& left_out() const { return left_out_; }

  private:
    std::size_t limit_;
    std::string text_;
    std::map<std::string, std::size_t> left_out_;
};

std::string principal_details(const AccessChange& change, const PrincipalView& view, std::size_t max_lines) {
    std::string out;
    const std::size_t kept = change.subsumed.size() + change.already_allowed.size();
    const std::size_t lines = change.gained.size() + change.lost.size() + kept;
    out +=
        fmt::format("<details{}><summary><code>{}</code>: {} gained, {} lost{}</summary>\n\n",
                    lines <= 10 ? " open" : "", html_text(holder_of(change)), change.gained.size(),
                    change.lost.size(), kept == 0 ? "" : fmt::format(", {} kept under a wider grant", kept));
    if (change.identity_changed()) {
        out += fmt::format("identity: {} → {}\n\n", markdown_text(change.identity_before),
                           markdown_text(change.identity_after));
    }
    if (change.routes_changed) {
        out += fmt::format(
            "Its assume-role routes changed; it now reaches {} (the lines include what they can do).\n\n",
            change.reaches.empty() ? std::string("no role") : markdown_list(change.reaches));
    }
    for (std::size_t i = 0; i < change.reached_by.size() && i < max_lines; ++i) {
        out += fmt::format("reached by {}\n", markdown_text(change.reached_by[i]));
    }
    if (change.reached_by.size() > max_lines) {
        out += fmt::format("and {} more IAM principals\n", change.reached_by.size() - max_lines);
    }
    if (!change.reached_by.empty()) {
        out += '\n';
    }
    if (const std::string note = shared_note(change, view); !note.empty()) {
        out += markdown_text(note) + ".\n\n";
    }
    if (view.gained.empty() && view.lost.empty() && kept == 0) {
        out += "</details>\n\n";
        return out;
    }
    out += "```diff\n";
    std::size_t shown = 0;
    std::vector<const PermissionRow*> subsumed;
    std::vector<const PermissionRow*> already_allowed;
    for (const PermissionRow& row : change.subsumed) {
        subsumed.push_back(&row);
    }
    for (const PermissionRow& row : change.already_allowed) {
        already_allowed.push_back(&row);
    }
    const std::vector<const PermissionRow*>* const lists[] = {&view.gained, &view.lost, &subsumed,
                                                              &already_allowed};
    for (const auto* rows : lists) {
        for (const PermissionRow* row : *rows) {
            if (shown++ >= max_lines) {
                continue;
            }
            // A diff block's unchanged line starts with a space: a row under a wider grant is kept.
            const std::string line = terminal_text(permission_line(*row));
            if (rows == &subsumed || rows == &already_allowed) {
                out += fmt::format("  {}  ({})\n", line, rows == &subsumed ? kStillAllowed : kAlreadyAllowed);
            } else {
                out += (rows == &view.gained ? "+ " : "- ") + line + '\n';
            }
        }
    }
    if (shown > max_lines) {
        out += fmt::format("# ... and {} more (rbacgraph diff -o json lists them all)\n", shown - max_lines);
    }
    out += "```\n\n</details>\n\n";
    return out;
}

}  // namespace

void write_diff_markdown(std::ostream& out, const AccessDiff& diff, std::optional<RiskSeverity> fail_on,
                         std::size_t max_lines, std::size_t max_chars) {
    // The marker lets a workflow find the comment it wrote before and update it instead of adding another.
    CommentBudget comment(max_chars > 400 ? max_chars - 400 : 0);
    const Counts counts = count(diff);
    comment.force(std::string(kDiffCommentMarker) +
                  "\n### rbacgraph: effective access changed by this change\n\n");
    comment.force(verdict_line(diff, fail_on, "--fail-on") + "\n\n");
    if (diff.changes.empty() && diff.new_findings.empty() && diff.fixed_findings.empty() &&
        diff.changed_findings.empty()) {
        comment.force("No change in effective access or findings.\n");
        out << comment.text();
        return;
    }
    comment.force("| | count |\n|---|---|\n");
    comment.force(fmt::format("| principals gaining access | {} |\n| principals losing access | {} |\n",
                              counts.gaining, counts.losing));
    comment.force(
        fmt::format("| IAM principals whose Kubernetes identity changes | {} |\n", counts.identities));
    comment.force(fmt::format("| new findings | {} |\n| fixed findings | {} |\n| changed findings | {} |\n\n",
                              diff.new_findings.size(), diff.fixed_findings.size(),
                              diff.changed_findings.size()));
    RepositoryPaths paths;
    for (const auto* findings : {&diff.new_findings, &diff.fixed_findings}) {
        for (const Finding& finding : *findings) {
            paths.location(finding.location);
        }
    }
    for (const ChangedFinding& changed : diff.changed_findings) {
        paths.location(changed.finding.location);
    }
    // New findings first: they are what fails the gate.
    const auto findings_table = [&](const char* title, const std::vector<Finding>& findings) {
        if (findings.empty()) {
            return;
        }
        comment.force(
            fmt::format("<details{}><summary>{} ({})</summary>\n\n| severity | rule | where | message "
                        "|\n|---|---|---|---|\n",
                        findings.size() <= 10 ? " open" : "", title, findings.size()));
        for (const Finding& finding : findings) {
            comment.add(fmt::format("| {} | {} {} | {} | {} |\n", to_string(*finding.severity), finding.id,
                                    finding.rule, markdown_text(paths.location(finding.location)),
                                    markdown_text(paths.text(finding.message))),
                        "findings");
        }
        comment.force("\n</details>\n\n");
    };
    findings_table("New findings", diff.new_findings);
    if (!diff.changes.empty()) {
        comment.force("| principal | gains | losses | rated |\n|---|---|---|---|\n");
        for (const AccessChange& change : diff.changes) {
            comment.add(
                fmt::format("| {} | {} | {} | {} |\n", markdown_text(holder_of(change)), change.gained.size(),
                            change.lost.size(), change.gained.empty() ? "" : severity_of(change)),
                "principal rows");
        }
        comment.force("\n");
    }
    const PrincipalViews views(diff);
    for (const AccessChange& change : diff.changes) {
        comment.add(principal_details(change, views.of(change), max_lines), "principals' details");
    }
    if (diff.audited && !diff.removed_in_use.empty()) {
        comment.force(
            fmt::format("**Removed while in use** ({}): the audit log shows these allowed and used; "
                        "HEAD refuses them.\n\n",
                        diff.removed_in_use.size()));
        for (const RemovedInUse& removed : diff.removed_in_use) {
            comment.add("- " + markdown_text(removed_line(removed)) + "\n", "requests in use");
        }
        comment.force("\n");
    }
    findings_table("Fixed findings", diff.fixed_findings);
    if (!diff.changed_findings.empty()) {
        comment.force(
            fmt::format("<details{}><summary>Changed findings ({})</summary>\n\n| severity | rule | "
                        "where | message | before |\n|---|---|---|---|---|\n",
                        diff.changed_findings.size() <= 10 ? " open" : "", diff.changed_findings.size()));
        for (const ChangedFinding& changed : diff.changed_findings) {
            comment.add(fmt::format("| {} | {} {} | {} | {} | {} |\n", to_string(*changed.finding.severity),
                                    changed.finding.id, changed.finding.rule,
                                    markdown_text(paths.location(changed.finding.location)),
                                    markdown_text(paths.text(changed.finding.message)),
                                    markdown_text(paths.text(was_line(changed)))),
                        "findings");
        }
        comment.force("\n</details>\n\n");
    }
    out << comment.text();
    if (!comment.left_out().empty()) {
        std::vector<std::string> parts;
        for (const auto& [what, count] : comment.left_out()) {
            parts.push_back(fmt::format("{} {}", count, what));
        }
        out << fmt::format(
            "> Not shown, to keep this comment under GitHub's 65,536 characters: {}. "
            "`rbacgraph diff -o json` lists everything.\n",
            fmt::join(parts, ", "));
    }
}

}  // namespace rbacgraph
