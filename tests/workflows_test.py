#!/usr/bin/env python3
"""The CI artifacts users copy: action.yml, .github/workflows, .pre-commit-hooks.yaml, the Dockerfile and every
recipe of docs/ci.md (issue 31: the recipes had drifted into commands that failed as written).

  1. Every version and repository they name is the project's (CMakeLists.txt's VERSION, rbacgraph/rbacgraph).
  2. The Action's steps run in a simulated workspace (tests/action_sim.py) against a release made from the binary
     under test: downloaded and verified, then from the cache, a tampered tarball and a wrong pin refused, no
     release falling back to the source build, diff writing its comment, a bad command refused.
  3. docs/ci.md: every workflow's `uses: rbacgraph/rbacgraph@...` step runs through the simulator with the inputs
     it shows, every `rbacgraph ...` command in a `run:` or GitLab `script:` runs in the workspace (exit 0 or 1,
     every file it names written and readable), and the pre-commit recipe runs the hook's entry and args.
  4. The workflows (action.yml, .github/workflows/*.yml, docs/ci.md's) pass @action-validator/cli, with a broken
     workflow beside them that must fail (the validator is not a no-op).

Usage: workflows_test.py RBACGRAPH [--require-validator] [--source-build]
  --require-validator  install the pinned validator with npm when missing (scripts/test --full); without it a
                       missing validator skips part 4 only, said in the output and by exit code 77 at the end
  --source-build       the no-release scenario builds from source for real instead of a seeded source cache
"""
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import hashlib

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = os.path.join(ROOT, "tests", "action_sim.py")
VALIDATOR_PACKAGES = ["@action-validator/cli@0.6.0", "@action-validator/core@0.6.0"]
VALIDATOR_DIR = os.path.join(ROOT, "build", "tools", "action-validator")
REPOSITORY = "rbacgraph/rbacgraph"
failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}")


def check(condition, message):
    if not condition:
        fail(message)
    return condition


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as file:
        return re.search(r"project\(rbacgraph VERSION (\d+\.\d+\.\d+)", file.read()).group(1)


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as file:
        return file.read()


def test_names_and_versions(version):
    files = ["action.yml", ".pre-commit-hooks.yaml", "Dockerfile", "docs/ci.md", "docs/install.md"]
    files += sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, ".github/workflows/*.yml")))
    for path in files:
        text = read(path)
        check("OWNER" not in text, f"{path}: names the placeholder OWNER")
        for match in re.finditer(r"(?:github\.com/|ghcr\.io/|uses: )([\w.-]+/[\w.-]+?)(?=[@:/\s\"']|\.git)", text):
            if match.group(1).split("/")[1].startswith("rbacgraph"):
                check(match.group(1) == REPOSITORY, f"{path}: names {match.group(1)}, not {REPOSITORY}")
        for match in re.finditer(r"rbacgraph[-_:@/ ]v?(\d+\.\d+\.\d+)", text):
            check(match.group(1) == version, f"{path}: names version {match.group(1)}, the project is {version}")
    action = yaml.safe_load(read("action.yml"))
    check(action["inputs"].get("version", {}).get("default") == version, "action.yml: version's default is not the project's")
    hooks = {hook["id"]: hook for hook in yaml.safe_load(read(".pre-commit-hooks.yaml"))}
    image = hooks["rbacgraph-check"]["entry"].split()[0]
    check(image == f"ghcr.io/{REPOSITORY}:{version}", f".pre-commit-hooks.yaml: image {image}")
    check(hooks["rbacgraph-check"]["language"] == "docker_image", "the rbacgraph-check hook is not docker_image")
    check(hooks["rbacgraph-check-system"]["language"] == "system", "the system hook is not language: system")
    # The Dockerfile copies the tarball scripts/release names; the release workflow builds it with VERSION.
    release_script = read("scripts/release")
    check('name="rbacgraph-$version-linux-$(uname -m)"' in release_script, "scripts/release's tarball name changed")
    check("dist/rbacgraph-${VERSION}-linux-x86_64.tar.gz " in read("Dockerfile"), "Dockerfile: tarball name")
    check('--build-arg "VERSION=$version"' in read(".github/workflows/release.yml"), "release.yml: VERSION arg")


