// The fast YAML reader must produce exactly what yaml-cpp produces (trees, positions, styles, diagnostics),
// or hand the document to yaml-cpp. Checked on every YAML file of testdata/ and the shared corpus, on
// generated variations, and on constructs it must refuse.
#include "load/fast_yaml.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../fuzz/yaml_compare.hpp"
#include "helpers.hpp"
#include "load/document.hpp"

namespace rbacgraph::test {
namespace {

using load::YamlReader;

// Documents the fast reader accepts before it hands over.
std::size_t fast_documents(std::string_view text) {
    load::FastYamlScanner scanner(text, 200);
    std::vector<load::YamlEvent> events;
    std::size_t count = 0;
    while (scanner.next(events) == load::FastYamlScanner::Result::kDocument) {
        ++count;
    }
    return count;
}

void check_same(std::string_view text) {
    CAPTURE(text);
    CHECK(read_yaml_as_text(text, YamlReader::kFastFirst) ==
          read_yaml_as_text(text, YamlReader::kFullReaderOnly));
}

std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& root) {
    std::vector<std::filesystem::path> files;
    if (!std::filesystem::exists(root)) {
        return files;
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        const auto extension = entry.path().extension();
        if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml")) {
            files.push_back(entry.path());
        }
    }
    return files;
}

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST_CASE("fast YAML reader equals yaml-cpp on every YAML file of testdata and the shared corpus") {
    std::size_t files = 0;
    std::size_t fast = 0;
    for (const auto& root : {std::filesystem::path(RBACGRAPH_SOURCE_DIR) / "testdata",
                             std::filesystem::path(RBACGRAPH_SHARED_CORPUS)}) {
        for (const auto& path : yaml_files(root)) {
            CAPTURE(path.string());
            const std::string text = read(path);
            check_same(text);
            ++files;
            fast += fast_documents(text);
        }
    }
    CHECK(files > 50);
    CHECK(fast > 100);  // the comparison is not vacuous: most documents take the fast path
}

