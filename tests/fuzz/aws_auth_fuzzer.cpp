// The aws-auth ConfigMap: the fuzzed bytes become the mapRoles, mapUsers and mapAccounts strings (the YAML
// inside the ConfigMap), then ARNs are resolved through them.
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    const std::string text(fuzz::as_text(data, size));
    nlohmann::json config_map = {{"apiVersion", "v1"},
                                 {"kind", "ConfigMap"},
                                 {"metadata", {{"name", "aws-auth"}, {"namespace", "kube-system"}}}};
    // Invalid UTF-8 cannot be a JSON string; replace it so the embedded YAML still sees the bytes' shape.
    const std::string embedded =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    config_map["data"] = {{"mapRoles", nlohmann::json::parse(embedded)},
                          {"mapUsers", nlohmann::json::parse(embedded)},
                          {"mapAccounts", nlohmann::json::parse(embedded)}};
    Export loaded;
    load_text(config_map.dump(), "aws-auth.json", loaded, fuzz::fuzz_options());
    finish_export(loaded);
    const Graph graph(std::move(loaded));
    for (const char* arn :
         {"arn:aws:iam::111122223333:role/r", "arn:aws:sts::111122223333:assumed-role/r/i-0123456789abcdef0",
          "arn:aws:iam::111122223333:user/u", "arn:aws:iam::555555555555:root"}) {
        (void)what_can(graph, Authorizer(graph, resolve_arn(graph, arn)));
    }
    (void)mapped_identities(graph);
    return 0;
}
