// Terraform JSON plans (planned_values, resource_changes with after_unknown, configuration references) mixed
// with a fixed RBAC export; every mapped identity is asked, and an ARN that may be a principal known only
// after apply is asked too, so the reader, the links it draws and the undetermined answers all see the input.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    Export loaded;
    load_text(fuzz::kFixedRbac, "rbac.yaml", loaded, fuzz::fuzz_options());
    load_text(fuzz::as_text(data, size), "plan.json", loaded, fuzz::fuzz_options());
    finish_export(loaded);
    // Without the bootstrap policy (kubernetes_yaml covers it): executions stay fast enough for 1M runs.
    GraphOptions graph_options;
    graph_options.creator_arn = "arn:aws:iam::111122223333:role/creator";
    graph_options.builtin_objects = false;
    const Graph graph(std::move(loaded), graph_options);
    fuzz::ask_everyone_and_a_stranger(graph);
    return 0;
}
