can-i get secrets checkout-db-readonly -n shop-checkout --arn arn:aws:sts::111122223333:assumed-role/developer/alice testdata/demo
