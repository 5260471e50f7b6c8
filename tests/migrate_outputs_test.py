#!/usr/bin/env python3
"""rbacgraph migrate's commands and templates are its plan (issue 34): each output, read as its tool reads it,
holds exactly the access entries and policies of `migrate -o json`.

  aws-cli         sh -n accepts it; run with a fake `aws` on PATH that records each call, the calls are the
                  mode step and one create-access-entry / associate-access-policy per planned entry and
                  policy, and the irreversible step to API is not among them
  cloudformation  YAML (with CloudFormation's !Ref) whose AWS::EKS::AccessEntry resources are the entries
  eksctl          YAML whose accessConfig.accessEntries are the entries (the unit test also reads it back
                  through rbacgraph's own eksctl reader)
  aws-auth        the ConfigMap that remains: YAML whose data keys hold YAML lists (the unit test reads it back
                  beside the entries and finds the cluster of the proof's first step)
  terraform       parsed by @cdktf/hcl2json (HashiCorp's HCL parser compiled to WebAssembly, from npm):
                  aws_eks_access_entry and aws_eks_access_policy_association resources are the entries

Usage: migrate_outputs_test.py RBACGRAPH [--require-parser]
  --require-parser  install the pinned HCL parser with npm when missing (scripts/test --full); without it a
                    missing parser skips the Terraform part only, said in the output and by exit code 77
"""
import json
import os
import stat
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PARSER_PACKAGE = "@cdktf/hcl2json@0.21.0"
PARSER_DIR = os.path.join(ROOT, "build", "tools", "hcl2json")
CASES = [
    ["testdata/migrate/config-map", "--creator", "arn:aws:iam::111122223333:role/payments-creator"],
    ["testdata/demo"],
    ["testdata/migrate/eks-workshop"],
]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")
    return condition


