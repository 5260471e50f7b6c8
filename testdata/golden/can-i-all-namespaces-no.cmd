can-i list pods --arn arn:aws:iam::111122223333:role/developer testdata/demo
