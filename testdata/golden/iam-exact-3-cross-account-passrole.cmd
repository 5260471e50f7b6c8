check --cluster prod=testdata/iam-exact/prod testdata/iam-exact/3-cross-account-passrole.json --enable create-cluster-passrole
