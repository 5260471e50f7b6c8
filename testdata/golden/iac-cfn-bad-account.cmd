check testdata/iac/cloudformation/cluster-access.yaml --aws-account-id 1234
