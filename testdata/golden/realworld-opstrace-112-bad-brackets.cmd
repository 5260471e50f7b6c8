check testdata/realworld/eks-issues/opstrace-112-bad-brackets.yaml --fail-on never
