diff testdata/iac/cloudformation/eksctl-cfn-builder-access_entry-1.json testdata/iac/cloudformation/eksctl-cfn-builder-access_entry-3.json --fail-on medium
