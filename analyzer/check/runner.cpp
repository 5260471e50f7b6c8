#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <unordered_set>

#include "check/suppress.hpp"
#include "rbacgraph/api_catalog.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/parallel.hpp"

namespace rbacgraph {
namespace {

constexpr std::array<std::string_view, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};

// FNV-1a, 64 bits: stable across platforms and releases, which std::hash is not.
std::string fingerprint_of(const Finding& finding) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    auto mix = [&](std::string_view part) {
        for (const char c : part) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 0x100000001b3ULL;
        }
        hash ^= 0x1f;  // field separator
        hash *= 0x100000001b3ULL;
    };
    mix(finding.rule);
    mix(finding.object.kind);
    mix(finding.object.ns);
    mix(finding.object.name);
    mix(finding.key);
    if (!finding.cluster.empty()) {
        mix(finding.cluster);  // only then, so that single-cluster fingerprints stay as they were
    }
    return fmt::format("{:016x}", hash);
}

bool sorts_before(const Finding& a, const Finding& b) {
    return std::tie(a.location.file, a.location.line, a.location.column, a.id, a.message) <
           std::tie(b.location.file, b.location.line, b.location.column, b.id, b.message);
}

}  // namespace

std::string_view to_string(RiskSeverity severity) {
    return kSeverityNames[static_cast<std::size_t>(severity)];
}

std::optional<RiskSeverity> parse_risk_severity(std::string_view text) {
    for (std::size_t i = 0; i < kSeverityNames.size(); ++i) {
        if (kSeverityNames[i] == text) {
            return static_cast<RiskSeverity>(i);
        }
    }
    return std::nullopt;
}

RiskSeverity lower(RiskSeverity severity) {
    return severity == RiskSeverity::kInfo ? severity
                                           : static_cast<RiskSeverity>(static_cast<int>(severity) - 1);
}

std::string ObjectRef::display() const {
    return ns.empty() ? fmt::format("{} {}", kind, name) : fmt::format("{} {}/{}", kind, ns, name);
}

std::size_t CheckReport::failing(std::optional<RiskSeverity> threshold) const {
    if (!threshold) {
        return 0;
    }
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [&](const Finding& finding) {
            return !finding.suppression && !finding.known && *finding.severity >= *threshold;
        }));
}

const Rule* find_rule(std::span<const Rule> rules, std::string_view slug_or_id) {
    for (const Rule& rule : rules) {
        if (rule.info.slug == slug_or_id || rule.info.id == slug_or_id) {
            return &rule;
        }
    }
    return nullptr;
}

std::string nearest_rule(std::span<const Rule> rules, std::string_view name) {
    std::vector<std::string> known;
    for (const Rule& rule : rules) {
        known.emplace_back(rule.info.slug);
        known.emplace_back(rule.info.id);
    }
    const std::vector<std::string> near = nearest_words(name, known, 1);
    return near.empty() ? std::string() : near.front();
}

std::variant<std::set<std::string>, std::string> select_rules(std::span<const Rule> rules,
                                                              const std::vector<std::string>& enable,
                                                              const std::vector<std::string>& disable) {
    std::set<std::string> enabled;
    if (enable.empty()) {
        for (const Rule& rule : rules) {
            enabled.insert(std::string(rule.info.slug));
        }
    }
    for (const auto* names : {&enable, &disable}) {
        for (const std::string& name : *names) {
            const Rule* rule = find_rule(rules, name);
            if (rule == nullptr) {
                const std::string near = nearest_rule(rules, name);
                return fmt::format("unknown rule '{}'{}", name,
                                   near.empty() ? "" : fmt::format("; did you mean '{}'?", near));
            }
            if (names == &enable) {
                enabled.insert(std::string(rule->info.slug));
            } else {
                enabled.erase(std::string(rule->info.slug));
            }
        }
    }
    if (enabled.empty()) {
        return std::string("every rule is disabled; nothing to check");
    }
    return enabled;
}

