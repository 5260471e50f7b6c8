diff testdata/empty-side testdata/demo/aws-auth.yaml --fail-on critical
