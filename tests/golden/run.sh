#!/usr/bin/env bash
# Golden CLI tests: runs the real binary for every testdata/golden/*.cmd and compares exit code, stdout and stderr
# with the .golden file beside it. Usage: run.sh BINARY [--update]
set -u
binary=$1
update=${2:-}
cd "$(dirname "$0")/../.." || exit 2
# Reports that carry the time of the scan (GitLab's start_time and end_time) take it from SOURCE_DATE_EPOCH,
# the reproducible-builds convention: 2026-01-01T00:00:00 in every golden.
export SOURCE_DATE_EPOCH=1767225600
failed=0
passed=0
for cmd in testdata/golden/*.cmd; do
    golden=${cmd%.cmd}.golden
    # The .cmd file holds the arguments as shell words; stdin comes from the .stdin file when present.
    eval "set -- $(cat "$cmd")"
    stdin=/dev/null
    [ -f "${cmd%.cmd}.stdin" ] && stdin=${cmd%.cmd}.stdin
    actual=$( {
        out=$(mktemp) err=$(mktemp)
        "$binary" "$@" <"$stdin" >"$out" 2>"$err"
        code=$?
        printf '$ rbacgraph %s\nexit: %s\n--- stdout\n' "$(cat "$cmd")" "$code"
        cat "$out"
        printf -- '--- stderr\n'
        cat "$err"
        rm -f "$out" "$err"
    } )
    # SARIF names the working directory (file:///abs/path/); goldens hold it as <cwd> so that any clone passes.
    actual=${actual//"file://$(pwd -P)/"/file://<cwd>/}
    if [ "$update" = "--update" ]; then
        printf '%s\n' "$actual" >"$golden"
        continue
    fi
    if [ ! -f "$golden" ]; then
        echo "MISSING $golden (run scripts/update-golden)"
        failed=$((failed + 1))
    elif diff -u "$golden" <(printf '%s\n' "$actual") >/dev/null; then
        passed=$((passed + 1))
    else
        echo "FAIL $cmd"
        diff -u "$golden" <(printf '%s\n' "$actual") | head -40
        failed=$((failed + 1))
    fi
done
[ "$update" = "--update" ] && { echo "golden files updated"; exit 0; }
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
