// Kubernetes objects as YAML: parser limits, Lists, every field reader, then the graph and queries.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    rbacgraph::fuzz::exercise(rbacgraph::fuzz::as_text(data, size), "fuzz.yaml");
    return 0;
}
