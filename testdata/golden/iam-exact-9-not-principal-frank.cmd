can-i get pods --cluster prod=testdata/iam-exact/prod --arn arn:aws:iam::111122223333:user/frank testdata/iam-exact/9-not-principal.json