def make_release(binary, version, directory, tamper=False):
    """A release directory shaped as GitHub serves one: v{version}/{asset}.tar.gz and its .sha256."""
    asset = f"rbacgraph-{version}-linux-x86_64"
    tag_dir = os.path.join(directory, f"v{version}")
    os.makedirs(tag_dir, exist_ok=True)
    staging = tempfile.mkdtemp()
    os.makedirs(os.path.join(staging, asset))
    shutil.copy2(binary, os.path.join(staging, asset, "rbacgraph"))
    subprocess.run(["strip", os.path.join(staging, asset, "rbacgraph")], check=True)  # as scripts/release does
    tarball = os.path.join(tag_dir, asset + ".tar.gz")
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(os.path.join(staging, asset), arcname=asset)
    shutil.rmtree(staging)
    with open(tarball, "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()
    with open(tarball + ".sha256", "w", encoding="utf-8") as file:
        file.write(f"{digest}  {asset}.tar.gz\n")
    if tamper:
        with open(tarball, "ab") as file:
            file.write(b"\0")


def make_workspace(directory):
    """A repository checked out at the root, and base/ + head/ checkouts of a pull request that adds a grant."""
    demo = os.path.join(ROOT, "testdata", "demo")
    for checkout in ("", "base", "head"):
        shutil.copytree(demo, os.path.join(directory, checkout, "deploy", "rbac"), dirs_exist_ok=True)
        os.makedirs(os.path.join(directory, checkout, ".git"), exist_ok=True)  # as actions/checkout leaves it
    with open(os.path.join(directory, "head", "deploy", "rbac", "pr-grant.yaml"), "w", encoding="utf-8") as file:
        file.write("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
                   "metadata: {name: pr-admin}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, "
                   "name: cluster-admin}\nsubjects:\n- {kind: User, name: intern, apiGroup: rbac.authorization.k8s.io}\n")


def run_action(workspace, cache, inputs, seeds=()):
    command = [sys.executable, SIM, os.path.join(ROOT, "action.yml"), "--workspace", workspace, "--cache", cache]
    command += [f"--input={k}={v}" for k, v in inputs.items()]
    command += [f"--seed-cache={seed}" for seed in seeds]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = {"outputs": {}, "steps": {}, "failed": "(no report)"}
    report["status"] = result.returncode
    report["log"] = result.stderr
    return report


def rbacgraph_exit(binary, args, cwd):
    return subprocess.run([binary] + args, cwd=cwd, capture_output=True, text=True, check=False).returncode


def test_action(binary, version, source_build):
    scratch = tempfile.mkdtemp(prefix="rbacgraph-action-")
    workspace = os.path.join(scratch, "ws")
    make_workspace(workspace)
    releases, cache = os.path.join(scratch, "releases"), os.path.join(scratch, "cache")
    make_release(binary, version, releases)
    url = f"file://{releases}"
    expected = rbacgraph_exit(binary, ["check", "deploy/rbac", "--fail-on", "high"], workspace)
    check(expected in (0, 1), f"the check the Action runs exits {expected} when run directly")

    first = run_action(workspace, cache, {"paths": "deploy/rbac", "release-url": url})
    check(first["outputs"].get("installed-from") == "release", f"first run installed from {first['outputs']}")
    check(first["status"] == expected and first["outputs"].get("exit-code") == str(expected),
          f"first run: status {first['status']}, exit-code {first['outputs'].get('exit-code')}, want {expected}\n"
          + first["log"])
    check(first["outputs"].get("sarif") == "rbacgraph.sarif", "the sarif output is not the path written")
    sarif = os.path.join(workspace, "rbacgraph.sarif")
    check(os.path.exists(sarif) and json.load(open(sarif, encoding="utf-8"))["version"] == "2.1.0",
          "the SARIF the Action wrote is missing or not SARIF 2.1.0")
    check(first["outputs"].get("version", "").startswith(f"rbacgraph {version}"), "version output")

    # The cache serves the second run: the release is gone, and the binary still comes.
    shutil.rmtree(releases)
    os.remove(sarif)
    second = run_action(workspace, cache, {"paths": "deploy/rbac", "release-url": url})
    check(second["outputs"].get("installed-from") == "cache", f"second run installed from {second['outputs']}")
    check(second["status"] == expected and os.path.exists(sarif), "second run (cache) did not run the check")

    # A tarball that does not match its published checksum stops the Action before anything runs.
    make_release(binary, version, releases, tamper=True)
    os.remove(sarif)
    tampered = run_action(workspace, os.path.join(scratch, "cache2"), {"paths": "deploy/rbac", "release-url": url})
    check(tampered["status"] == 2 and "does not match its published checksum" in tampered["log"],
          f"a tampered tarball was not refused (status {tampered['status']})")
    check(not os.path.exists(sarif) and tampered["steps"].get("run", {}).get("outcome") is None,
          "the check ran on a tampered binary")
    shutil.rmtree(releases)

    # The sha256 pin: wrong refused, right accepted (its positive control).
    make_release(binary, version, releases)
    wrong = run_action(workspace, os.path.join(scratch, "cache3"),
                       {"paths": "deploy/rbac", "release-url": url, "sha256": "0" * 64})
    check(wrong["status"] == 2 and "does not match the sha256 input" in wrong["log"], "a wrong pin was accepted")
    with open(os.path.join(releases, f"v{version}", f"rbacgraph-{version}-linux-x86_64.tar.gz"), "rb") as file:
        pinned = hashlib.sha256(file.read()).hexdigest()
    right = run_action(workspace, os.path.join(scratch, "cache4"),
                       {"paths": "deploy/rbac", "release-url": url, "sha256": pinned})
    check(right["status"] == expected and right["outputs"].get("installed-from") == "release",
          f"the right pin was refused: {right['log']}")

    # No release holds the version: the source build (seeded as a cache hit, or built for real).
    empty = os.path.join(scratch, "no-releases")
    os.makedirs(empty)
    seeds = () if source_build else (f"rbacgraph-source-={binary}",)
    source = run_action(workspace, os.path.join(scratch, "cache5"),
                        {"paths": "deploy/rbac", "release-url": f"file://{empty}"}, seeds)
    check(source["outputs"].get("installed-from") == "source" and source["status"] == expected,
          f"no release: installed from {source['outputs'].get('installed-from')}, status {source['status']}\n"
          + source["log"][-3000:])
    check("no release at" in source["log"], "no release: the log does not say why it builds from source")

    # diff: the comment's Markdown (with its marker) and the JSON, paths as outputs; the grant fails the gate.
    diff = run_action(workspace, cache, {"command": "diff", "paths": "base/deploy/rbac head/deploy/rbac",
                                         "json": "access-diff.json", "release-url": url})
    markdown = os.path.join(workspace, "rbacgraph-diff.md")
    check(diff["status"] == 1 and diff["outputs"].get("exit-code") == "1", f"diff status {diff['status']}")
    check(diff["outputs"].get("markdown") == "rbacgraph-diff.md" and diff["outputs"].get("json") == "access-diff.json",
          f"diff outputs {diff['outputs']}")
    check(os.path.exists(markdown) and open(markdown, encoding="utf-8").read().startswith("<!-- rbacgraph-diff -->"),
          "the diff Markdown lacks the marker that lets a workflow update its comment")
    json.load(open(os.path.join(workspace, "access-diff.json"), encoding="utf-8"))
    # The comment names files as the pull request does: head/deploy/... is deploy/... of the repository.
    comment = open(markdown, encoding="utf-8").read() if os.path.exists(markdown) else ""
    check("| deploy/rbac/pr-grant.yaml:" in comment and "head/deploy" not in comment,
          "the comment does not name the repository's path of the new finding")

    bad = run_action(workspace, cache, {"command": "apply", "paths": "deploy/rbac", "release-url": url})
    check(bad["status"] == 2 and "command must be check or diff" in bad["log"], "a bad command was not refused")
    shutil.rmtree(scratch)


def fenced_blocks(markdown, language):
    return re.findall(rf"^```{language}\n(.*?)^```", markdown, flags=re.S | re.M)


def rbacgraph_lines(script):
    return [line.strip() for line in script.splitlines() if line.strip().startswith("rbacgraph ")]


def run_documented_command(binary, line, cwd, where):
    """A command as docs/ci.md shows it, with `rbacgraph` the binary under test; bash runs the rest of the line."""
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(binary)) + os.pathsep + os.environ["PATH"])
    result = subprocess.run(["bash", "-c", f"{line}; exit ${{status:-$?}}"], cwd=cwd, env=env, capture_output=True,
                            text=True, check=False)
    if not check(result.returncode in (0, 1), f"{where}: `{line}` exits {result.returncode}: {result.stderr[-800:]}"):
        return
    for target in re.findall(r"-o\s+[\w-]+=(\S+)", line):
        path = os.path.join(cwd, target)
        if check(os.path.exists(path), f"{where}: `{line}` did not write {target}") and target.endswith(".json"):
            json.load(open(path, encoding="utf-8"))


