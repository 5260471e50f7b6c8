// The verb table (api_catalog.hpp verb_table) is the one list of verbs: unknown-verb, the request parser and
// docs/semantics.md ("Verbs the API server authorizes") read it. Sources: k8s-rbac.md sections 1, 8, 13, 15.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "helpers.hpp"
#include "rbacgraph/api_catalog.hpp"

using namespace rbacgraph;

namespace {

std::string requests(VerbUse use) {
    switch (use) {
        case VerbUse::kResource:
            return "resource";
        case VerbUse::kNonResource:
            return "non-resource";
        case VerbUse::kEither:
            return "both";
    }
    return {};
}

// The table as docs/semantics.md must show it.
std::string markdown_table() {
    std::string out = "| verb | requests | on by default since | source |\n|---|---|---|---|\n";
    for (const VerbRow& row : verb_table()) {
        out += fmt::format("| `{}{}` | {} | {} | {} |\n", row.verb, row.then_verb ? "<verb>" : "",
                           requests(row.use),
                           row.since.major == 0 ? std::string("every supported release")
                                                : fmt::format("{}.{}", row.since.major, row.since.minor),
                           row.source);
    }
    return out;
}

}  // namespace

TEST_CASE("verb table: docs/semantics.md shows it row for row") {
    const std::string doc =
        test::read_text(std::filesystem::path(RBACGRAPH_SOURCE_DIR) / "docs/semantics.md");
    const std::string table = markdown_table();
    CHECK_MESSAGE(doc.find(table) != std::string::npos, "docs/semantics.md lacks the verb table:\n", table);
}

TEST_CASE("verb table: is_known_verb, plain_verbs and verb_origin read the same rows") {
    for (const VerbRow& row : verb_table()) {
        CAPTURE(row.verb);
        // A prefixed form is known with a plain verb after it, never alone and never with '*'.
        const std::string example = row.then_verb ? std::string(row.verb) + "get" : std::string(row.verb);
        CHECK(is_known_verb(example, row.use));
        if (row.then_verb) {
            CHECK_FALSE(is_known_verb(row.verb, row.use));
            CHECK_FALSE(is_known_verb(std::string(row.verb) + "*", row.use));
            CHECK_FALSE(is_known_verb(std::string(row.verb) + "exec", row.use));
        }
        const std::optional<VerbOrigin> origin = verb_origin(example);
        CHECK(origin.has_value() == (row.since.major != 0));
    }
    // Non-resource requests carry methods, not resource verbs (requestinfo.go).
    CHECK(is_known_verb("post", VerbUse::kNonResource));
    CHECK_FALSE(is_known_verb("post", VerbUse::kResource));
    CHECK_FALSE(is_known_verb("list", VerbUse::kNonResource));
    CHECK(is_known_verb("list", VerbUse::kEither));
    // DRA's node-aware prefixes take resource verbs only; impersonate-on takes the request's own kind.
    CHECK_FALSE(is_known_verb("associated-node:post", VerbUse::kEither));
    CHECK(is_known_verb("impersonate-on:user-info:post", VerbUse::kNonResource));
    CHECK_FALSE(is_known_verb("impersonate-on:user-info:post", VerbUse::kResource));
    // Positive control for the origin: the 1.37 verbs and the 1.36 forms; none for the verbs of every
    // release.
    REQUIRE(verb_origin("unsafe-delete-ignore-read-errors"));
    CHECK(verb_origin("unsafe-delete-ignore-read-errors")->minor == 37);
    REQUIRE(verb_origin("arbitrary-node:update"));
    CHECK(verb_origin("arbitrary-node:update")->minor == 36);
    CHECK_FALSE(verb_origin("get"));
    CHECK_FALSE(verb_origin("describe"));
    const std::vector<std::string> plain = plain_verbs(VerbUse::kResource);
    CHECK(std::find(plain.begin(), plain.end(), "deletecollection") != plain.end());
    CHECK(std::find(plain.begin(), plain.end(), "post") == plain.end());
}
