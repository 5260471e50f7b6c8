#!/usr/bin/env python3
"""Runs a composite GitHub Action's steps the way the runner does, in a simulated workspace.

The bash steps run for real (bash -e, with the GITHUB_OUTPUT / GITHUB_PATH / GITHUB_ENV files and the RUNNER_*
variables the runner sets, docs.github.com "Variables" and "Workflow commands"); `${{ }}` expressions are
evaluated with the operators the Action uses (==, !=, &&, ||, !, parentheses, string literals; docs.github.com
"Expressions"); actions/cache/restore and actions/cache/save are simulated with a directory per key.
Any other `uses:` is an error, so a step this simulator does not understand cannot pass unseen.

Usage: action_sim.py ACTION_YML --workspace DIR --cache DIR [--input NAME=VALUE]...
Prints {"outputs": {...}, "steps": {id: {"outcome", "outputs"}}, "failed": step name or null} as JSON and
exits with the failing step's status (0 when every step succeeded)."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml


class Expr:
    """A recursive-descent evaluator for the subset of the expression syntax the Action uses."""

    TOKEN = re.compile(r"\s*(\|\||&&|==|!=|!|\(|\)|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_.\-]*)")

    def __init__(self, text, context):
        self.tokens = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            match = self.TOKEN.match(text, pos)
            if not match:
                raise ValueError(f"expression: cannot read {text[pos:]!r} in {text!r}")
            self.tokens.append(match.group(1))
            pos = match.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.context = context
        self.at = 0

    def evaluate(self):
        value = self.disjunction()
        if self.at != len(self.tokens):
            raise ValueError(f"expression: unexpected {self.tokens[self.at]!r}")
        return value

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self):
        self.at += 1
        return self.tokens[self.at - 1]

    def disjunction(self):
        value = self.conjunction()
        while self.peek() == "||":
            self.take()
            right = self.conjunction()
            value = value if truthy(value) else right
        return value

    def conjunction(self):
        value = self.comparison()
        while self.peek() == "&&":
            self.take()
            right = self.comparison()
            value = right if truthy(value) else value
        return value

    def comparison(self):
        left = self.unary()
        if self.peek() in ("==", "!="):
            operator = self.take()
            right = self.unary()
            equal = as_text(left).lower() == as_text(right).lower()  # string comparison ignores case
            return equal if operator == "==" else not equal
        return left

    def unary(self):
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        if self.peek() == "(":
            self.take()
            value = self.disjunction()
            if self.take() != ")":
                raise ValueError("expression: missing )")
            return value
        token = self.take()
        if token.startswith("'"):
            return token[1:-1].replace("''", "'")
        if token in ("true", "false"):
            return token == "true"
        return self.context(token)


def truthy(value):
    return value if isinstance(value, bool) else value not in ("", None)


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def substitute(text, context):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: as_text(Expr(m.group(1), context).evaluate()), str(text))


def read_command_file(path):
    """KEY=VALUE lines of GITHUB_OUTPUT / GITHUB_ENV (the heredoc form is not used by the Action)."""
    values = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as file:
            for line in file.read().splitlines():
                if "=" in line:
                    key, value = line.split("=", 1)
                    values[key] = value
    return values


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("--input", action="append", default=[])
    # PREFIX=PATH: a restore of a key starting with PREFIX that the cache lacks hits with PATH (a source build
    # cached by an earlier run, without building it here).
    parser.add_argument("--seed-cache", action="append", default=[])
    options = parser.parse_args()
    with open(options.action, encoding="utf-8") as file:
        action = yaml.safe_load(file)
    given = dict(item.split("=", 1) for item in options.input)
    unknown = set(given) - set(action["inputs"])
    if unknown:
        sys.exit(f"action_sim: the Action has no input {sorted(unknown)}")
    inputs = {name: given.get(name, str(spec.get("default", ""))) for name, spec in action["inputs"].items()}
    missing = [n for n, spec in action["inputs"].items() if spec.get("required") and not inputs[n]]
    if missing:
        sys.exit(f"action_sim: required inputs missing: {missing}")

    workspace = os.path.abspath(options.workspace)
    runner_temp = tempfile.mkdtemp(prefix="runner-temp-", dir=workspace)
    env = dict(os.environ)
    env.update({
        "GITHUB_ACTION_PATH": os.path.dirname(os.path.abspath(options.action)),
        "GITHUB_WORKSPACE": workspace,
        "RUNNER_TEMP": runner_temp,
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": "X64",
    })
    path_file = os.path.join(runner_temp, "path")
    env_file = os.path.join(runner_temp, "env")
    steps = {}
    runner = {"temp": runner_temp, "os": "Linux", "arch": "X64"}

    def context(name):
        parts = name.split(".")
        if parts[0] == "inputs":
            return inputs.get(parts[1], "")
        if parts[0] == "steps" and len(parts) == 4 and parts[2] in ("outputs", "outcome"):
            return steps.get(parts[1], {}).get("outputs", {}).get(parts[3], "")
        if parts[0] == "runner":
            return runner[parts[1]]
        raise ValueError(f"action_sim: unknown context {name}")

    failed, status = None, 0
    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{index}")
        name = substitute(step.get("name", step_id), context)
        if "if" in step and not truthy(Expr(step["if"], context).evaluate()):
            steps[step_id] = {"outcome": "skipped", "outputs": {}}
            continue
        outputs = {}
        if "uses" in step:
            uses, spec = step["uses"], {k: substitute(v, context) for k, v in step.get("with", {}).items()}
            entry = os.path.join(os.path.abspath(options.cache), re.sub(r"[^A-Za-z0-9._-]", "_", spec["key"]))
            if uses.startswith("actions/cache/restore@"):
                seeded = [path for prefix, path in (s.split("=", 1) for s in options.seed_cache)
                          if spec["key"].startswith(prefix)]
                source = entry if os.path.exists(entry) else (seeded[0] if seeded else None)
                hit = source is not None
                if hit:
                    target = spec["path"]
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    (shutil.copytree if os.path.isdir(source) else shutil.copy2)(source, target)
                outputs = {"cache-hit": "true" if hit else "false"}
            elif uses.startswith("actions/cache/save@"):
                if not os.path.exists(entry):  # a key is written once, as the real cache does
                    os.makedirs(os.path.dirname(entry), exist_ok=True)
                    (shutil.copytree if os.path.isdir(spec["path"]) else shutil.copy2)(spec["path"], entry)
            else:
                sys.exit(f"action_sim: step {name!r} uses {uses}, which this simulator does not know")
        else:
            output_file = os.path.join(runner_temp, f"output-{index}")
            step_env = dict(env)
            step_env.update(read_command_file(env_file))
            added = open(path_file, encoding="utf-8").read().split() if os.path.exists(path_file) else []
            step_env["PATH"] = os.pathsep.join(list(reversed(added)) + [env["PATH"]])
            step_env.update({"GITHUB_OUTPUT": output_file, "GITHUB_PATH": path_file, "GITHUB_ENV": env_file})
            step_env.update({k: substitute(v, context) for k, v in step.get("env", {}).items()})
            script = substitute(step["run"], context)
            print(f"action_sim: == {name}", file=sys.stderr, flush=True)
            # The runner's bash shell: bash --noprofile --norc -eo pipefail {0}
            result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                                    cwd=workspace, env=step_env, check=False, stdout=sys.stderr)
            outputs = read_command_file(output_file)
            if result.returncode != 0:
                steps[step_id] = {"outcome": "failure", "outputs": outputs}
                failed, status = name, result.returncode
                break
        steps[step_id] = {"outcome": "success", "outputs": outputs}
    action_outputs = {}
    for output, spec in action.get("outputs", {}).items():
        action_outputs[output] = substitute(spec["value"], context)
    print(json.dumps({"outputs": action_outputs, "steps": steps, "failed": failed}, indent=1))
    shutil.rmtree(runner_temp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
