what-can arn:aws:iam::111122223333:role/shop-prod-node-role testdata/demo
