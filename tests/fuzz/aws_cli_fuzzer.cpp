// AWS CLI outputs (describe-cluster, describe-access-entry, list-associated-access-policies...) mixed with a
// fixed RBAC export, so access entries and policies meet real bindings.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    Export loaded;
    load_text(fuzz::kFixedRbac, "rbac.yaml", loaded, fuzz::fuzz_options());
    load_text(fuzz::as_text(data, size), "aws.json", loaded, fuzz::fuzz_options());
    finish_export(loaded);
    const Graph graph(std::move(loaded), GraphOptions{"arn:aws:iam::111122223333:role/creator"});
    for (const Identity& identity : mapped_identities(graph)) {
        (void)what_can(graph, Authorizer(graph, identity));
    }
    return 0;
}