def test_recipes(binary, version, validate):
    markdown = read("docs/ci.md")
    scratch = tempfile.mkdtemp(prefix="rbacgraph-recipes-")
    ran = {"workflows": 0, "action steps": 0, "commands": 0, "hooks": 0}
    releases = os.path.join(scratch, "releases")
    make_release(binary, version, releases)
    for index, block in enumerate(fenced_blocks(markdown, "yaml")):
        document = yaml.safe_load(block)
        where = f"docs/ci.md yaml block {index + 1}"
        workspace = os.path.join(scratch, f"ws{index}")
        make_workspace(workspace)
        if "jobs" in document:  # a GitHub workflow
            ran["workflows"] += 1
            validate(block, where)
            # upload-sarif needs security-events: write, and actions: read in a private repository (issue 31:
            # the recipe lacked it); a comment needs pull-requests: write.
            permissions = document.get("permissions", {})
            uses_all = [step.get("uses", "") for job in document["jobs"].values() for step in job.get("steps", [])]
            runs_all = " ".join(step.get("run", "") for job in document["jobs"].values()
                                for step in job.get("steps", []))
            if any(u.startswith("github/codeql-action/upload-sarif") for u in uses_all):
                check(permissions.get("security-events") == "write" and permissions.get("actions") == "read",
                      f"{where}: uploads SARIF without security-events: write and actions: read")
            if "gh pr comment" in runs_all or "issues/comments" in runs_all:
                check(permissions.get("pull-requests") == "write", f"{where}: comments without pull-requests: write")
            for job in document["jobs"].values():
                for step in job.get("steps", []):
                    uses = step.get("uses", "")
                    if uses.startswith(REPOSITORY + "@"):
                        check(uses == f"{REPOSITORY}@v{version}", f"{where}: uses {uses}")
                        inputs = {k: str(v) for k, v in step.get("with", {}).items()}
                        baseline = re.search(r"--baseline[= ](\S+)", inputs.get("args", ""))
                        if baseline:  # written first, as docs/ci.md says to
                            subprocess.run([binary, "check", *inputs["paths"].split(), "--write-baseline",
                                            baseline.group(1)], cwd=workspace, capture_output=True, check=True)
                        inputs["release-url"] = f"file://{releases}"
                        report = run_action(workspace, os.path.join(workspace, ".cache"), inputs)
                        check(report["status"] in (0, 1) and report["failed"] in (None, f"Run rbacgraph {inputs.get('command', 'check')}"),
                              f"{where}: the Action step failed: {report['failed']} {report['log'][-1500:]}")
                        for output in ("sarif", "markdown", "json"):
                            if report["outputs"].get(output):
                                check(os.path.exists(os.path.join(workspace, report["outputs"][output])),
                                      f"{where}: the Action's {output} output names a file it did not write")
                        ran["action steps"] += 1
                    for line in rbacgraph_lines(step.get("run", "")):
                        run_documented_command(binary, line, workspace, where)
                        ran["commands"] += 1
        elif "repos" in document:  # .pre-commit-config.yaml: the hook's entry, then the args the recipe gives
            hooks = {hook["id"]: hook for hook in yaml.safe_load(read(".pre-commit-hooks.yaml"))}
            for repo in document["repos"]:
                check(repo["repo"] == f"https://github.com/{REPOSITORY}" and repo["rev"] == f"v{version}",
                      f"{where}: repo {repo['repo']}@{repo['rev']}")
                for hook in repo["hooks"]:
                    check(hook["id"] in hooks, f"{where}: hook {hook['id']} is not in .pre-commit-hooks.yaml")
                    defined = hooks.get(hook["id"], {"entry": "rbacgraph", "language": "system"})
                    words = shlex.split(defined["entry"])
                    if defined["language"] == "docker_image":
                        words = ["rbacgraph"] + words[1:]  # the image's entry point is the same binary
                    args = hook.get("args", defined.get("args", []))
                    run_documented_command(binary, shlex.join(words + args), os.path.join(workspace, "head"), where)
                    ran["hooks"] += 1
        else:  # GitLab CI: jobs with script lines, run from the repository root (head), the base beside it
            for name, job in document.items():
                for line in job.get("script", []) if isinstance(job, dict) else []:
                    if line.startswith("rbacgraph "):
                        shutil.copytree(os.path.join(workspace, "base"), os.path.join(scratch, "base"),
                                        dirs_exist_ok=True)
                        run_documented_command(binary, line, os.path.join(workspace, "head"), f"{where} {name}")
                        ran["commands"] += 1
    print(f"docs/ci.md recipes run: {ran}")
    check(ran["workflows"] >= 3 and ran["action steps"] >= 2 and ran["commands"] >= 3 and ran["hooks"] >= 1,
          f"docs/ci.md: fewer recipes ran than it shows ({ran})")
    shutil.rmtree(scratch)


