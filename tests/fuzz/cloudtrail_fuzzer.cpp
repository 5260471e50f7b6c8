// CloudTrail trail files and lookup-events output: no input may crash or hang the reader.
#include "fuzz_support.hpp"
#include "rbacgraph/audit.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    CloudTrailRead out;
    read_cloudtrail_text(fuzz::as_text(data, size), "trail.json", out);
    for (const RoleAssumption& assumption : out.assumptions) {
        (void)format_rfc3339(assumption.time);
    }
    return 0;
}
