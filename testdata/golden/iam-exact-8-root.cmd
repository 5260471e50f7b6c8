can-i get pods --cluster prod=testdata/iam-exact/prod --arn arn:aws:iam::111122223333:root testdata/iam-exact/8-root.json
