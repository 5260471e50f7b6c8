who-can delete nodes testdata/iac/terraform/plan-access.json
