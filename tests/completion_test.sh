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
# Values, not file names, where an option or a positional takes known words (issue 29): severities, formats,
# shells, rule names, verbs and resources from the catalog; after them, files again.
[ "$(complete_words rbacgraph check --fail-on hi)" = high ] || fail "'--fail-on hi' does not complete to high"
[ "$(complete_words rbacgraph check -o gitl)" = gitlab-sast ] || fail "'-o gitl' does not complete"
[ "$(complete_words rbacgraph check --enable anonymous-a)" = anonymous-access ] || fail "--enable offers no rule"
[ "$(complete_words rbacgraph rules anonymous-a)" = anonymous-access ] || fail "rules offers no rule"
[ "$(complete_words rbacgraph completion fis)" = fish ] || fail "completion offers no shell"
[ "$(complete_words rbacgraph can-i impers)" = impersonate ] || fail "can-i offers no verb"
complete_words rbacgraph who-can get deploy | grep -qx deployments.apps || fail "who-can offers no resource"
touch "$work/export-file"
[ "$(cd "$work" && complete_words rbacgraph can-i get pods export-f)" = export-file ] ||
    fail "the PATH after the request is no file"
[ -z "$(complete_words rbacgraph check --fail-on zz)" ] || fail "'--fail-on zz' offers a value"

"$rbacgraph" completion zsh >"$work/_rbacgraph"
zsh -n "$work/_rbacgraph" || fail "the zsh script does not parse"
"$rbacgraph" completion fish >"$work/rbacgraph.fish"
grep -q "__fish_seen_subcommand_from check' -l fail-on -r -xa 'critical high" "$work/rbacgraph.fish" ||
    fail "fish lacks check --fail-on and its values"
grep -q "'--fail-on\[.*\]:value:(critical high" "$work/_rbacgraph" || fail "zsh lacks the values of --fail-on"

"$rbacgraph" man >"$work/rbacgraph.1"
head -1 "$work/rbacgraph.1" | grep -q '^\.TH RBACGRAPH 1 ' || fail "the man page has no .TH"
unknown=$(grep -E '^[.'"'"']' "$work/rbacgraph.1" | grep -vE '^\.(TH|SH|SS|TP|PP|B|nf|fi)( |$)' || true)
[ -z "$unknown" ] || fail "the man page has stray requests: $unknown"
grep -q 'one of: critical, high, medium, low, info, never' "$work/rbacgraph.1" || fail "the man page lacks --fail-on's values"
for command in can-i what-can who-can graph check rules diff; do
    grep -q "^\.SS $command\$" "$work/rbacgraph.1" || fail "the man page lacks $command"
done
echo "completion_test: bash completes, zsh parses, fish and the man page hold every command"
