// YAML as kubectl reads it (go-yaml v2 through sigs.k8s.io/yaml), where that differs from the YAML
// specification or from a naive reader (issue 28). tests/reader_oracle_test.sh compares the whole testdata
// tree with the real libraries; these pin each rule with its source.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "load/document.hpp"

namespace rbacgraph::test {
namespace {

constexpr std::string_view kBindMallory = R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: m}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: sneaky}
subjects: [{kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}]
)";

// gopkg.in/yaml.v2 decode.go mapping(): entries are decoded in order and a merge key's mapping sets its keys
// there, so a merge after an explicit key overrides it (the YAML merge specification would keep the explicit
// key). A merge of a list: earlier mappings win (merge() walks the list backwards).
TEST_CASE("merge keys: a later '<<' overrides an earlier explicit key, as go-yaml v2 does") {
    const std::string role =
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: sneaky}\n";
    const std::string everything = "{rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]}";
    const Graph merged_after =
        graph_of(role + "rules: []\n<<: " + everything + "\n" + std::string(kBindMallory));
    CHECK(user_can(merged_after, "mallory", {}, resource_request("delete", "nodes")));
    // Positive control: the explicit key after the merge wins in both readings.
    const Graph explicit_after =
        graph_of(role + "<<: " + everything + "\nrules: []\n" + std::string(kBindMallory));
    CHECK_FALSE(user_can(explicit_after, "mallory", {}, resource_request("delete", "nodes")));
    // A list of merged mappings: the first one's value.
    const Export listed = load_yaml("a:\n  <<: [{x: first}, {x: second, y: only}]\n");
    REQUIRE(errors_in(listed) == 0);
}

// go-yaml v2 decode.go scalar(): a !!binary scalar is its base64-decoded bytes.
TEST_CASE("!!binary values are their decoded bytes: a roleRef to cluster-admin in base64 is cluster-admin") {
    const Graph graph = graph_of(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: m}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: !!binary Y2x1c3Rlci1hZG1pbg==}
subjects: [{kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}]
)");
    CHECK(user_can(graph, "mallory", {}, resource_request("delete", "nodes")));
    const Export bad =
        load_yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: !!binary '%%%', namespace: a}\n");
    CHECK(errors_in(bad) > 0);  // not base64: kubectl refuses the document
    // base64.StdEncoding wants whole quanta: unpadded or with spaces inside is not base64 to kubectl.
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: !!binary Y2x0c3Rl23}\n")) ==
          1);
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: !!binary 'bnMt YQ=='}\n")) ==
          1);
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: !!binary bnMtYQ==}\n")) ==
          0);
    // Decoded bytes that are not UTF-8 reach the API server as U+FFFD (encoding/json), one per byte.
    const Export replaced =
        load_yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: !!binary Yf9i, namespace: ns}\n");
    REQUIRE(replaced.service_accounts.size() == 1);
    CHECK(replaced.service_accounts.front().name ==
          "a\xEF\xBF\xBD"
          "b");
}

// YAML 1.1 (go-yaml v2 resolve.go): a plain key y/yes/on/true is the boolean true, which sigs.k8s.io/yaml
// writes as the JSON key "true"; a quoted key stays text.
TEST_CASE("plain keys resolve as YAML 1.1 values: y is the key true, a quoted key stays text") {
    const Export out = load_yaml(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n  labels: {y: a, "
        "'n': b, "
        "010: c}\nrules: []\n");
    REQUIRE(out.roles.size() == 1);
    const auto& labels = out.roles.front().labels;
    CHECK(labels.contains("true"));
    CHECK(labels.contains("n"));  // quoted: text
    CHECK(labels.contains("8"));  // YAML 1.1 octal 010
    CHECK_FALSE(labels.contains("y"));
}

std::size_t warnings_in(const Export& out) {
    return static_cast<std::size_t>(
        std::count_if(out.diagnostics.begin(), out.diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::kWarning; }));
}

constexpr std::string_view kAdminRole = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: sneaky}
rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]
)";

