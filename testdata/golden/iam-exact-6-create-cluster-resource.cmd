check --cluster prod=testdata/iam-exact/prod testdata/iam-exact/6-create-cluster-resource.json --enable create-cluster-passrole
