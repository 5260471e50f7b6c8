check testdata/iac/cloudformation/cdk-aws-auth.template.json --fail-on never
