what-can arn:aws:iam::111122223333:role/role-name-1 testdata/iac/eksctl/eksctl-examples-40-access-entries.yaml
