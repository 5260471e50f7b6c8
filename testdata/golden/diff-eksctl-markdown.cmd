diff testdata/iac/eksctl/eksctl-examples-35-iamidentitymappings.yaml testdata/iac/eksctl/eksctl-examples-40-access-entries.yaml -o markdown --markdown-lines 5
