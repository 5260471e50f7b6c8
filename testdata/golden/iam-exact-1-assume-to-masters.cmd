check --cluster prod=testdata/iam-exact/prod testdata/iam-exact/1-any-allow-statement.json --enable assume-to-masters --fail-on never