TEST_CASE("fast YAML reader takes kubectl's layout whole") {
    const std::string kubectl = R"(apiVersion: v1
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    annotations:
      note: "a \"quoted\" value\twith \u00e9scapes"
      other: 'it''s'
    labels:
      rbac.example.com/aggregate-to: agg-1
    name: cr-1
  rules:
  - apiGroups:
    - ""
    resources: [pods, 'pods/log', "*"]
    verbs: ["get", list]   # trailing comment
  - nonResourceURLs: ["/healthz", /api/*]
    verbs: [get]
# a comment line
kind: List
metadata:
  resourceVersion: ""
---
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::1:role/a
      username: a:{{SessionName}}

      groups:
        - system:masters
  mapUsers: |-
    - userarn: arn:aws:iam::1:user/b
      username: b
...
)";
    check_same(kubectl);
    CHECK(fast_documents(kubectl) == 1);  // "..." hands the second document to yaml-cpp
    const std::string without_end = kubectl.substr(0, kubectl.rfind("...\n"));
    check_same(without_end);
    CHECK(fast_documents(without_end) == 2);
}

TEST_CASE("fast YAML reader hands over what it does not read, and the result is still yaml-cpp's") {
    // Each line is a document the fast reader must refuse (or read exactly as yaml-cpp).
    const std::vector<std::string> documents = {
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: >\n  folded\n  text\n",
        "a: |+\n  keep\n\n",
        "a: |2\n   explicit\n",
        "a:\n",
        "a:\nb: 1\n",
        "a: [1,\n  2]\n",
        "a: \"multi\n  line\"\n",
        "a: plain\n  continued\n",
        "a:\tb\n",
        "a: b\r\nc: d\r\n",
        "a: caf\xC3\xA9\n",
        "? complex\n: key\n",
        "%YAML 1.1\n---\na: b\n",
        "- - nested\n  - seq\n",
        "a: b: c\n",
        "[flow, root]\n",
        "just a scalar\n",
        "a: {b: [c, d], 'e': \"f\"}\n",
        "a: [b, ]\n",
        "a: {b}\n",
        "a: [b: c]\n",
        "<<: {a: 1}\nb: 2\n",
        "a: -1\nb: - c\n",
        "a: 1\n a2: 2\n",
        "- a\n-\n  b: c\n- \"d\"\n-   e: f\n    g: h\n",
        "a:\n- b\n- c\nd: e\n",
        "a:    \n  # comment\n  b: c\n",
        "a: b # c\nd: 'e' # f\n",
        "a: \"\\x41\"\n",
        "a: \"\\ud800\"\n",
        "'quoted key': 1\n\"dq\": 2\n",
        "a: |\n  x\n # less indented comment\n  y\n",
        "a: |\n\n  after blank\n",
        "a: |\n    \n  x\n",
        "a: 1\n---\nb: 2\n--- \nc: 3\n---\n---\n",
        "a: [[[[[deep]]]]]\n",
        "a: b\n...\n",
        "--- {a: b}\n",
        "a: 'unterminated\n",
        "a: [unterminated\n",
        "a: 1\n  - b\n",
        "k: v\n- x\n",
        "a: {kind: ClusterRol?, name: r}\n",  // yaml-cpp ends a flow plain scalar at '?' (found by fuzzing)
        "a: [x?y, z]\n",
        "k" + std::string(1100, 'x') + ": v\n",  // an implicit key over 1024 characters (found by fuzzing)
        "a: {k" + std::string(1100, 'x') + ": v}\n",
        "k" + std::string(900, 'x') + ": v\n",
    };
    for (const std::string& document : documents) {
        check_same(document);
        check_same("x: 1\n---\n" + document);  // after a document the fast reader took
    }
}

// Variations of generated exports: the same comparison over many shapes the generator writes.
TEST_CASE("fast YAML reader equals yaml-cpp on generated role documents") {
    std::string text;
    for (int i = 0; i < 300; ++i) {
        text += "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-" +
                std::to_string(i) + "\n  namespace: ns-" + std::to_string(i % 7) + "\nrules:\n";
        for (int r = 0; r <= i % 3; ++r) {
            text += "- apiGroups:\n  - \"\"\n  resources:\n  - pods\n" +
                    std::string(i % 2 ? "  resourceNames:\n  - app-config-1\n" : "") +
                    "  verbs: [\"get\", \"" + (i % 5 ? "list" : "*") + "\"]\n";
        }
    }
    check_same(text);
    CHECK(fast_documents(text) == 300);
}

// Small edits of real files (a character removed, inserted or a line duplicated) reach the corners where
// a hand-written reader goes wrong: the fast reader must agree with yaml-cpp or hand over.
TEST_CASE("fast YAML reader equals yaml-cpp on mutated inputs") {
    std::vector<std::string> seeds;
    for (const auto& path : yaml_files(std::filesystem::path(RBACGRAPH_SOURCE_DIR) / "testdata")) {
        if (std::filesystem::file_size(path) < 4000) {
            seeds.push_back(read(path));
        }
    }
    REQUIRE(seeds.size() > 20);
    std::uint64_t state = 12345;
    const auto random = [&](std::size_t n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>((state >> 33U) % n);
    };
    constexpr std::string_view kInserts[] = {" ", "  ", ":",    ": ", "-",    "- ",    "#",  " #",
                                             "'", "\"", "|",    "|-", "[",    "]",     "{",  "}",
                                             ",", "\n", "\n  ", "~",  "null", "---\n", "..."};
    for (int round = 0; round < 3000; ++round) {
        std::string text = seeds[random(seeds.size())];
        for (int edits = 1 + static_cast<int>(random(3)); edits > 0 && !text.empty(); --edits) {
            const std::size_t at = random(text.size());
            switch (random(3)) {
                case 0:
                    text.erase(at, 1 + random(3));
                    break;
                case 1:
                    text.insert(at, kInserts[random(std::size(kInserts))]);
                    break;
                default: {
                    const std::size_t start =
                        text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
                    const std::size_t end = text.find('\n', at);
                    const std::string line =
                        text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
                    text.insert(start, line);
                }
            }
        }
        check_same(text);
    }
}

}  // namespace
}  // namespace rbacgraph::test
