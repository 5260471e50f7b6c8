can-i --list -n shop-checkout --arn arn:aws:iam::111122223333:role/developer testdata/demo
