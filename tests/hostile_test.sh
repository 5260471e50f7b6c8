#!/usr/bin/env bash
# The sh -c and bash -c scripts below are single-quoted on purpose: they expand their own "$0" and "$1".
# shellcheck disable=SC2016
# Hostile and careless inputs and output targets (issue 28), run against the real binary: nothing crashes,
# nothing hangs, no write that failed is reported as success, and every case has its positive control.
# Usage: hostile_test.sh RBACGRAPH (run from the source directory).
set -uo pipefail
rbacgraph=$1
work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
fail() {
    echo "hostile_test: $*" >&2
    failures=$((failures + 1))
}
# expect_exit WANT DESCRIPTION COMMAND...: the command's exit code is WANT (and never a signal's, >= 128).
expect_exit() {
    local want=$1 what=$2
    shift 2
    timeout 60 "$@" >"$work/out" 2>"$work/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, expected $want"
        head -c 600 "$work/err" >&2
    fi
}

admin_binding() {  # admin_binding SUBJECT-NAME: a ClusterRoleBinding of cluster-admin to a User
    printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\n'
    printf 'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n'
    printf 'subjects: [{kind: User, name: "%s", apiGroup: rbac.authorization.k8s.io}]\n' "$1"
}
admin_binding alice >"$work/good.yaml"
printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: User, name: "mal\xffory", apiGroup: rbac.authorization.k8s.io}]\n' >"$work/latin1.yaml"
latin1_name="$work/"$'mal\xffory.yaml'
cp "$work/good.yaml" "$latin1_name"

# 1. Invalid UTF-8 inside YAML: go-yaml v2 (kubectl) refuses the document, and so does rbacgraph, naming the
#    line and the byte. A name can still carry such bytes (a Latin-1 file name, --user): it reaches every JSON
#    writer as valid JSON with U+FFFD in place of the byte.
expect_exit 2 "check over invalid UTF-8 in YAML" "$rbacgraph" check "$work/latin1.yaml"
grep -q "latin1.yaml:5:.*byte 0xFF is not UTF-8" "$work/err" || fail "invalid UTF-8 in YAML: no error naming the line and byte"
for format in json sarif gitlab-sast; do
    expect_exit 1 "check -o $format over an invalid UTF-8 file name" "$rbacgraph" check "$latin1_name" -o "$format"
    python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$work/out" ||
        fail "check -o $format over an invalid UTF-8 file name is not valid JSON"
    # JSON fields carry U+FFFD, SARIF URIs %FF; GitLab's Markdown description shows \xff (terminal_text).
    grep -q -F -e $'mal\xef\xbf\xbdory' -e 'mal\\\\xffory' -e 'mal%FFory' "$work/out" || fail "check -o $format: the byte is not replaced"
done
expect_exit 1 "check -o junit over an invalid UTF-8 file name" "$rbacgraph" check "$latin1_name" -o junit
xmllint --noout "$work/out" || fail "JUnit over an invalid UTF-8 file name is not well-formed XML"
expect_exit 0 "who-can -o json over an invalid UTF-8 file name" "$rbacgraph" who-can get pods "$latin1_name" -o json
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/out" || fail "who-can -o json: invalid JSON"
expect_exit 0 "graph -o json over an invalid UTF-8 file name" "$rbacgraph" graph "$latin1_name" -o json
expect_exit 1 "can-i -o json for an invalid UTF-8 user" "$rbacgraph" can-i get secrets --user $'b\xffb' \
    "$work/good.yaml" -o json
# Positive control: the valid name is written as it is.
expect_exit 1 "check -o json over a valid name" "$rbacgraph" check "$work/good.yaml" -o json
grep -q '"User alice' "$work/out" || grep -q 'alice' "$work/out" || fail "the valid name is not in the JSON"

# 2. Unreadable standard input: an error naming it, exit 2, no abort.
expect_exit 2 "check - < a directory" "$rbacgraph" check - <.
grep -q "<stdin>: error: cannot read: it is a directory" "$work/err" || fail "stdin directory: no clear error"
expect_exit 2 "check - with stdin closed" "$rbacgraph" check - <&-
grep -q "<stdin>: error: cannot read" "$work/err" || fail "closed stdin: no clear error"
expect_exit 1 "check - < a file (positive control)" "$rbacgraph" check - <"$work/good.yaml"

