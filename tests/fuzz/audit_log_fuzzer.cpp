// Audit logs in every shape the reader sniffs (JSON lines, S3 export lines, CLI documents), then the usage
// comparison and the suggestions against a fixed RBAC export: no input may crash, hang or break an invariant.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "rbacgraph/audit.hpp"
#include "rbacgraph/usage.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    // The export is fixed: built once, so that the executions go to the reader and the comparison.
    static const Graph graph = [] {
        Export loaded;
        load_text(fuzz::kFixedRbac, "rbac.yaml", loaded, fuzz::fuzz_options());
        finish_export(loaded);
        return Graph(std::move(loaded));
    }();
    UsageLog log;
    AuditReader reader([&log](AuditRequest&& request) { log.add(std::move(request)); });
    reader.read_text(fuzz::as_text(data, size), "audit.jsonl");
    const AuditReadStats& stats = reader.stats();
    // Every event is counted once, in exactly one way.
    if (stats.requests + stats.request_received + stats.stages_merged + stats.duplicates +
            stats.unauthenticated + stats.no_decision + stats.invalid <
        stats.events) {
        std::abort();
    }
    if (stats.allowed + stats.forbidden != stats.requests) {
        std::abort();
    }
    const UsageReport report = evaluate_usage(graph, log, stats, {});
    for (const RoleSuggestion& suggestion : suggest_roles(graph, report)) {
        if (!suggestion.failures.empty()) {
            std::abort();  // a suggestion that does not allow what was used
        }
    }
    return 0;
}