def run(binary, args, fmt):
    result = subprocess.run([binary, "migrate", *args, "-o", fmt], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    check(result.returncode in (0, 1), f"migrate {args} -o {fmt} exits {result.returncode}: {result.stderr}")
    return result.stdout


def planned(plan_json):
    """(principal, type, username, groups, ((policy, scope type, namespaces), ...)) of every entry to create."""
    out = set()
    for entry in plan_json["plans"][0]["accessEntries"]:
        if entry["createdByEks"]:
            continue
        policies = tuple(sorted((p["policyArn"], p["accessScope"]["type"], tuple(p["accessScope"]["namespaces"]))
                                for p in entry["accessPolicies"]))
        out.add((entry["principalArn"], entry["type"], entry["username"], tuple(entry["kubernetesGroups"]),
                 policies))
    return out


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form intrinsic functions (!Ref), as cfn-lint reads templates."""


CloudFormationLoader.add_multi_constructor("!", lambda loader, tag, node: {tag[1:]: loader.construct_scalar(node)})


def check_aws_cli(binary, args, expected, where):
    script = run(binary, args, "aws-cli")
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "migrate.sh")
        with open(path, "w", encoding="utf-8") as file:
            file.write(script)
        check(subprocess.run(["sh", "-n", path], check=False).returncode == 0, f"{where}: sh -n refuses it")
        log = os.path.join(scratch, "calls.json")
        fake = os.path.join(scratch, "aws")
        with open(fake, "w", encoding="utf-8") as file:
            file.write(f"#!{sys.executable}\nimport json, sys\n"
                       f"with open({log!r}, 'a') as f: f.write(json.dumps(sys.argv[1:]) + '\\n')\n")
        os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
        env = dict(os.environ, PATH=scratch + os.pathsep + os.environ["PATH"], CLUSTER="given")
        result = subprocess.run(["sh", path], env=env, capture_output=True, text=True, check=False)
        check(result.returncode == 0, f"{where}: the script fails: {result.stderr}")
        calls = [json.loads(line) for line in open(log, encoding="utf-8")] if os.path.exists(log) else []
    entries, policies = {}, {}
    for call in calls:
        options = {}
        i = 2
        while i < len(call):
            values = []
            j = i + 1
            while j < len(call) and not call[j].startswith("--"):
                values.append(call[j])
                j += 1
            options[call[i]] = values
            i = j
        if call[:2] == ["eks", "create-access-entry"]:
            arn = options["--principal-arn"][0]
            entries[arn] = (arn, options.get("--type", ["STANDARD"])[0], options.get("--username", [None])[0],
                            tuple(options.get("--kubernetes-groups", [])))
        elif call[:2] == ["eks", "associate-access-policy"]:
            scope = dict(part.split("=", 1) for part in options["--access-scope"][0].split(",", 1))
            namespaces = tuple(scope["namespaces"].split(",")) if "namespaces" in scope else ()
            policies.setdefault(options["--principal-arn"][0], []).append(
                (options["--policy-arn"][0], scope["type"], namespaces))
        elif call[:2] == ["eks", "update-cluster-config"]:
            check("authenticationMode=API" not in call, f"{where}: the script switches to API mode itself")
    got = {entry + (tuple(sorted(policies.get(arn, []))),) for arn, entry in entries.items()}
    check(got == expected, f"{where}: the AWS CLI calls are not the plan:\n  got {sorted(got)}\n  want {sorted(expected)}")


def check_cloudformation(binary, args, expected, where):
    template = yaml.load(run(binary, args, "cloudformation"), Loader=CloudFormationLoader)
    got = set()
    for resource in (template.get("Resources") or {}).values():
        check(resource["Type"] == "AWS::EKS::AccessEntry", f"{where}: a resource of type {resource['Type']}")
        props = resource["Properties"]
        policies = tuple(sorted((p["PolicyArn"], p["AccessScope"]["Type"], tuple(p["AccessScope"].get("Namespaces", [])))
                                for p in props.get("AccessPolicies", [])))
        got.add((props["PrincipalArn"], props["Type"], props.get("Username"), tuple(props.get("KubernetesGroups", [])),
                 policies))
    check(got == expected, f"{where}: the CloudFormation template is not the plan:\n  got {sorted(got)}\n  want {sorted(expected)}")


def check_eksctl(binary, args, expected, where):
    config = yaml.safe_load(run(binary, args, "eksctl"))
    check(config["kind"] == "ClusterConfig" and config["apiVersion"] == "eksctl.io/v1alpha5", f"{where}: kind")
    got = set()
    for entry in config["accessConfig"]["accessEntries"] or []:
        policies = tuple(sorted((p["policyARN"], p["accessScope"]["type"], tuple(p["accessScope"].get("namespaces", [])))
                                for p in entry.get("accessPolicies", [])))
        got.add((entry["principalARN"], entry.get("type", "STANDARD"), entry.get("username"),
                 tuple(entry.get("kubernetesGroups", [])), policies))
    check(got == expected, f"{where}: the eksctl config is not the plan:\n  got {sorted(got)}\n  want {sorted(expected)}")


def check_aws_auth(binary, args, where):
    """The remaining ConfigMap: YAML whose data keys hold YAML lists, as aws-iam-authenticator parses them."""
    config_map = yaml.safe_load(run(binary, args, "aws-auth"))
    check(config_map["kind"] == "ConfigMap" and config_map["metadata"]["name"] == "aws-auth", f"{where}: kind")
    for key, value in (config_map.get("data") or {}).items():
        check(key in ("mapRoles", "mapAccounts"), f"{where}: aws-auth keeps {key}")
        check(isinstance(yaml.safe_load(value), list), f"{where}: aws-auth {key} is not a YAML list")


def hcl_parser(required):
    script = os.path.join(PARSER_DIR, "parse.mjs")
    module = os.path.join(PARSER_DIR, "node_modules", "@cdktf", "hcl2json")
    if not os.path.exists(module) and required:
        os.makedirs(PARSER_DIR, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", PARSER_DIR,
                        PARSER_PACKAGE], check=True)
    if not os.path.exists(module):
        return None
    with open(script, "w", encoding="utf-8") as file:
        file.write('import { parse } from "@cdktf/hcl2json";\nimport { readFileSync } from "fs";\n'
                   "const file = process.argv[2];\n"
                   "try { process.stdout.write(JSON.stringify(await parse(file, readFileSync(file, 'utf8')))); }\n"
                   "catch (e) { console.error(String(e)); process.exit(1); }\n")
    return script


def check_terraform(binary, args, expected, where, parser):
    text = run(binary, args, "terraform")
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "access-entries.tf")
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        result = subprocess.run(["node", parser, path], capture_output=True, text=True, check=False,
                                cwd=PARSER_DIR)
    if not check(result.returncode == 0, f"{where}: the HCL parser refuses it: {result.stderr}"):
        return
    resources = json.loads(result.stdout).get("resource", {})
    entries = {}
    for name, (body,) in resources.get("aws_eks_access_entry", {}).items():
        entries[name] = (body["principal_arn"], body["type"], body.get("user_name"),
                         tuple(body.get("kubernetes_groups", [])))
    policies = {}
    for body_list in resources.get("aws_eks_access_policy_association", {}).values():
        body = body_list[0]
        reference = body["principal_arn"]  # ${aws_eks_access_entry.NAME.principal_arn}
        name = reference.removeprefix("${aws_eks_access_entry.").removesuffix(".principal_arn}")
        check(name in entries, f"{where}: a policy association refers to {reference}, no entry of the file")
        scope = body["access_scope"][0]
        policies.setdefault(name, []).append((body["policy_arn"], scope["type"], tuple(scope.get("namespaces", []))))
    got = {entry + (tuple(sorted(policies.get(name, []))),) for name, entry in entries.items()}
    check(got == expected, f"{where}: the Terraform is not the plan:\n  got {sorted(got)}\n  want {sorted(expected)}")


def main():
    binary = os.path.abspath(sys.argv[1])
    parser = hcl_parser("--require-parser" in sys.argv)
    for args in CASES:
        where = "migrate " + " ".join(args)
        expected = planned(json.loads(run(binary, args, "json")))
        check(len(expected) > 0, f"{where}: the plan creates no entry: nothing would be tested")
        check_aws_cli(binary, args, expected, where)
        check_cloudformation(binary, args, expected, where)
        check_eksctl(binary, args, expected, where)
        check_aws_auth(binary, args, where)
        if parser:
            check_terraform(binary, args, expected, where, parser)
    if failures:
        print(f"migrate_outputs_test: {len(failures)} failure(s)")
        return 1
    if parser is None:
        print("migrate_outputs_test: SKIPPED the Terraform part: @cdktf/hcl2json is not installed "
              "(scripts/test --full installs it: tests/migrate_outputs_test.py RBACGRAPH --require-parser)")
        return 77
    print("migrate_outputs_test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
