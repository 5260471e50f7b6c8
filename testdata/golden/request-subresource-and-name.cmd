can-i create pods/exec web-0 -n shop-checkout --arn arn:aws:iam::111122223333:role/developer testdata/demo --explain
