check testdata/iac/eksctl/eksctl-examples-39-pod-identity-association.yaml --fail-on never