def validator(required):
    binary = os.path.join(VALIDATOR_DIR, "node_modules", ".bin", "action-validator")
    if not os.path.exists(binary) and required:
        os.makedirs(VALIDATOR_DIR, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", VALIDATOR_DIR]
                       + VALIDATOR_PACKAGES, check=True)
    return binary if os.path.exists(binary) else None


def main():
    args = sys.argv[1:]
    binary = os.path.abspath(args[0])
    version = project_version()
    tool = validator("--require-validator" in args)
    scratch = tempfile.mkdtemp(prefix="rbacgraph-validate-")

    def validate(text, where, kind="workflow"):
        if tool is None:
            return
        name = "action.yml" if kind == "action" else os.path.join(".github", "workflows", "w.yml")
        path = os.path.join(scratch, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        result = subprocess.run([tool, path], capture_output=True, text=True, check=False)
        check(result.returncode == 0, f"{where}: action-validator: {result.stdout[-1500:]}{result.stderr[-500:]}")

    test_names_and_versions(version)
    test_action(binary, version, "--source-build" in args)
    test_recipes(binary, version, validate)
    if tool is not None:
        validate(read("action.yml"), "action.yml", kind="action")
        for path in sorted(glob.glob(os.path.join(ROOT, ".github/workflows/*.yml"))):
            validate(open(path, encoding="utf-8").read(), os.path.relpath(path, ROOT))
        broken = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: true\n        bogus: 1\n"
        path = os.path.join(scratch, ".github", "workflows", "broken.yml")
        with open(path, "w", encoding="utf-8") as file:
            file.write(broken)
        result = subprocess.run([tool, path], capture_output=True, text=True, check=False)
        check(result.returncode != 0, "action-validator accepted a broken workflow: it checks nothing")
    shutil.rmtree(scratch)
    if failures:
        print(f"workflows_test: {len(failures)} failure(s)")
        return 1
    if tool is None:
        print("workflows_test: SKIPPED part 4: @action-validator/cli is not installed "
              "(scripts/test --full installs it: tests/workflows_test.py RBACGRAPH --require-validator)")
        return 77
    print("workflows_test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
