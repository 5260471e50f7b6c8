check testdata/realworld/eks-issues/authenticator-268-role-path.yaml --fail-on never