namespace {

struct RuleRun {
    const Rule* rule = nullptr;
    std::vector<Finding> found;
    double seconds = 0;
};

// What a finding's rule and cluster stamp on it, and its fingerprint before repeats are numbered: a function
// of the finding alone, so it is done on the core that ran the rule (over an estate, stamping 1.4M findings
// was a serial tenth of the run).
void stamp_own(Finding& finding, const RuleInfo& rule, std::string_view cluster_name) {
    finding.rule = rule.slug;
    finding.id = rule.id;
    finding.severity = finding.severity.value_or(rule.severity);
    if (finding.cluster.empty() && !finding.account_wide) {
        finding.cluster = std::string(cluster_name);
    }
    finding.fingerprint = fingerprint_of(finding);
}

// Rules are independent readers of a warmed-up context: they run on `threads` cores, and their findings are
// then processed in catalog order, so the report does not depend on the threads.
std::vector<RuleRun> run_rules(const CheckContext& context, std::span<const Rule> rules, unsigned threads) {
    std::vector<RuleRun> runs;
    for (const Rule& rule : rules) {
        if (context.rule_enabled(rule.info.slug)) {
            runs.push_back({&rule, {}, 0});
        }
    }
    context.warm_up();
    for_each_index(runs.size(), threads, [&](std::size_t i) {
        const auto started = std::chrono::steady_clock::now();
        runs[i].rule->check(context, runs[i].found);
        runs[i].seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        for (Finding& finding : runs[i].found) {
            stamp_own(finding, runs[i].rule->info, context.cluster_name());
        }
    });
    return runs;
}

unsigned threads_of(const CheckRun& run) {
    return run.threads != 0 ? run.threads : core_count();
}

}  // namespace

namespace {

// Stamps and files one context's findings into the report; state shared across the clusters of a run.
class ReportBuilder {
  public:
    ReportBuilder(const CheckRun& run, CheckReport& report)
        : run_(run), report_(report), annotations_(run.rules, report.diagnostics) {}

    /// Files one cluster's rule runs (in catalog order); clusters must be added in estate order, since a
    /// repeated fingerprint is numbered in the order it is met. The context that ran them is gone by now:
    /// its caches (authorizers, holders, ARNs per binding) would otherwise sit beside the report at its
    /// largest, and nothing filed refers to them (findings point into the graph only).
    void add(std::vector<RuleRun> runs) {
        reserve_for(runs);
        const bool timed = report_.timings.empty();
        std::size_t index = 0;
        for (RuleRun& rule_run : runs) {
            const Rule& rule = *rule_run.rule;
            if (timed) {
                report_.timings.push_back({std::string(rule.info.slug), 0, 0});
            }
            RuleTiming& timing = report_.timings[index++];
            timing.seconds += rule_run.seconds;
            timing.findings += rule_run.found.size();
            for (Finding& finding : rule_run.found) {
                if (finding.location.origin == Origin::kBuiltin) {
                    continue;  // an object every cluster has that the export does not carry: nothing to
                               // change
                }
                if (finding.builtin && !run_.options.include_builtin) {
                    ++report_.builtin_hidden;
                    continue;
                }
                stamp(finding, rule.info);
                report_.findings.push_back(std::move(finding));
            }
            rule_run.found = {};
        }
    }

    void finish() {
        if (run_.baseline) {
            report_.baseline_fixed = run_.baseline->size() - baseline_seen_.size();
        }
        // A suppression that matches nothing is stale or misspelt: it hides nothing, and the next finding it
        // was meant for would not be hidden either (issue 31).
        for (std::size_t i = 0; i < run_.config.suppressions.size(); ++i) {
            const SuppressionRule& entry = run_.config.suppressions[i];
            const Rule* rule = find_rule(run_.rules, entry.rule);
            const bool ran = entry.rule == "*" || run_.options.enabled.empty() ||
                             (rule != nullptr && run_.options.enabled.contains(std::string(rule->info.slug)));
            if (!used_[i] && ran) {
                report_.diagnostics.push_back(
                    {Severity::kWarning, entry.location, "",
                     fmt::format(
                         "the suppression of {} matches no finding of this run: it suppresses nothing "
                         "(a finding fixed, or a field that names nothing here)",
                         entry.rule)});
            }
        }
        std::sort(report_.findings.begin(), report_.findings.end(), sorts_before);
    }

