check --kubernetes-version latest testdata/eks-2026/cluster
