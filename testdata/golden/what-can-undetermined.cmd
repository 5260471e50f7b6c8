what-can arn:aws:iam::444455556666:role/legacy-nodes testdata/fixtures/config-map-cluster
