// CloudFormation templates as YAML (short tags go through yaml-cpp's tag events) beside the fixed RBAC
// export, with template parameters set, so intrinsic resolution, CDK manifests and principals known only
// after deploy all see the input; every mapped identity and an ARN that may be an unknown principal are
// asked.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    LoadOptions options = fuzz::fuzz_options();
    options.template_parameters = {{"AWS::AccountId", "111122223333"}, {"Env", "prod"}};
    Export loaded;
    load_text(fuzz::kFixedRbac, "rbac.yaml", loaded, options);
    load_text(fuzz::as_text(data, size), "template.yaml", loaded, options);
    finish_export(loaded);
    // Without the bootstrap policy (kubernetes_yaml covers it): executions stay fast enough for 1M runs.
    GraphOptions graph_options;
    graph_options.builtin_objects = false;
    const Graph graph(std::move(loaded), graph_options);
    fuzz::ask_everyone_and_a_stranger(graph);
    return 0;
}
