check --cluster prod=testdata/eks-2026/cluster testdata/eks-2026/iam.json --fail-on never
