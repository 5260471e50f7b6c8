check --cluster prod=testdata/eks-2026/cluster --kubernetes-version 1.34 --enable pod-exec --enable rbac-escalation --fail-on never
