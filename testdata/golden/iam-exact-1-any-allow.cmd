can-i get pods --cluster prod=testdata/iam-exact/prod --arn arn:aws:iam::111122223333:user/x testdata/iam-exact/1-any-allow-statement.json
