check testdata/eks-2026/cluster/rbac.yaml --enable pod-exec --enable rbac-escalation --fail-on never
