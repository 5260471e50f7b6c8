can-i create pods/exec -n shop-checkout --arn arn:aws:sts::111122223333:assumed-role/developer/bob testdata/demo --explain
