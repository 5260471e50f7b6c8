usage testdata/demo --audit testdata/demo/aws-auth.yaml
