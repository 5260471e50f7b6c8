#!/usr/bin/env bash
# rbacgraph's YAML reader against the readers kubectl and aws-iam-authenticator use (issue 28): every YAML file
# of testdata/ and the cases of testdata/oracle/ must give the same documents, field by field, read by
# tests/oracle/read_yaml (rbacgraph's reader) and by tests/oracle/kubectl_yaml.go (kubectl's document cutting,
# go-yaml v2 + sigs.k8s.io/yaml: oracle_readings.go, built here from Debian's packages, offline). The
# kubectl_differential fuzz target compares the same readings on mutated input. Without a Go toolchain or
# those packages the test is skipped and says so (exit 77, which ctest reports as skipped, never as passed).
# Usage: reader_oracle_test.sh READ_YAML (run from the source directory).
set -euo pipefail
read_yaml=$1
gocode=/usr/share/gocode
if ! command -v go >/dev/null || [ ! -d "$gocode/src/gopkg.in/yaml.v2" ] || [ ! -d "$gocode/src/sigs.k8s.io/yaml" ]; then
    echo "reader_oracle_test: SKIPPED: needs golang-go, golang-gopkg-yaml.v2-dev and golang-k8s-sigs-yaml-dev (scripts/install-deps installs them)" >&2
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tests/oracle/kubectl_yaml.go tests/oracle/oracle_readings.go "$work/"
(cd "$work" && GOPATH=$gocode GO111MODULE=off GOFLAGS='' GOCACHE="$work/cache" GOPROXY=off go build -o kubectl_yaml kubectl_yaml.go oracle_readings.go)
# CloudFormation templates are read by CloudFormation, not kubectl: their short tags (!Ref) are functions.
mapfile -t files < <(find testdata \( -name '*.yaml' -o -name '*.yml' \) -not -path '*/cloudformation/*' | LC_ALL=C sort)
for file in "${files[@]}"; do
    "$work/kubectl_yaml" "$file" >/dev/null 2>&1 || continue
    echo "$file" >>"$work/files"
done
# Compared in Python: numbers by value, and a document the oracle refuses must be refused (or warned about)
# by rbacgraph too; a document kubectl reads must read the same.
python3 - "$work" "$read_yaml" <<'PYTHON'
import json, subprocess, sys, os
work = sys.argv[1]
failures = 0
compared = 0
declared = 0
for path in open(os.path.join(work, "files")).read().split("\n"):
    if not path:
        continue
    kubectl = subprocess.run([os.path.join(work, "kubectl_yaml"), path], capture_output=True).stdout.decode("utf-8", "replace")
    ours = subprocess.run([sys.argv[2] if len(sys.argv) > 2 else os.environ["READ_YAML"], path], capture_output=True).stdout.decode("utf-8", "replace")
    try:
        a = [json.loads(line) for line in kubectl.splitlines() if line]
        b = [json.loads(line) for line in ours.splitlines() if line]
    except RecursionError:
        continue  # nesting beyond Python's reader (the depth tests are elsewhere: hostile_test.sh)
    def refused(docs):
        return any(isinstance(d, dict) and "rbacgraph-oracle-error" in d for d in docs)
    if refused(a):
        # kubectl refuses the file from some document on; rbacgraph must not read a different document there.
        a = [d for d in a if not (isinstance(d, dict) and "rbacgraph-oracle-error" in d)]
        b = [d for d in b if not (isinstance(d, dict) and "rbacgraph-oracle-error" in d)][:len(a)]
    else:
        b = [d for d in b if not (isinstance(d, dict) and "rbacgraph-oracle-error" in d)] if not refused(b) else b
    compared += 1
    # A refusal that says the real readers read these bytes otherwise (NEL and the Unicode separators) is a
    # declared difference, loud by construction; it is counted, never silent.
    if a != b and any(isinstance(d, dict) and "would read this document differently" in d.get("rbacgraph-oracle-error", "") for d in b):
        declared += 1
        continue
    if a != b:
        failures += 1
        print(f"reader_oracle_test: {path} reads differently:\n  kubectl:   {json.dumps(a)[:600]}\n  rbacgraph: {json.dumps(b)[:600]}", file=sys.stderr)
print(f"reader_oracle_test: {compared} files compared with kubectl's reading, {failures} differ, {declared} refused as read differently", file=sys.stderr)
sys.exit(1 if failures else 0)
PYTHON
