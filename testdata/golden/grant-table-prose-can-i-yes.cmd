can-i delete nodes --arn arn:aws:iam::111122223333:role/AmazonEKSAutoClusterRole testdata/grant-table/prose-policy
