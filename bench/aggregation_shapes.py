#!/usr/bin/env python3
"""Writes the ClusterRole aggregation shapes docs/performance.md measures (issue 28) as one YAML stream.

  bench/aggregation_shapes.py labelled N > agg.yaml   N roles labelled into three aggregators, bound to groups
  bench/aggregation_shapes.py dense N > agg.yaml      N roles that each select all (one rule each)
  bench/aggregation_shapes.py chain N > agg.yaml      N roles, each selecting the next (one rule each)
"""
import sys


def role(name, labels, rule_index=None, selector=None):
    text = f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {name}\n"
    if labels:
        text += "  labels: {" + ", ".join(f'{k}: "{v}"' for k, v in labels.items()) + "}\n"
    if selector:
        text += "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {" + \
            ", ".join(f'{k}: "{v}"' for k, v in selector.items()) + "}\n"
    if rule_index is None:
        text += "rules: []\n"
    else:
        text += (f"rules:\n- apiGroups: [g{rule_index}.example.com]\n  resources: [things{rule_index}]\n"
                 "  verbs: [get, list, watch, create, update, patch, delete]\n")
    return text


def binding(name, group):
    return (f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: {name}}}\n"
            f"roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {name}}}\n"
            f"subjects: [{{kind: Group, name: team-{name}}}]\n")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("labelled", "dense", "chain"):
        sys.exit(__doc__)
    shape, count = sys.argv[1], int(sys.argv[2])
    documents = []
    if shape == "labelled":
        for i in range(count):
            labels = {"agg-admin": "true", "agg-edit": str(i % 2 == 0).lower(), "agg-view": str(i % 3 == 0).lower()}
            documents.append(role(f"crd-{i}", labels, i))
        for name, label in (("admin2", "agg-admin"), ("edit2", "agg-edit"), ("view2", "agg-view")):
            documents.append(role(name, {}, None, {label: "true"}))
            documents.append(binding(name, name))
    elif shape == "dense":
        for i in range(count):
            documents.append(role(f"r{i}", {"agg": "yes"}, i, {"agg": "yes"}))
    else:
        for i in range(count):
            documents.append(role(f"r{i}", {f"level{i}": "yes"}, i, {f"level{i + 1}": "yes"}))
    sys.stdout.write("---\n".join(documents))


main()