# 3. /dev/stdin, process substitution and a FIFO named on the command line are read (kubectl -f reads them).
expect_exit 1 "check /dev/stdin" "$rbacgraph" check /dev/stdin <"$work/good.yaml"
expect_exit 1 "check <(cat FILE)" "$rbacgraph" check <(cat "$work/good.yaml")
mkfifo "$work/named.fifo"
(cat "$work/good.yaml" >"$work/named.fifo" &)
expect_exit 1 "check a FIFO named on the command line" "$rbacgraph" check "$work/named.fifo"
timeout 2 cat "$work/named.fifo" >/dev/null 2>&1  # releases the writer if the binary did not read it

# 4. A lone CR ends lines in YAML (YAML 1.2 section 5.4; go-yaml v2): read, not "illegal map value".
tr '\n' '\r' <"$work/good.yaml" >"$work/cr.yaml"
expect_exit 1 "check a CR-only file" "$rbacgraph" check "$work/cr.yaml" -o json
grep -q "cluster-admin-binding" "$work/out" || fail "CR-only file: the binding was not read"

# 5. A directory walk: hidden files read (kubectl apply -f DIR applies them); what cannot or will not be read
#    is named; the rest is still read.
mkdir -p "$work/tree/locked" "$work/tree/.hidden"
admin_binding sneaky >"$work/tree/.sneaky.yaml"
admin_binding deep | sed 's/name: x}/name: deep}/' >"$work/tree/.hidden/deep.yaml"
ln -s nowhere.yaml "$work/tree/dangling.yaml"
mkfifo "$work/tree/pipe.yaml"
admin_binding locked | sed 's/name: x}/name: locked}/' >"$work/tree/locked/z.yaml"
walk=("$rbacgraph" who-can '*' '*' "$work/tree" --allow-partial)
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    # root reads every directory: the unreadable one is tested as nobody.
    chmod 755 "$work" && chmod -R o+rX "$work/tree" 2>/dev/null
    walk=(setpriv --reuid=65534 --regid=65534 --clear-groups "${walk[@]}")
fi
chmod 000 "$work/tree/locked"
expect_exit 0 "who-can over a hostile tree" "${walk[@]}"
grep -q -E "User +sneaky" "$work/out" || fail "the hidden file .sneaky.yaml was not read"
grep -q -E "User +deep" "$work/out" || fail "the file in a hidden directory was not read"
grep -q "dangling.yaml: error: dangling symbolic link" "$work/err" || fail "a dangling link is not named"
grep -q "pipe.yaml: warning: a FIFO" "$work/err" || fail "a FIFO in a directory is not named"
if [ "${walk[0]}" = setpriv ]; then
    grep -q "locked: error: cannot list the directory" "$work/err" || fail "an unreadable subdirectory is not named"
fi
chmod 755 "$work/tree/locked"

# 6. Writes that fail end in exit 2 with a message, whatever the findings.
expect_exit 2 "check -o json > /dev/full" "$rbacgraph" check "$work/good.yaml" --fail-on never -o json \
    -o json=/dev/full
expect_exit 2 "check > /dev/full" sh -c '"$0" check "$1" --fail-on never -o json >/dev/full' "$rbacgraph" \
    "$work/good.yaml"
grep -q "could not write the output to standard output" "$work/err" || fail "/dev/full: no message"
for command in "who-can get pods" "what-can --user alice" "rules" "graph"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$command > /dev/full" sh -c '"$0" '"$command"' "$1" >/dev/full' "$rbacgraph" "$work/good.yaml"
done
# The report must outgrow the pipe's buffer (64 KiB), or it is written whole before the reader goes.
for i in $(seq 1 3000); do admin_binding "user-$i" | sed "s/name: x}/name: b-$i}/"; echo ---; done >"$work/large.yaml"
bash -c 'trap "" PIPE; "$0" check "$2" --fail-on never -o json 2>"$1" | head -c 1 >/dev/null; exit "${PIPESTATUS[0]}"' \
    "$rbacgraph" "$work/pipe.err" "$work/large.yaml"
[ $? -eq 2 ] || fail "EPIPE with SIGPIPE ignored: not exit 2"
# -o FMT=PATH: whole or unchanged; a failed write leaves the old report.
echo old-report >"$work/report.json"
expect_exit 2 "a file cut by EFBIG" bash -c 'trap "" XFSZ; ulimit -f 1; "$0" check testdata/demo --fail-on never -o json="$1"' \
    "$rbacgraph" "$work/report.json"
