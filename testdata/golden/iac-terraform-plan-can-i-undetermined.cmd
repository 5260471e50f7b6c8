can-i delete nodes --arn arn:aws:iam::111122223333:role/someone-new testdata/iac/terraform/plan-access.json
