can-i get /metrics --arn arn:aws:iam::111122223333:user/security-auditor testdata/demo --explain
