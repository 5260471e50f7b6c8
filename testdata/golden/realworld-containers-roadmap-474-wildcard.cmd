check testdata/realworld/eks-issues/containers-roadmap-474-wildcard.yaml --fail-on never