[ "$(cat "$work/report.json")" = old-report ] || fail "EFBIG left a cut report over the old one"
left_behind() {  # left_behind: whether a temporary report file remains in $work
    compgen -G "$work/.*.rbacgraph-*" >/dev/null
}
left_behind && fail "a temporary file was left behind"
# SIGXFSZ not ignored kills the run mid-write (as SIGINT would): the handler removes the temporary file, the old
# report stays, and the exit is the signal's (128 + 25), never 0.
(bash -c 'ulimit -f 1; exec "$0" check testdata/demo --fail-on never -o json="$1"' "$rbacgraph" "$work/report.json" \
    >/dev/null 2>&1; echo $? >"$work/status") 2>/dev/null  # (the shell's "File size limit exceeded" line)
status=$(cat "$work/status")
[ "$status" -eq 153 ] || fail "killed by SIGXFSZ mid-write: exit $status, expected 153"
[ "$(cat "$work/report.json")" = old-report ] || fail "a run killed mid-write left a cut report"
left_behind && fail "a run killed mid-write left its temporary file"
# SIGINT (Ctrl-C) at several moments of a run that writes -o json=PATH: exit 130, the old report unchanged, no
# temporary file (the handler is the one SIGXFSZ tested mid-write above).
# A background job of a script starts with SIGINT ignored (POSIX), which rbacgraph keeps; the launcher restores
# the default, as an interactive shell's foreground job has it.
for _ in $(seq 1 20); do cat "$work/large.yaml"; done >"$work/larger.yaml"
interrupted=0
for delay in 0.05 0.2 0.4 0.8; do
    python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
        "$rbacgraph" check "$work/larger.yaml" --fail-on never -o json="$work/report.json" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    status=$?
    # A run that finished before the signal wrote its whole report (exit 0); one that was stopped exits 130.
    if [ "$status" -eq 130 ]; then
        interrupted=$((interrupted + 1))
        [ "$(cat "$work/report.json")" = old-report ] || fail "SIGINT after $delay s changed the report"
    elif [ "$status" -eq 0 ]; then
        python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/report.json" || fail "the report is not whole"
        echo old-report >"$work/report.json"
    else
        fail "SIGINT after $delay s: exit $status, expected 130 (or 0 if it had finished)"
    fi
    left_behind && fail "SIGINT after $delay s left a temporary file"
done
[ "$interrupted" -gt 0 ] || fail "no run was interrupted by SIGINT: the test did not test it"
expect_exit 0 "-o json=PATH (positive control)" "$rbacgraph" check "$work/good.yaml" --fail-on never -o json="$work/report.json"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/report.json" || fail "the report is not whole"
# Two runs writing one path at once: each rename is atomic, so the survivor is one whole report.
for _ in 1 2 3; do
    "$rbacgraph" check testdata/demo --fail-on never -o json="$work/race.json" 2>/dev/null &
    "$rbacgraph" check testdata/demo --fail-on never -o json="$work/race.json" 2>/dev/null &
    wait
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/race.json" || fail "concurrent writes corrupted the report"
done
expect_exit 2 "two -o to one path" "$rbacgraph" check "$work/good.yaml" -o json="$work/a.json" -o sarif="$work/./a.json"
grep -q "write the same file" "$work/err" || fail "two outputs to one path: no message"

# 7. Depth: a batch id nesting 70,000 levels is one error line and the rest is answered; --max-depth has a ceiling.
python3 -c '
print("{\"id\": " + "[" * 70000 + "]" * 70000 + ", \"user\": \"alice\", \"verb\": \"get\", \"resource\": \"pods\"}")
print("{\"id\": 2, \"user\": \"alice\", \"verb\": \"get\", \"resource\": \"pods\"}")' >"$work/deep.jsonl"
expect_exit 2 "can-i --batch with a deep id (a line in error: exit 2)" "$rbacgraph" can-i --batch "$work/deep.jsonl" "$work/good.yaml"
grep -q '"error":"the line nests deeper than 64 levels"' "$work/out" || fail "deep batch id: no error line"
grep -q '"allowed":true.*"id":2' "$work/out" || fail "deep batch id: the next line was not answered"
python3 -c 'print("x: " + "[" * 100000 + "]" * 100000)' >"$work/deep.yaml"
expect_exit 2 "--max-depth 10000000" "$rbacgraph" check "$work/deep.yaml" --max-depth 10000000
expect_exit 2 "--max-depth -1" "$rbacgraph" check "$work/deep.yaml" --max-depth -1
expect_exit 2 "deep YAML at the ceiling" "$rbacgraph" check "$work/deep.yaml" --max-depth 1000
grep -q "nesting deeper than 1000 levels" "$work/err" || fail "deep YAML: no depth error"