  private:
    // One allocation of the size the report will have, rather than doublings that each hold the old and
    // the new array at once (a Finding is hundreds of bytes; at 100k objects the last doubling alone was
    // 110 MB of the peak). Over an estate the room still grows geometrically, so that filing window after
    // window does not copy the report once per window.
    void reserve_for(const std::vector<RuleRun>& runs) {
        std::size_t count = report_.findings.size();
        for (const RuleRun& rule_run : runs) {
            count += rule_run.found.size();
        }
        if (count > report_.findings.capacity()) {
            report_.findings.reserve(
                report_.findings.empty() ? count : std::max(count, 2 * report_.findings.capacity()));
        }
    }

    // What the report adds to a finding stamp_own stamped: the number of a repeated fingerprint (in the order
    // findings are filed), suppressions and the baseline.
    void stamp(Finding& finding, const RuleInfo& rule) {
        // Two findings of one rule on one object with the same key stay apart in baselines.
        if (!fingerprints_.insert(finding.fingerprint).second) {
            const std::string own = finding.fingerprint;
            int n = 2;
            do {
                finding.fingerprint = fmt::format("{}-{}", own, n++);
            } while (!fingerprints_.insert(finding.fingerprint).second);
        }
        std::optional<Suppression> suppression = annotations_.find(finding, rule);
        // The config is asked even when an annotation suppressed the finding, so that a config entry is
        // "unused" only when it matches nothing at all.
        std::optional<Suppression> configured = check::config_suppression(run_.config, finding, rule, &used_);
        if (!suppression) {
            suppression = std::move(configured);
        }
        if (suppression) {
            finding.suppression = std::make_shared<const Suppression>(std::move(*suppression));
        }
        if (run_.baseline && run_.baseline->contains(finding.fingerprint)) {
            finding.known = true;
            baseline_seen_.insert(finding.fingerprint);
        }
    }

    const CheckRun& run_;
    CheckReport& report_;
    check::AnnotationSuppressions annotations_;
    std::unordered_set<std::string> fingerprints_;
    std::set<std::string> baseline_seen_;
    std::vector<bool> used_ = std::vector<bool>(run_.config.suppressions.size(), false);
};

}  // namespace

CheckReport run_checks(const Graph& graph, const CheckRun& run) {
    CheckReport report;
    ReportBuilder builder(run, report);
    // Its own statement, so that the context and its caches are gone before the findings are filed.
    std::vector<RuleRun> runs = run_rules(CheckContext(graph, run.options), run.rules, threads_of(run));
    builder.add(std::move(runs));
    builder.finish();
    return report;
}

CheckReport run_checks(const Estate& estate, const CheckRun& run) {
    CheckReport report;
    ReportBuilder builder(run, report);
    // Who reaches each role is the costly part of the IAM side; only the iam rules ask for it.
    const bool iam_rules = std::any_of(run.rules.begin(), run.rules.end(), [&](const Rule& rule) {
        return rule.info.family == "iam" &&
               (run.options.enabled.empty() || run.options.enabled.contains(std::string(rule.info.slug)));
    });
    std::optional<ReachIndex> reach;
    if (estate.has_iam() && iam_rules) {
        reach.emplace(estate.iam());
    }
    const std::size_t count = estate.clusters().size();
    const auto scope_of = [&](std::size_t i) { return CheckScope{&estate, reach ? &*reach : nullptr, i}; };
    if (count == 1) {
        std::vector<RuleRun> runs = run_rules(
            CheckContext(*estate.clusters()[0].graph, run.options, scope_of(0)), run.rules, threads_of(run));
        builder.add(std::move(runs));
        builder.finish();
        return report;
    }
    // Many clusters: each core checks whole clusters (one rule after another), a window of clusters at a
    // time, and the window is filed in estate order; the report is the same as one cluster after another.
    const unsigned threads = threads_of(run);
    const std::size_t window = static_cast<std::size_t>(threads) * 8;
    for (std::size_t start = 0; start < count; start += window) {
        const std::size_t end = std::min(count, start + window);
        std::vector<std::vector<RuleRun>> runs(end - start);
        for_each_index(end - start, threads, [&](std::size_t k) {
            const CheckContext context(*estate.clusters()[start + k].graph, run.options, scope_of(start + k));
            runs[k] = run_rules(context, run.rules, 1);
        });
        for (std::size_t i = start; i < end; ++i) {
            builder.add(std::move(runs[i - start]));
        }
    }
    builder.finish();
    return report;
}

}  // namespace rbacgraph
