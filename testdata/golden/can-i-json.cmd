can-i delete deployments.apps -n shop-frontend --arn arn:aws:sts::111122223333:assumed-role/platform-engineer/jane testdata/demo -o json
