what-can arn:aws:sts::444455556666:assumed-role/cluster-creator/someone testdata/fixtures/config-map-cluster --creator arn:aws:iam::444455556666:role/cluster-creator
