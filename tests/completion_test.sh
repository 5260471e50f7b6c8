#!/usr/bin/env bash
# The shell completions and the manual page the binary writes: bash completes commands and each command's
# options, zsh parses its script (zsh -n), and the man page uses only the roff requests it is written with.
# Usage: completion_test.sh RBACGRAPH
set -euo pipefail
rbacgraph=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "completion_test: $*" >&2; exit 1; }

"$rbacgraph" completion bash >"$work/rbacgraph.bash"
bash -n "$work/rbacgraph.bash" || fail "the bash script does not parse"
# shellcheck source=/dev/null
source "$work/rbacgraph.bash"
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _rbacgraph
    printf '%s\n' "${COMPREPLY[@]}"
}
[ "$(complete_words rbacgraph ch)" = check ] || fail "'rbacgraph ch' does not complete to check"
[ "$(complete_words rbacgraph check --fail)" = --fail-on ] || fail "'check --fail' does not complete"
# Positive and negative control: diff has --clusters as a flag, can-i has no --fail-on.
[ "$(complete_words rbacgraph diff --clusters)" = --clusters ] || fail "'diff --clusters' does not complete"
[ -z "$(complete_words rbacgraph can-i --fail)" ] || fail "can-i offers --fail-on"

"$rbacgraph" completion zsh >"$work/_rbacgraph"
zsh -n "$work/_rbacgraph" || fail "the zsh script does not parse"
"$rbacgraph" completion fish >"$work/rbacgraph.fish"
grep -q "__fish_seen_subcommand_from check' -l fail-on -r" "$work/rbacgraph.fish" || fail "fish lacks check --fail-on"

"$rbacgraph" man >"$work/rbacgraph.1"
head -1 "$work/rbacgraph.1" | grep -q '^\.TH RBACGRAPH 1 ' || fail "the man page has no .TH"
unknown=$(grep -E '^[.'"'"']' "$work/rbacgraph.1" | grep -vE '^\.(TH|SH|SS|TP|PP|B|nf|fi)( |$)' || true)
[ -z "$unknown" ] || fail "the man page has stray requests: $unknown"
for command in can-i what-can who-can graph check rules diff; do
    grep -q "^\.SS $command\$" "$work/rbacgraph.1" || fail "the man page lacks $command"
done
echo "completion_test: bash completes, zsh parses, fish and the man page hold every command"
