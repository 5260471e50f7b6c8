graph --focus "ServiceAccount ci/deployer" --cluster prod=testdata/eks-2026/cluster testdata/eks-2026/iam.json
