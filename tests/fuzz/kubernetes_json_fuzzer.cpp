// Kubernetes objects and Lists as JSON (kubectl get -o json), including concatenated values.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    rbacgraph::fuzz::exercise(rbacgraph::fuzz::as_text(data, size), "fuzz.json");
    return 0;
}