// k8s.io/apimachinery pkg/util/yaml/decoder.go YAMLReader.Read: kubectl cuts a file into documents at lines
// that start with "---"; anything but spaces or a comment after it is "invalid Yaml document separator", and
// the document that line would have ended is lost with the rest of the file.
TEST_CASE("a separator line with content is refused as kubectl refuses it, with the document before it") {
    const Export refused = load_yaml(std::string(kAdminRole) + "--- {x: 1}\n" + std::string(kBindMallory));
    CHECK(errors_in(refused) == 1);
    CHECK(refused.roles.empty());
    CHECK(refused.bindings.empty());
    // "---#x" is a separator to kubectl, though a YAML parser needs a space after "---"; "..." before any
    // document is refused by go-yaml.
    const Export glued = load_yaml(std::string(kAdminRole) + "---# next\n" + std::string(kBindMallory));
    CHECK(errors_in(glued) == 0);
    CHECK(glued.bindings.size() == 1);
    CHECK(errors_in(load_yaml("...\n" + std::string(kAdminRole))) == 1);
    // Positive control: a comment after the separator is a separator.
    const Export commented = load_yaml(std::string(kAdminRole) + "--- # next\n" + std::string(kBindMallory));
    CHECK(errors_in(commented) == 0);
    CHECK(commented.roles.size() == 1);
    CHECK(commented.bindings.size() == 1);
    // kubectl's line runs to LF: after "---" and a comment, lone CRs do not end it, so what follows them on
    // that line is never read ("kind: ClusterRoleBinding" below is part of the separator line); with content
    // after the CRs instead of a comment, the separator is refused.
    const Export hidden = load_yaml(std::string(kAdminRole) +
                                    "---\r# next\rapiVersion: v1\rkind: ServiceAccount\rmetadata: {name: a, "
                                    "namespace: b}\n" +
                                    std::string(kBindMallory));
    CHECK(errors_in(hidden) == 0);
    CHECK(hidden.service_accounts.empty());
    CHECK(hidden.roles.size() == 1);
    CHECK(hidden.bindings.size() == 1);
    const Export content_after_cr = load_yaml(std::string(kAdminRole) + "---\r\rkind: Namespace\n");
    CHECK(errors_in(content_after_cr) == 1);
    CHECK(content_after_cr.roles.empty());
}

// go-yaml v2 readerc.go yaml_parser_update_buffer: only tab, LF, CR, printable ASCII, NEL and the printable
// Unicode ranges are allowed, and UTF-8 is decoded strictly; anything else refuses the document.
TEST_CASE(
    "control characters and invalid UTF-8 refuse their document, and the documents before it are read") {
    for (const std::string& bad :
         {std::string("\x07", 1), std::string("\x7f", 1), std::string("\xff", 1), std::string("\xc0\xaf", 2),
          std::string("\xed\xa0\x80", 3), std::string("\xc2\x9b", 2)}) {
        const Export out = load_yaml(std::string(kAdminRole) + "---\n" +
                                     "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"x" + bad + "\"}\n");
        CHECK(errors_in(out) == 1);
        CHECK(out.roles.size() == 1);
    }
    // Positive controls: tab, a BOM inside text and astral characters are allowed.
    const Export allowed = load_yaml(std::string(kAdminRole) + "---\napiVersion: v1\nkind: Namespace\n" +
                                     "metadata: {name: \"a\tb"
                                     "c\xef\xbb\xbf"
                                     "d\xf0\x9f\x98\x80\"}\n");
    CHECK(errors_in(allowed) == 0);
}

// go-yaml v2 yamlh.go is_break and scannerc.go read_line: NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are
// line breaks to go-yaml ("name: a<NEL>kind: ClusterRole" is two keys to kubectl, one name here), so a
// document holding one is refused rather than read otherwise than kubectl reads it; the documents before it
// are read.
TEST_CASE("NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR refuse their document: go-yaml reads them as breaks") {
    const std::string role = "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules: []\n";
    for (const std::string& line_break :
         {std::string("\xc2\x85"), std::string("\xe2\x80\xa8"), std::string("\xe2\x80\xa9")}) {
        const Export out = load_yaml(std::string(kAdminRole) + role + "metadata:\n  name: a" + line_break +
                                     "kind: Namespace\n");
        CHECK(errors_in(out) == 1);
        CHECK(out.roles.size() == 1);
    }
    // Positive control: the same name with a character beside them (U+2027) is read.
    const Export near =
        load_yaml(std::string(kAdminRole) + role + "metadata:\n  name: a\xe2\x80\xa7" + "b\n");
    CHECK(errors_in(near) == 0);
    CHECK(near.roles.size() == 2);
}

// go-yaml v2's Unmarshal (sigs.k8s.io/yaml.Unmarshal, which kubectl calls per document) reads the first
// document of its input: what follows "..." or a less indented block is ignored; a block at the root's
// indentation continues a collection it cannot continue and the chunk is refused ("did not find expected
// key").
TEST_CASE("content after a document without a separator: ignored or refused as go-yaml v2 does") {
    const Export after_end =
        load_yaml(std::string(kAdminRole) + "...\n" + std::string(kBindMallory).substr(5));
    CHECK(errors_in(after_end) == 0);
    CHECK(warnings_in(after_end) >= 1);
    CHECK(after_end.roles.size() == 1);
    CHECK(after_end.bindings.empty());
    const Export less_indented =
        load_yaml("  apiVersion: v1\n  kind: Namespace\n  metadata: {name: ns}\n- apiVersion: v1\n");
    CHECK(errors_in(less_indented) == 0);
    CHECK(warnings_in(less_indented) >= 1);
    const Export same_indentation = load_yaml("- a\nkind: ClusterRole\n");
    CHECK(errors_in(same_indentation) == 1);
    // Positive control: the same documents with a separator are both read, silently.
    const Export separated = load_yaml(std::string(kAdminRole) + std::string(kBindMallory));
    CHECK(errors_in(separated) == 0);
    CHECK(warnings_in(separated) == 0);
    CHECK(separated.bindings.size() == 1);
}

