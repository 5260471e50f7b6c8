check testdata/iac/eksctl/eksctl-examples-40-access-entries.yaml --fail-on never
