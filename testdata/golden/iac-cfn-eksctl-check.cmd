check testdata/iac/cloudformation/eksctl-cfn-builder-access_entry-3.json --fail-on never
