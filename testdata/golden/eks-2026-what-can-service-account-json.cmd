what-can --user system:serviceaccount:ci:deployer --cluster prod=testdata/eks-2026/cluster testdata/eks-2026/iam.json -o json
