what-can arn:aws:iam::111122223333:role/ci-deployer testdata/demo -o json
