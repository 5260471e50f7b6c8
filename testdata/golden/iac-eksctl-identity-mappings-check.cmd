check testdata/iac/eksctl/eksctl-examples-35-iamidentitymappings.yaml --fail-on never
