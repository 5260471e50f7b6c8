#!/usr/bin/env bash
# Several -o FORMAT=PATH in one run write exactly what one run per format writes, and the JUnit XML is
# well-formed (xmllint). Usage: outputs_test.sh RBACGRAPH (run from the source directory).
set -euo pipefail
rbacgraph=$1
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
echo "outputs_test: every format, alone or together, and well-formed JUnit"