// A null document is a document to go-yaml v2 too, though it holds no object: "- a\n~" is refused ("could
// not find expected ':'"), and after a null first document ended by "..." the piece's rest is ignored. Empty
// documents (a "---" line with nothing after it, comments only) are nothing to go-yaml and stay silent.
TEST_CASE("a null document after a document in one piece refuses it, as go-yaml v2 does") {
    CHECK(errors_in(load_yaml("- x\n~\n")) == 1);
    CHECK(errors_in(load_yaml("- x\n")) == 0);
    // A null first document ended by "...": what follows in the piece is ignored, as after any document.
    const Export null_first = load_yaml("~\n...\n" + std::string(kBindMallory).substr(5));
    CHECK(errors_in(null_first) == 0);
    CHECK(warnings_in(null_first) == 1);
    CHECK(null_first.bindings.empty());
    // Positive controls: the binding alone, and with empty documents and comments around it, is read.
    const Export alone = load_yaml(std::string(kBindMallory));
    CHECK(errors_in(alone) == 0);
    CHECK(alone.bindings.size() == 1);
    const Export empty_around =
        load_yaml("---\n# nothing\n---\n" + std::string(kBindMallory).substr(5) + "---\n---\n# end\n");
    CHECK(errors_in(empty_around) == 0);
    CHECK(warnings_in(empty_around) == 0);
    CHECK(empty_around.bindings.size() == 1);
}

// k8s.io/apimachinery pkg/util/yaml GuessJSONStream: a stream whose first non-space byte is '{' is JSON to
// kubectl whatever the file's name, so YAML flow style there is an error.
TEST_CASE("a .yaml file that starts with '{' is read as JSON, as kubectl reads it") {
    Export out;
    load_text("{kind: ClusterRole, apiVersion: rbac.authorization.k8s.io/v1, metadata: {name: a}}\n",
              "flow.yaml", out);
    CHECK(errors_in(out) >= 1);
    Export json;
    load_text(
        R"({"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": "a"}})",
        "flow.yaml", json);
    CHECK(errors_in(json) == 0);
    CHECK(json.roles.size() == 1);
}

// go-yaml v2 scannerc.go: a plain scalar alone on a line inside a block mapping is "could not find expected
// ':'", which refuses the document; yaml-cpp reads it as a key with no value. "? key" is an explicit key.
TEST_CASE("a mapping key without its colon refuses the document, as go-yaml v2 does") {
    const std::string role =
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n";
    const Export refused = load_yaml(role + "rules: []\nverbs\n");
    CHECK(errors_in(refused) == 1);
    CHECK(refused.roles.empty());
    // Positive controls: an empty value with its colon, and an explicit key.
    const Export empty_value = load_yaml(role + "rules:\n");
    CHECK(errors_in(empty_value) == 0);
    CHECK(empty_value.roles.size() == 1);
    CHECK(errors_in(load_yaml(role + "? rules\n")) == 0);
    // A tag may end in ':' ("!x:" is a tag): the key after it still has no ':' of its own.
    const Export tagged = load_yaml(role + "rules: []\n!x: verbs\n");
    CHECK(errors_in(tagged) == 1);
    CHECK(tagged.roles.empty());
    CHECK(errors_in(load_yaml(role + "rules: []\n!x: verbs:\n")) == 0);
    // '?' is the key indicator only before a blank (fuzz seed plain-key-starting-with-question-mark): "??" is
    // a plain key that needs its ':'.
    const Export questions = load_yaml(role + "rules: []\n??\n");
    CHECK(errors_in(questions) == 1);
    CHECK(questions.roles.empty());
    CHECK(errors_in(load_yaml(role + "rules: []\n? rules2\n")) == 0);
}

// k8s.io/apimachinery pkg/util/yaml LineReader.Read ends every line it returns with LF, the last one too, so
// a block scalar at the end of a file without a final newline still ends in one ("clip" keeps it).
TEST_CASE(
    "a block scalar at the end of a file without a final newline ends in a newline, as kubectl reads it") {
    const Export unterminated = load_yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: |\n    ns");
    const Export terminated = load_yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: |\n    ns\n");
    // Both are the name "ns\n", which the API server refuses: the same reading, the same error.
    CHECK(errors_in(unterminated) == errors_in(terminated));
    Export aws_auth;
    load_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n"
        "  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/u\n      username: |\n        u",
        "aws-auth.yaml", aws_auth);
    REQUIRE(aws_auth.aws_auth);
    REQUIRE(aws_auth.aws_auth->map_users.size() == 1);
    // The outer block scalar ends in a newline (kubectl), so the inner one, inside mapUsers, does too: the
    // username is "u\n" on the cluster (checked with the oracle, tests/oracle/kubectl_yaml.go).
    CHECK(aws_auth.aws_auth->map_users[0].username == "u\n");
}

