#!/usr/bin/env bash
# Several -o FORMAT=PATH in one run write exactly what one run per format writes, and the JUnit XML is
# well-formed (xmllint). Usage: outputs_test.sh RBACGRAPH (run from the source directory).
set -euo pipefail
rbacgraph=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")  # absolute: some checks run elsewhere
# GitLab's report carries the scan's times: fixed, so that two runs compare byte for byte.
export SOURCE_DATE_EPOCH=1767225600
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
"$rbacgraph" check testdata/demo -o junit="$work/all.xml" -o sarif="$work/all.sarif" -o json="$work/all.json" \
    -o markdown="$work/all.md" -o gitlab-sast="$work/all.gitlab" -o text >"$work/all.txt" 2>/dev/null || status=$?
[ "$status" -eq 1 ] || { echo "outputs_test: check of the demo exited $status, not 1" >&2; exit 1; }
for format in junit:xml sarif:sarif json:json markdown:md gitlab-sast:gitlab text:txt; do
    name=${format%%:*}
    extension=${format##*:}
    "$rbacgraph" check testdata/demo -o "$name" >"$work/one.$extension" 2>/dev/null || true
    if ! cmp -s "$work/one.$extension" "$work/all.$extension"; then
        echo "outputs_test: -o $name alone differs from -o $name=PATH beside other outputs" >&2
        diff "$work/one.$extension" "$work/all.$extension" | head -20 >&2
        exit 1
    fi
    [ -s "$work/all.$extension" ] || { echo "outputs_test: $name output is empty" >&2; exit 1; }
done
xmllint --noout "$work/all.xml"
# diff writes several outputs the same way.
"$rbacgraph" diff testdata/demo testdata/demo-change -o markdown="$work/comment.md" -o sarif="$work/new.sarif" \
    -o text >"$work/diff.txt" 2>/dev/null || true
"$rbacgraph" diff testdata/demo testdata/demo-change -o markdown >"$work/comment-alone.md" 2>/dev/null || true
cmp -s "$work/comment.md" "$work/comment-alone.md" || { echo "outputs_test: diff markdown differs" >&2; exit 1; }
grep -q "principal(s) gain access" "$work/diff.txt"
# The first baseline: --write-baseline exits 0 once written although the findings fail the gate (issue 31: it
# stopped the script that writes it), and the run that reads it lists nothing known unless --show-known.
status=0
"$rbacgraph" check testdata/demo --write-baseline "$work/baseline.json" >/dev/null 2>&1 || status=$?
[ "$status" -eq 0 ] || { echo "outputs_test: --write-baseline exited $status, not 0" >&2; exit 1; }
[ -s "$work/baseline.json" ] || { echo "outputs_test: --write-baseline wrote nothing" >&2; exit 1; }
status=0
"$rbacgraph" check testdata/demo --baseline "$work/baseline.json" >"$work/known.txt" 2>/dev/null || status=$?
[ "$status" -eq 0 ] || { echo "outputs_test: a run against its own baseline exited $status" >&2; exit 1; }
if grep -q "known: in the baseline" "$work/known.txt" || ! grep -q "known from the baseline, not listed" "$work/known.txt"; then
    echo "outputs_test: known findings are listed without --show-known" >&2
    exit 1
fi
"$rbacgraph" check testdata/demo --baseline "$work/baseline.json" --show-known >"$work/shown.txt" 2>/dev/null || true
grep -q "known: in the baseline" "$work/shown.txt" || { echo "outputs_test: --show-known lists nothing" >&2; exit 1; }
# --min-severity filters JSON too, and counts what it left out.
"$rbacgraph" check testdata/demo --min-severity critical -o json >"$work/critical.json" 2>/dev/null || true
python3 - "$work/critical.json" <<'PY' || exit 1
import json, sys
report = json.load(open(sys.argv[1]))
assert report["findings"] and all(f["severity"] == "critical" for f in report["findings"]), "non-critical listed"
assert report["summary"]["below_min_severity"] > 0, "nothing counted as filtered"
PY
# .rbacgraph.yaml is found from the working directory up to the repository root and read like --config; the
# command line wins key by key, and --no-config reads none.
repo=$work/repo
mkdir -p "$repo/.git" "$repo/deploy"
printf 'fail-on: never\n' >"$repo/.rbacgraph.yaml"
demo=$(pwd)/testdata/demo
status=0
(cd "$repo/deploy" && "$rbacgraph" check "$demo") >/dev/null 2>"$work/found.err" || status=$?
[ "$status" -eq 0 ] || { echo "outputs_test: the found config's fail-on was not applied (exit $status)" >&2; exit 1; }
grep -q "using config $repo/.rbacgraph.yaml" "$work/found.err" || { echo "outputs_test: the found config is not named" >&2; exit 1; }
status=0
(cd "$repo/deploy" && "$rbacgraph" check "$demo" --fail-on high) >/dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || { echo "outputs_test: --fail-on did not win over the config (exit $status)" >&2; exit 1; }
status=0
(cd "$repo/deploy" && "$rbacgraph" check "$demo" --no-config) >/dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || { echo "outputs_test: --no-config still read the config (exit $status)" >&2; exit 1; }
# The config's default-namespace places a Role that names none (the command line's wins); without either the
# Role is an input error.
ns_dir=$work/ns
mkdir -p "$ns_dir"
printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- {apiGroups: [""], resources: [secrets], verbs: [get]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects: [{kind: User, name: bob}]\n' >"$ns_dir/rbac.yaml"
printf 'default-namespace: shop\nkubernetes-version: "1.35"\n' >"$ns_dir/ns-config.yaml"
"$rbacgraph" check "$ns_dir/rbac.yaml" --config "$ns_dir/ns-config.yaml" --fail-on never 2>/dev/null | grep -q "get secrets in namespace shop" ||
    { echo "outputs_test: the config's default-namespace was not applied" >&2; exit 1; }
"$rbacgraph" check "$ns_dir/rbac.yaml" --config "$ns_dir/ns-config.yaml" --default-namespace other --fail-on never 2>/dev/null |
    grep -q "get secrets in namespace other" || { echo "outputs_test: --default-namespace did not win over the config" >&2; exit 1; }
status=0
"$rbacgraph" check "$ns_dir/rbac.yaml" --no-config --fail-on never >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || { echo "outputs_test: a Role without namespace passed without default-namespace (exit $status)" >&2; exit 1; }
# diff reads the same configuration: a suppression in the team's config keeps a known grant out of the gate.
printf 'suppressions:\n- {rule: secrets-access, name: release-secrets, reason: the release bot reads its own secrets}\n' >"$work/diff-config.yaml"
status=0
"$rbacgraph" diff testdata/demo testdata/demo-change --config "$work/diff-config.yaml" >/dev/null 2>&1 || status=$?
[ "$status" -eq 0 ] || { echo "outputs_test: diff ignored the config's suppression (exit $status)" >&2; exit 1; }
status=0
"$rbacgraph" diff testdata/demo testdata/demo-change --no-config >/dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || { echo "outputs_test: diff without the config passed (exit $status)" >&2; exit 1; }
# An unrendered Helm chart in the repository fails the run (exit 2) until --exclude, or the config's exclude,
# leaves its templates out; a note counts what was left out.
mkdir -p "$work/helm/chart/templates"
cp testdata/demo/rbac-roles.yaml "$work/helm/"
printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Values.ns\n' >"$work/helm/chart/templates/role.yaml"
status=0
"$rbacgraph" check "$work/helm" --no-config --fail-on never >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || { echo "outputs_test: the Helm template did not fail the run (exit $status)" >&2; exit 1; }
status=0
"$rbacgraph" check "$work/helm" --no-config --fail-on never --exclude 'chart/templates/*' >/dev/null 2>"$work/excluded.err" || status=$?
[ "$status" -eq 0 ] || { echo "outputs_test: --exclude did not leave the template out (exit $status)" >&2; exit 1; }
grep -q "loaded 1 file (1 left out by exclude globs)" "$work/excluded.err" || { echo "outputs_test: the exclusion is not counted" >&2; exit 1; }
printf 'exclude: ["templates/*"]\nfail-on: never\n' >"$work/exclude-config.yaml"
status=0
"$rbacgraph" check "$work/helm" --config "$work/exclude-config.yaml" -v >/dev/null 2>"$work/excluded.err" || status=$?
[ "$status" -eq 0 ] || { echo "outputs_test: the config's exclude was not applied (exit $status)" >&2; exit 1; }
grep -q "left out by the config's exclude" "$work/excluded.err" || { echo "outputs_test: the config's exclusion is not named" >&2; exit 1; }
echo "outputs_test: every format, alone or together, well-formed JUnit, the baseline workflow, --min-severity, config discovery, diff with the config, --exclude"
