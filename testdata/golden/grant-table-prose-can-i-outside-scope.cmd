can-i list secrets -n kube-system --arn arn:aws:iam::111122223333:role/secrets-operator testdata/grant-table/prose-policy