// go-yaml v2 scannerc.go yaml_parser_scan_flow_scalar: the end of the input inside a quoted scalar is "found
// unexpected end of stream"; yaml-cpp ends the string there.
TEST_CASE("a quoted string the file ends inside refuses the document, as go-yaml v2 does") {
    const Export refused = load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\nx: \"open\n");
    CHECK(errors_in(refused) == 1);
    // Positive controls: escaped and doubled quotes close where they should.
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: \"n\\\\\"}\n")) == 0);
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: 'it''s'}\n")) == 0);
    // Blank lines right before the closing quote: go-yaml v2 keeps one line break per blank line (fuzz seed
    // quoted-blank-lines-at-end: "'a" then three line breaks then "'" is "a\n\n"), which libyaml, its origin,
    // does too; one blank line is one line break.
    const load::ParsedFile blank_lines = load::parse_yaml("x: 'a\n\n\n  '\n", "t.yaml", LoadLimits{});
    REQUIRE(blank_lines.documents.size() == 1);
    CHECK(blank_lines.documents[0].children.at(0).text == "a\n\n");
    const load::ParsedFile one_blank = load::parse_yaml("x: 'a\n\n  '\n", "t.yaml", LoadLimits{});
    REQUIRE(one_blank.documents.size() == 1);
    CHECK(one_blank.documents[0].children.at(0).text == "a\n");
}

// sigs.k8s.io/yaml yaml.go convertToJSONableObject: a nil key is "Unsupported map key of type: <nil>", and
// go-yaml v2 reads a scalar with a local tag as a string (decode.go); "null" quoted is text.
TEST_CASE(
    "a null mapping key refuses the document, and a locally tagged scalar is a string, as kubectl reads "
    "them") {
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\nnull: x\n")) == 1);
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns, ~: x}\n")) == 1);
    // Positive control: a quoted "null" key is text.
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n\"null\": x\n")) == 0);
    // `name: !local 12` is the string "12" to kubectl (a valid name); untagged, 12 is a number.
    const Export tagged = load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: !local 12}\n");
    CHECK(errors_in(tagged) == 0);
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: 12}\n")) == 1);
}

