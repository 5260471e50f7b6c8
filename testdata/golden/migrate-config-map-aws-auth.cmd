migrate testdata/migrate/config-map --creator arn:aws:iam::111122223333:role/payments-creator -o aws-auth
