// can-i --batch request lines against the bundled demo export.
#include <sstream>

#include "fuzz_support.hpp"

#ifndef RBACGRAPH_DEMO_DIR
#error "RBACGRAPH_DEMO_DIR must name testdata/demo"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    static const Graph graph(load_paths({RBACGRAPH_DEMO_DIR}));
    std::istringstream in{std::string(fuzz::as_text(data, size))};
    std::ostringstream out;
    run_batch(graph, in, out);
    return 0;
}
