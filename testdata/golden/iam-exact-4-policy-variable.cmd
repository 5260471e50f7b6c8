can-i get pods --cluster prod=testdata/iam-exact/prod --arn arn:aws:iam::111122223333:user/target testdata/iam-exact/4-policy-variable.json
