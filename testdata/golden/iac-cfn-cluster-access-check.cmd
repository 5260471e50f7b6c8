check testdata/iac/cloudformation/cluster-access.yaml --fail-on never
