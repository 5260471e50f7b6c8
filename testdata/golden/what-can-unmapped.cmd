what-can arn:aws:iam::111122223333:user/intruder testdata/demo
