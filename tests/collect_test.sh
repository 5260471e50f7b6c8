#!/usr/bin/env bash
# scripts/collect against fake kubectl and aws executables (testdata/collect/fake-*): the layout it writes, that it
# only reads (get/describe/list), that rbacgraph loads the result without errors, and that failures are reported.
#   tests/collect_test.sh RBACGRAPH_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
rbacgraph=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$PWD/testdata/collect/fake-kubectl" "$work/bin/kubectl"
ln -s "$PWD/testdata/collect/fake-aws" "$work/bin/aws"
export FAKE_LOG=$work/calls.log
fail() {
    echo "collect_test: $*" >&2
    exit 1
}

out=$work/export
PATH="$work/bin:$PATH" scripts/collect --out "$out" --cluster prod=prod-context --cluster staging=staging \
    --region eu-west-1 2>"$work/stderr" || fail "collect failed: $(cat "$work/stderr")"
for file in clusters/prod/rbac.json clusters/prod/aws-auth.json clusters/prod/workloads.json \
    clusters/prod/describe-cluster.json clusters/prod/access-entries/role-teams-platform.entry.json \
    clusters/prod/access-entries/role-teams-platform.policies.json clusters/staging/rbac.json \
    clusters/staging/describe-cluster.json clusters/prod/pod-identity/a-0123456789abcdef0.json \
    clusters/prod/capabilities/ack.json clusters/prod/capabilities/argo.json \
    clusters/staging/pod-identity/a-0123456789abcdef0.json iam/111122223333.json collect.log \
    clusters/prod/api-resources.txt clusters/staging/api-resources.txt; do
    [ -s "$out/$file" ] || fail "missing $file"
done
[ ! -e "$out/clusters/staging/aws-auth.json" ] || fail "a NotFound aws-auth must not leave a file"
grep -q "absent  .*staging/access-entries (CONFIG_MAP" "$out/collect.log" || fail "CONFIG_MAP cluster not noted"
grep -q "absent  .*staging/capabilities (EKS capabilities: this AWS CLI does not know list-capabilities" \
    "$out/collect.log" || fail "an AWS CLI without list-capabilities must be noted, not fail"
grep -q -- "--context prod-context" "$FAKE_LOG" || fail "the kubectl context was not used"
grep -q -- "--region eu-west-1" "$FAKE_LOG" || fail "the region was not used"
# Read-only: every call reads.
grep -q "partial .*staging/api-resources.txt: error: unable to retrieve" "$out/collect.log" ||
    fail "a partial api-resources list must be kept and noted"
if grep -vE '^kubectl (--context [^ ]+ )?(get |api-resources -o wide$)|^aws .*(eks (describe|list)-|sts get-caller-identity|iam get-account-authorization-details)' \
    "$FAKE_LOG"; then
    fail "a call that is not read-only (above)"
fi
grep -q "rbacgraph check --clusters $out/clusters $out/iam" "$work/stderr" || fail "no next-step hint"

# rbacgraph reads the export without errors and answers across both clusters.
"$rbacgraph" check --clusters "$out/clusters" "$out/iam" -o json --fail-on never >"$work/check.json" \
    2>"$work/check.err" || fail "check failed: $(cat "$work/check.err")"
grep -q '"errors": \[\]' "$work/check.json" || fail "the collected export has load errors: $(cat "$work/check.err")"
"$rbacgraph" can-i list pods -n web --arn arn:aws:iam::111122223333:user/alice --clusters "$out/clusters" \
    "$out/iam" >"$work/can-i.out" 2>/dev/null || fail "alice cannot list pods through developers"
grep -q "^prod: yes, as arn:aws:iam::111122223333:role/developers" "$work/can-i.out" || fail "$(cat "$work/can-i.out")"
# The Pod Identity association and the capabilities were read (loaded as documents, not skipped).
grep -q "EKS Pod Identity association" "$work/check.err" || fail "the Pod Identity association was not read"
grep -q "2 EKS capability" "$work/check.err" || fail "the capabilities were not read: $(cat "$work/check.err")"

# A failing call is reported, the rest is still collected, and the exit code says so.
: >"$FAKE_LOG"
if FAKE_FAIL="describe-cluster" PATH="$work/bin:$PATH" scripts/collect --out "$work/partial" --cluster prod \
    2>"$work/stderr"; then
    fail "a failed call must make collect exit non-zero"
fi
grep -q "FAILED  .*describe-cluster.json" "$work/partial/collect.log" || fail "failure not logged"
[ -s "$work/partial/clusters/prod/rbac.json" ] || fail "the rest was not collected"
[ ! -e "$work/partial/clusters/prod/describe-cluster.json" ] || fail "a failed call must not leave a file"

# Usage errors.
if scripts/collect --cluster prod 2>/dev/null; then fail "--out is required"; fi
if scripts/collect --out "$work/x" 2>/dev/null; then fail "a --cluster is required"; fi
echo "collect_test: ok"
