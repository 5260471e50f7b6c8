check testdata/iac/terraform/plan-access.json --fail-on never
