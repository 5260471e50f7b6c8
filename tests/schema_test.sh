#!/usr/bin/env bash
# Every SARIF log rbacgraph writes is valid against the SARIF 2.1.0 schema, and every GitLab report against the
# transcribed GitLab SAST schema (testdata/schemas/README.md), over the inputs that stress them: errors in the
# input, an estate, standard input, file names that need percent-encoding, suppressions, a result cap.
# Negative controls: the validator rejects a broken document of each kind, so a validator that accepts
# anything fails this test. Usage: schema_test.sh RBACGRAPH (run from the source directory).
set -uo pipefail
rbacgraph=$1
# The Debian python3 with python3-jsonschema and python3-rfc3987 (scripts/install-deps), not whatever python3
# comes first on PATH.
python=/usr/bin/python3
validate=tests/validate_json.py
sarif_schema=testdata/schemas/sarif-schema-2.1.0.draft07.json
gitlab_schema=testdata/schemas/gitlab-sast-report-15-subset.schema.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
n=0

# make NAME ARGS...: runs rbacgraph, keeps stdout as $work/NAME; any exit but a crash (>= 128) is fine here.
make() {
    local name=$1
    shift
    "$rbacgraph" "$@" >"$work/$name" 2>/dev/null
    local code=$?
    if [ "$code" -ge 128 ] || [ ! -s "$work/$name" ]; then
        echo "schema_test: rbacgraph $* exited $code with no output" >&2
        failed=1
    fi
    n=$((n + 1))
}

odd="$work/odd dir #1 %/r?le é.yaml"
mkdir -p "$(dirname "$odd")"
cp testdata/demo/rbac-cluster-admin.yaml "$odd"

make demo.sarif check testdata/demo -o sarif
make bad.sarif check testdata/demo testdata/bad -o sarif
make estate.sarif check --clusters testdata/estate/clusters testdata/estate/iam -o sarif
make stdin.sarif check - -o sarif <testdata/demo/aws-auth.yaml
make odd.sarif check "$odd" -o sarif
make capped.sarif check testdata/demo -o sarif --max-results 1 --sarif-category rbac/prod
make suppressed.sarif check testdata/check/annotated.yaml --config testdata/check/config.yaml -o sarif \
    --sarif-include-suppressed
make diff.sarif diff testdata/demo testdata/demo-change -o sarif
for log in "$work"/*.sarif; do
    "$python" "$validate" "$sarif_schema" "$log" || failed=1
done

make demo.gitlab check testdata/demo -o gitlab-sast
make bad.gitlab check testdata/demo testdata/bad -o gitlab-sast
make estate.gitlab check --clusters testdata/estate/clusters testdata/estate/iam -o gitlab-sast
make stdin.gitlab check - -o gitlab-sast <testdata/demo/aws-auth.yaml
make odd.gitlab check "$odd" -o gitlab-sast
make high.gitlab check testdata/demo -o gitlab-sast --min-severity high
make baselined.gitlab check testdata/demo -o gitlab-sast --baseline testdata/check/baseline.json
for report in "$work"/*.gitlab; do
    "$python" "$validate" "$gitlab_schema" "$report" || failed=1
done

# Negative controls: one broken copy of each kind must be refused.
"$python" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
sarif = json.load(open(f"{work}/demo.sarif"))
sarif["runs"][0]["results"][0]["level"] = "severe"
json.dump(sarif, open(f"{work}/broken.sarif.json", "w"))
uri = json.load(open(f"{work}/demo.sarif"))
uri["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "rbac/a b#1#2.yaml"
json.dump(uri, open(f"{work}/broken-uri.sarif.json", "w"))
gitlab = json.load(open(f"{work}/demo.gitlab"))
gitlab["vulnerabilities"][0]["severity"] = "high"
del gitlab["scan"]["end_time"]
json.dump(gitlab, open(f"{work}/broken.gitlab.json", "w"))
PY
if "$python" "$validate" "$sarif_schema" "$work/broken.sarif.json" >/dev/null; then
    echo "schema_test: a SARIF result with level 'severe' passed validation" >&2
    failed=1
fi
if "$python" "$validate" "$sarif_schema" "$work/broken-uri.sarif.json" >/dev/null; then
    echo "schema_test: a SARIF artifact URI with a space and two '#' passed validation (format checks off?)" >&2
    failed=1
fi
if "$python" "$validate" "$gitlab_schema" "$work/broken.gitlab.json" >/dev/null; then
    echo "schema_test: a GitLab report with severity 'high' and no end_time passed validation" >&2
    failed=1
fi

[ "$failed" -eq 0 ] && echo "schema: $n documents valid, 3 broken ones refused"
exit "$failed"
