diff testdata/demo/aws-auth.yaml testdata/bad/aws-auth.yaml --fail-on never