// go-yaml v2 resolve.go (a tagged scalar must resolve to its tag's type; an integer may be a !!float) and
// decode.go merge() (a merge key's value must be a mapping or a list of mappings): both refuse the document.
TEST_CASE(
    "a scalar that is not its tag's type, and a merge key of a scalar, refuse the document as go-yaml v2 "
    "does") {
    const std::string ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n";
    CHECK(errors_in(load_yaml(ns + "flag: !!bool maybe\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "count: !!int x\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "<<: x\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "<<: [1, {a: b}]\n")) == 1);
    // go-yaml v2 scannerc.go yaml_parser_scan_tag_uri: a tag of characters outside URI ones.
    CHECK(errors_in(load_yaml(ns + "other: !e^x value\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "other: !\xcf\xb0x value\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "other: !<tag:example.com,2026:x> value\n")) == 0);
    // yaml_parser_scan_uri_escapes: go-yaml decodes %XX in a tag ("!!%69nt 12" is the integer 12) or refuses
    // it ("!%aB": an incorrect leading UTF-8 octet); rbacgraph refuses any %-escape rather than decode it.
    CHECK(errors_in(load_yaml(ns + "count: !!%69nt 12\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "other: !%aBd3.\n")) == 1);
    // yaml_parser_scan_anchor: names of letters, digits, '-' and '_'; in flow, a tag takes ',' into itself.
    CHECK(errors_in(load_yaml(ns + "other: [{&ind: Group}]\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "other: {n: !f1,x: 1}\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "a: &x-y_1 b\nc: [*x-y_1,*x-y_1]\n")) == 0);
    // The anchor after a tag is checked too (fuzz seed anchor-after-tag-with-colon).
    CHECK(errors_in(load_yaml(ns + "other: !x\t&: value\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "other: !x &a value\n")) == 0);
    // Positive controls: values of their tag's type, and merges of mappings.
    CHECK(errors_in(load_yaml(ns + "flag: !!bool \"yes\"\ncount: !!int \"0x1F\"\nratio: !!float 1\n")) == 0);
    CHECK(errors_in(load_yaml(ns + "<<: [{a: b}, {c: d}]\n")) == 0);
}

// go-yaml v2 scannerc.go yaml_parser_fetch_next_token: in flow context a plain scalar may not start with ':'
// or '?'; YAML 1.2 (yaml-cpp) allows ':b'. kubectl refuses the document.
TEST_CASE(
    "a plain value starting with a colon inside a flow collection refuses the document, as go-yaml v2 does") {
    const std::string ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n";
    CHECK(errors_in(load_yaml(ns + "list: [a, :b]\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "map: {a: :b}\n")) == 1);
    // Positive controls: the same text in block context, and a colon inside a flow value.
    CHECK(errors_in(load_yaml(ns + "list:\n- a\n- :b\n")) == 0);
    CHECK(errors_in(load_yaml(ns + "list: [a, b:c, -d]\n")) == 0);
    // An empty entry ("[,get]") is refused too; a trailing comma is not.
    CHECK(errors_in(load_yaml(ns + "list: [,get]\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "list: [get, ]\n")) == 0);
    // A ':' right before ',', ']' or '}' is text to go-yaml v2 ("[get:]" is ["get:"]) and a key's ':' to
    // YAML 1.2 ([{get: null}]): refused. A quoted key before it is a key to both.
    CHECK(errors_in(load_yaml(ns + "list: [get:]\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "map: {a:, b: 1}\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "map: {\"a\":, b: 1}\n")) == 0);
}

// gopkg.in/yaml.v2 resolve.go: with underscores removed, strconv.ParseInt(s, 0, 64) (0x, 0o, 0b, leading-0
// octal) or ParseUint makes an int, else yamlStyleFloat (no dot needed: 1e6) a float; sigs.k8s.io/yaml writes
// a float key with strconv.FormatFloat(v, 'g', -1, 32) (yaml.go convertToJSONableObject).
TEST_CASE(
    "numbers resolve as go-yaml v2 resolves them, and float keys are written as sigs.k8s.io/yaml writes "
    "them") {
    using load::resolve_plain_scalar;
    CHECK(resolve_plain_scalar("1e6") == load::ScalarValue::kFloat);
    CHECK(resolve_plain_scalar("0o17") == load::ScalarValue::kInt);
    CHECK(resolve_plain_scalar("09") == load::ScalarValue::kFloat);  // not octal, so the float 9
    CHECK(resolve_plain_scalar("18446744073709551615") == load::ScalarValue::kInt);  // ParseUint
    CHECK(resolve_plain_scalar("+9223372036854775808") == load::ScalarValue::kFloat);
    CHECK(resolve_plain_scalar("1e400") == load::ScalarValue::kString);     // ParseFloat: ErrRange
    CHECK(resolve_plain_scalar(".3E33334") == load::ScalarValue::kString);  // the same after a leading dot
    CHECK(resolve_plain_scalar(".3E3") == load::ScalarValue::kFloat);
    CHECK(resolve_plain_scalar("1e-400") == load::ScalarValue::kFloat);  // underflow is 0, no error
    // Positive controls: text stays text.
    CHECK(resolve_plain_scalar("1e") == load::ScalarValue::kString);
    CHECK(resolve_plain_scalar("._5") == load::ScalarValue::kString);
    // Underscores between digits are ParseFloat's (strconv underscoreOK): ".7_7" is 0.77 (fuzz seed
    // leading-dot-float-underscore); elsewhere they make text.
    CHECK(resolve_plain_scalar(".7_7") == load::ScalarValue::kFloat);
    CHECK(resolve_plain_scalar(".7_7e1_0") == load::ScalarValue::kFloat);
    CHECK(resolve_plain_scalar(".7_") == load::ScalarValue::kString);
    CHECK(resolve_plain_scalar(".7__7") == load::ScalarValue::kString);
    CHECK(resolve_plain_scalar(".7_e1") == load::ScalarValue::kString);
    CHECK(resolve_plain_scalar("1.2.3") == load::ScalarValue::kString);
    // A namespace named 1e6 is a number to kubectl, so the API server refuses it.
    CHECK(errors_in(
              load_yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: 1e6}\n")) == 1);
    // The labels a ClusterRole gets from `labels: {...}` written as `flow`: the keys as kubectl writes them.
    const auto labels_of = [](std::string_view flow) {
        const Export out = load_yaml(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n  labels: " +
            std::string(flow) + "\nrules: []\n");
        REQUIRE(out.roles.size() == 1);
        return out.roles.front().labels;
    };
    const auto labels = labels_of("{1e6: a, 3.14159265358979: b, .NaN: c, 0.0001: d}");
    CHECK(labels.contains("1e+06"));
    CHECK(labels.contains("3.1415927"));
    CHECK(labels.contains(".nan"));
    CHECK(labels.contains("0.0001"));
    // Integer keys are written in decimal; in a hexadecimal one 'e' is a digit, not an exponent (fuzz seed
    // hex-key-with-e).
    const auto hex_labels = labels_of("{0xe: a, -0x1E: b, 0b101: c, 1e3: d}");
    CHECK(hex_labels.contains("14"));
    CHECK(hex_labels.contains("-30"));
    CHECK(hex_labels.contains("5"));
    CHECK(hex_labels.contains("1000"));
    // A float key too small for a double is 0 to Go's ParseFloat, not an error (fuzz seed
    // float-key-underflow).
    CHECK(labels_of("{3E-33333333339: a}").contains("0"));
}

// parserc.go yaml_parser_process_directives (only %YAML 1.1 and %TAG), and kubectl's cutting at the "---"
// a directive needs, which leaves the directive alone: every directive in a manifest refuses its document.
// The quote check looks past a node's tag ("!!x \"open" at the end of a file).
TEST_CASE(
    "YAML directives in a manifest, and a tagged quoted string the file ends inside, refuse the document") {
    CHECK(errors_in(load_yaml("%YAML 1.1\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n")) ==
          1);
    CHECK(errors_in(load_yaml("%FOO bar\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n")) ==
          1);
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\nx: !!str \"open\n")) ==
          1);
    // Positive control: '%' inside content is text.
    CHECK(errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\nx: \"%YAML 1.2\"\n")) ==
          0);
}

// sigs.k8s.io/yaml's json.Marshal cannot write NaN or infinity ("json: unsupported value"), and go-yaml v2
// reads a scalar on the line after its key, no deeper than the key, as the next key.
TEST_CASE("a .nan value, and a value no deeper than its key on the next line, refuse the document") {
    const std::string ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n";
    CHECK(errors_in(load_yaml(ns + "ratio: .nan\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "ratios: [-.Inf]\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "note:\n\"text\"\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "verbs:\n[get]\n")) == 1);  // a flow collection there too
    CHECK(errors_in(load_yaml(ns + "verbs:\n  [get]\n")) == 0);
    // An empty value's anchor or tag there too (fuzz seed anchor-on-next-line-at-key-indent).
    CHECK(errors_in(load_yaml(ns + "note:\n&a\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "note:\n!!null\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "note:\n  &a\nother: &b\n")) == 0);
    // A property after the key's first one, on the next line (fuzz seed property-on-next-line-after-tag).
    CHECK(errors_in(load_yaml(ns + "note: !!str\n&a\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "note: &a\n!x\n")) == 1);
    CHECK(errors_in(load_yaml(ns + "note: !x &a\nother: 1\n")) == 0);  // the next key
    CHECK(errors_in(load_yaml(ns + "note: !!str\n  &a\n")) == 0);      // deeper: the value's
    // Positive controls: .nan as a key or quoted, a deeper value, an indentless list.
    CHECK(errors_in(load_yaml(ns + "labels: {.nan: x}\nnote: \".nan\"\n")) == 0);
    CHECK(errors_in(load_yaml(ns + "note:\n  text\nitems:\n- a\n")) == 0);
}

// go-yaml v2 scannerc.go yaml_parser_scan_to_next_token: in block context a tab is skipped only where no key
// may start; at a line's start and after "- ", "? ", ": " it is "found character that cannot start any
// token". yaml-cpp skips it, so "- \tget" is [get] to it and a refused document to kubectl.
TEST_CASE("a tab before a value where a key may start refuses the document, as go-yaml v2 does") {
    const std::string role =
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n";
    for (const std::string& verbs :
         {std::string("- verbs:\n  - \tget\n"), std::string("- verbs:\n  -\tget\n"),
          std::string("- verbs:\n  ? \tget\n")}) {
        const Export out = load_yaml(role + verbs);
        CHECK(errors_in(out) == 1);
        CHECK(out.roles.empty());
    }
    CHECK(errors_in(load_yaml("\tkind: Namespace\n")) == 1);
    // The reader looks for these only in a text that holds a tab (most hold none): a tab in the last document
    // of a stream still refuses that document, and the first, without one, is read.
    {
        const Export out = load_yaml(role + "- verbs: [get]\n---\n" + role + "- verbs:\n  - \tget\n");
        CHECK(errors_in(out) == 1);
        CHECK(out.roles.size() == 1);
    }
    // A blank or comment line indented with a tab: refused by go-yaml outside strings and flow collections,
    // which a line scan cannot tell apart, so a warning says so (and a line indented with spaces gets none).
    CHECK(warnings_in(load_yaml(role + "- verbs: [get]\n\t# all\n")) == 1);
    CHECK(warnings_in(load_yaml(role + "- verbs: [get]\n  # all\n")) == 0);
    // A node's properties on one line and its content on the next: the line break allows a key again.
    CHECK(errors_in(load_yaml(role + "- verbs: !x\n    \t[get]\n")) == 1);
    CHECK(errors_in(load_yaml(role + "- verbs: &v\n    [get]\n")) == 0);
    // An empty list entry whose '-' a tab follows, alone or before a comment (fuzz seed
    // tab-after-empty-entry).
    CHECK(errors_in(load_yaml(role + "- verbs:\n  - \t\n")) == 1);
    CHECK(errors_in(load_yaml(role + "- verbs:\n  -\t# none\n")) == 1);
    CHECK(
        errors_in(load_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\nx:\n- \n-  # a tab\there "
                            "is in the comment\n")) == 0);
    // Positive controls: a tab inside a flow list, after a key's ':' and before a comment: read by both.
    CHECK(errors_in(load_yaml(role + "- verbs: [\n\tget]\n")) == 0);
    CHECK(errors_in(load_yaml(role + "- verbs:\t [get]\n")) == 0);
    CHECK(errors_in(load_yaml(role + "- verbs: [get] \t# all\n")) == 0);
}

// go-yaml v2 readerc.go yaml_parser_determine_encoding drops a BOM at the start of its input; kubectl hands
// it each piece after a "---" line, so a file joined from files saved with a BOM has them there, and they
// are not part of a key. A second is skipped by scannerc.go yaml_parser_scan_to_next_token at the first
// column but counted: the oracle reads "<BOM><BOM>apiVersion: v1\nkind: X" as {apiVersion: v1, ind: X}
// (fuzz seed two-boms-kind-lost), so such a document is refused as read differently.
TEST_CASE("byte order marks at the start of a piece: one is dropped, as go-yaml drops it, two are refused") {
    const std::string bom = "\xef\xbb\xbf";
    const Export out =
        load_yaml(std::string(kAdminRole) + "---\n" + bom + std::string(kBindMallory).substr(5));
    CHECK(errors_in(out) == 0);
    CHECK(out.bindings.size() == 1);
    const Export two =
        load_yaml(std::string(kAdminRole) + "---\n" + bom + bom + std::string(kBindMallory).substr(5));
    CHECK(two.bindings.empty());
    CHECK(errors_in(two) == 1);
    CHECK(two.roles.size() == 1);  // the document before is read
    const Export file_start = load_yaml(bom + bom + std::string(kAdminRole));
    CHECK(file_start.roles.empty());
    CHECK(errors_in(file_start) == 1);
    // At a line's start inside a piece go-yaml reads a BOM into the key ("\ufeffkind", no kind) and libyaml
    // refuses the line: refused as read differently (fuzz seed bom-inside-document).
    const Export inside = load_yaml(std::string(kAdminRole) + "---\n" + "apiVersion: v1\n" + bom +
                                    "kind: ServiceAccount\nmetadata: {name: a, namespace: b}\n");
    CHECK(inside.service_accounts.empty());
    CHECK(errors_in(inside) == 1);
    // Positive control: inside a line a BOM is text, to both readers.
    const Export in_text = load_yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: \"a" + bom +
                                     "b\", namespace: b}\n");
    CHECK(errors_in(in_text) == 0);
    CHECK(in_text.service_accounts.size() == 1);
}

bool said(const load::ParsedFile& parsed, std::string_view words) {
    return std::any_of(parsed.diagnostics.begin(), parsed.diagnostics.end(),
                       [&](const Diagnostic& d) { return d.message.find(words) != std::string::npos; });
}

// rbacgraph reads YAML with libyaml, which go-yaml v2 was ported from; what libyaml changed after the port is
// refused by name (libyaml commits 6cc8b63, 6db69c7, 20496ee, 1008696, f41d360 against gopkg.in/yaml.v2
// scannerc.go yaml_parser_scan_flow_scalar, yaml_parser_scan_plain_scalar and yaml_parser_scan_tag_uri).
TEST_CASE("where libyaml changed after go-yaml v2 was ported from it, the document is refused by name") {
    const auto read = [](std::string_view text) { return load::parse_yaml(text, "t.yaml", LoadLimits{}); };
    constexpr std::string_view kDiffer = "would read this document differently";
    // "\'" is a quote to go-yaml, an unknown escape to libyaml.
    CHECK(said(read("a: \"it\\'s\"\n"), kDiffer));
    // "\/" is '/' to libyaml, an unknown escape to go-yaml: refused as kubectl refuses it.
    const load::ParsedFile slash = read("a: \"x\\/y\"\n");
    CHECK(slash.documents.empty());
    CHECK(said(slash, "found unknown escape character"));
    // "[get:]" is ["get:"] to go-yaml, an error to libyaml.
    CHECK(said(read("a: [get:]\n"), kDiffer));
    // '?' ends a plain value in a flow collection to go-yaml, not to libyaml.
    CHECK(said(read("a: [get?x]\n"), kDiffer));
    // A tag followed by '[': go-yaml keeps it in the tag.
    CHECK(said(read("a: !x[y] v\n"), kDiffer));
    // Positive controls: the same characters where both read alike.
    for (const std::string_view same :
         {"a: \"it's \\\"q\\\"\"\n", "a: [get, 'x:']\n", "a: get?x\n", "a: [a:b]\n", "a: !x v\n"}) {
        const load::ParsedFile parsed = read(same);
        CHECK_MESSAGE(parsed.diagnostics.empty(), same);
        CHECK_MESSAGE(parsed.documents.size() == 1, same);
    }
}

// gopkg.in/yaml.v2 decode.go: an empty node with a local tag is "" (a string), also when a comment stands
// between its anchor and its tag (fuzz seed property-after-comment).
TEST_CASE("an empty tagged node is the empty string, with a comment between its anchor and its tag") {
    const load::ParsedFile parsed = load::parse_yaml("a: &x # note\n  !local\n", "t.yaml", LoadLimits{});
    REQUIRE(parsed.documents.size() == 1);
    REQUIRE(parsed.documents[0].children.size() == 1);
    CHECK(parsed.documents[0].children[0].type == load::NodeType::kScalar);
    CHECK(parsed.documents[0].children[0].text.empty());
    // Positive control: an anchor alone on an empty node is null.
    const load::ParsedFile bare = load::parse_yaml("a: &x # note\nb: 1\n", "t.yaml", LoadLimits{});
    REQUIRE(bare.documents.size() == 1);
    CHECK(bare.documents[0].children[0].is_null());
}

// gopkg.in/yaml.v2 parserc.go (plain_implicit for the non-specific tag "!") and decode.go isMerge: "! <<" is
// a merge key to go-yaml, though "! x" resolves as a string (fuzz seed non-specific-tag-merge-key).
TEST_CASE("a merge key with the non-specific tag is refused as read differently, an untagged one merges") {
    const load::ParsedFile tagged = load::parse_yaml("a:\n  ! <<: {b: 1}\n", "t.yaml", LoadLimits{});
    CHECK(tagged.documents.empty());
    CHECK(said(tagged, "would read this document differently"));
    const load::ParsedFile plain = load::parse_yaml("a:\n  <<: {b: 1}\n  c: 2\n", "t.yaml", LoadLimits{});
    REQUIRE(plain.documents.size() == 1);
    CHECK(plain.documents[0].children.at(0).keys == std::vector<std::string>{"b", "c"});
}

// gopkg.in/yaml.v2 yaml.go Unmarshal -> decode.go parser.parse(): one document is read and the parser stops;
// what follows in the same piece is never scanned, so an error there is no error to kubectl.
TEST_CASE("an error after the first document of a piece is a warning, and reading resumes at the next ---") {
    const auto read = [](std::string_view text) { return load::parse_yaml(text, "t.yaml", LoadLimits{}); };
    // Less indented than the first document's root, then invalid: go-yaml reads {a: 1} and, in the next
    // piece, {c: 3}.
    const load::ParsedFile less = read("  a: 1\nb: 2\n---\nc: 3\n");
    REQUIRE(less.documents.size() == 2);
    CHECK(less.documents[1].keys.at(0) == "c");
    CHECK(count_errors(less.diagnostics) == 0);
    CHECK(said(less, "never see it"));
    // After "...", a broken second document in the piece.
    const load::ParsedFile ended = read("a: 1\n...\n[bad\n---\nc: 3\n");
    CHECK(ended.documents.size() == 2);
    CHECK(count_errors(ended.diagnostics) == 0);
    // In one aws-auth value nothing after the first document is read.
    const load::ParsedFile value = load::parse_yaml("- a\n...\n[bad\n---\n- c\n", "t.yaml", LoadLimits{},
                                                    load::YamlSource::kGoYamlValue);
    CHECK(value.documents.size() == 1);
    CHECK(count_errors(value.diagnostics) == 0);
    // Positive control: an error inside the first document is an error (kubectl refuses it).
    const load::ParsedFile first = read("a: [1\n---\nc: 3\n");
    CHECK(first.documents.empty());
    CHECK(count_errors(first.diagnostics) == 1);
}

// gopkg.in/yaml.v2 decode.go: a scalar with a local tag is a string; CloudFormation's short forms (!Ref,
// !Not...) mean functions only in a template (fuzz seed cloudformation-tag-in-manifest).
TEST_CASE("a CloudFormation short tag in a Kubernetes manifest is a local tag, as kubectl reads it") {
    const Export manifest =
        load_yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: !Ref builder, namespace: ci}\n");
    CHECK(errors_in(manifest) == 0);
    REQUIRE(manifest.service_accounts.size() == 1);
    CHECK(manifest.service_accounts[0].name == "builder");
    // Positive control: in a template the same tag is the function.
    const load::ParsedFile parsed = load::parse_yaml(
        "Resources:\n  A: {Type: AWS::X, Properties: {Name: !Ref B}}\n", "t.yaml", LoadLimits{});
    REQUIRE(parsed.documents.size() == 1);
    const load::Node expanded = load::expand_intrinsics(parsed.documents[0]);
    const load::Node* value = expanded.find("Resources")->find("A")->find("Properties")->find("Name");
    REQUIRE(value != nullptr);
    REQUIRE(value->is_mapping());
    CHECK(value->keys.at(0) == "Ref");
    CHECK(value->children.at(0).text == "B");
}

}  // namespace
}  // namespace rbacgraph::test
