#!/usr/bin/env bash
# The generator is deterministic for a seed, differs across seeds, and writes an export that loads with no
# error or warning (every shape in it is one rbacgraph reads).
#   tests/bench_generator.sh RBACGRAPH_GEN RBACGRAPH
set -euo pipefail
gen=$1
rbacgraph=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" --objects 3000 --requests 50 --seed 7 --out "$work/a"
"$gen" --objects 3000 --requests 50 --seed 7 --out "$work/b"
"$gen" --objects 3000 --requests 50 --seed 8 --out "$work/c"
diff -r "$work/a" "$work/b" >/dev/null || { echo "same seed, different output" >&2; exit 1; }
if diff -r "$work/a" "$work/c" >/dev/null; then
    echo "different seeds, same output" >&2
    exit 1
fi
"$rbacgraph" check "$work/a" --fail-on never >/dev/null 2>"$work/stderr"
grep -q "0 errors, 0 warnings" "$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
grep -q "3000 used" "$work/stderr" || { echo "expected 3000 objects used:" >&2; cat "$work/stderr" >&2; exit 1; }
"$rbacgraph" can-i --batch "$work/a/requests.jsonl" "$work/a" >"$work/answers" 2>/dev/null || true
[ "$(grep -c '"allowed"' "$work/answers")" -eq 50 ] || { echo "batch answers missing" >&2; exit 1; }
echo "bench generator: deterministic, loads cleanly"
