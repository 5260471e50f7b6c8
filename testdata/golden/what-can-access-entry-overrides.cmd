what-can arn:aws:sts::111122223333:assumed-role/platform-engineer/jane testdata/demo
