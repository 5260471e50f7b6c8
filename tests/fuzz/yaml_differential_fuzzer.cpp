// The fast YAML reader against yaml-cpp: any input must read the same both ways (the fast reader either
// reproduces yaml-cpp exactly or hands the document over). A difference aborts.
#include <cstdio>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "yaml_compare.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(rbacgraph::fuzz::as_text(data, size));
    const std::string fast =
        rbacgraph::test::read_yaml_as_text(text, rbacgraph::load::YamlReader::kFastFirst);
    const std::string reference =
        rbacgraph::test::read_yaml_as_text(text, rbacgraph::load::YamlReader::kFullReaderOnly);
    if (fast != reference) {
        std::fprintf(stderr, "fast reader:\n%s\nyaml-cpp:\n%s\n", fast.c_str(), reference.c_str());
        std::abort();
    }
    return 0;
}
