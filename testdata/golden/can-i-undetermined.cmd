can-i get nodes/proxy --arn arn:aws:sts::444455556666:assumed-role/legacy-nodes/i-0123456789abcdef0 testdata/fixtures/config-map-cluster --explain
