check --cluster prod=testdata/iam-exact/prod testdata/iam-exact/5-access-entry-resource.json --enable eks-api-escalation --fail-on never