# 8. A million empty documents: the warnings are capped (one million under a sanitizer stays well inside the
#    timeout; five million took 1.4 s and 15 MB with the release build, docs/cli.md).
python3 -c 'import sys; sys.stdout.write("{}" * 1000000)' >"$work/many.json"
expect_exit 2 "1M empty documents" "$rbacgraph" check "$work/many.json"
[ "$(wc -l <"$work/err")" -lt 40 ] || fail "1M empty documents: $(wc -l <"$work/err") lines of warnings"
grep -q "999990 more warnings" "$work/err" || fail "1M empty documents: the cut warnings are not counted"

# 9. Terminal text: escape sequences and carriage returns from names are shown, not obeyed.
admin_binding 'a\e[2K\rb' >"$work/esc.yaml"
expect_exit 1 "check with ESC in a name" "$rbacgraph" check "$work/esc.yaml"
grep -q 'a\\x1b\[2K\\x0db' "$work/out" || fail "ESC and CR in a name reach the terminal raw"
if grep -q $'\e' "$work/out" || grep -q $'\r' "$work/out"; then fail "a control byte reached the text output"; fi

# 10. Unclear options and files: a baseline of an unknown format, a directory given as --config, a misspelt
#     top-level field, an access entry whose principalArn is no ARN.
echo '{"rbacgraph_baseline": 99, "findings": []}' >"$work/b99.json"
expect_exit 2 "a baseline of format 99" "$rbacgraph" check "$work/good.yaml" --baseline "$work/b99.json"
grep -q "baseline format 99 is not one this rbacgraph reads" "$work/err" || fail "baseline 99: no message"
echo '{"rbacgraph_baseline": 1, "findings": []}' >"$work/b1.json"
expect_exit 1 "a baseline of format 1 (positive control)" "$rbacgraph" check "$work/good.yaml" --baseline "$work/b1.json"
expect_exit 2 "--config DIR" "$rbacgraph" check "$work/good.yaml" --config "$work"
grep -q "config file is a directory" "$work/err" || fail "--config DIR: no message"
printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrule: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n' >"$work/rule.yaml"
expect_exit 0 "a misspelt 'rule:'" "$rbacgraph" check "$work/rule.yaml"
grep -q "unknown field 'rule' is ignored" "$work/err" || fail "a misspelt top-level field is not warned about"
mkdir -p "$work/entry"
echo '{"cluster": {"name": "c", "version": "1.31", "accessConfig": {"authenticationMode": "API"}}}' >"$work/entry/cluster.json"
echo '{"accessEntry": {"clusterName": "c", "principalArn": "ARN:AWS:IAM::111122223333:ROLE/admin", "kubernetesGroups": ["admins"], "type": "STANDARD", "username": "admin"}}' >"$work/entry/entry.json"
admin_binding unused | sed 's/kind: User, name: "unused"/kind: Group, name: "admins"/' >"$work/entry/binding.yaml"
expect_exit 1 "an access entry whose principalArn is no ARN matches nobody" "$rbacgraph" can-i '*' '*' \
    --arn arn:aws:iam::111122223333:role/admin "$work/entry"
grep -q "can match nobody" "$work/err" || fail "an invalid principalArn is not warned about"
sed -i 's/ARN:AWS:IAM::111122223333:ROLE/arn:aws:iam::111122223333:role/' "$work/entry/entry.json"
expect_exit 0 "the same entry with a valid ARN (positive control)" "$rbacgraph" can-i '*' '*' \
    --arn arn:aws:iam::111122223333:role/admin "$work/entry"

[ "$failures" -eq 0 ] || { echo "hostile_test: $failures failure(s)" >&2; exit 1; }
echo "hostile_test: every hostile input and output target handled"
