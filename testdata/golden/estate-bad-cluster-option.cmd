can-i get pods --arn arn:aws:iam::111122223333:user/alice --cluster prod testdata/estate/iam
