can-i get pods --cluster prod=testdata/iam-exact/prod --arn arn:aws:sts::111122223333:assumed-role/r1/other testdata/iam-exact/7-one-session.json
