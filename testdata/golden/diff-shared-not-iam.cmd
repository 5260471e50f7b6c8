diff testdata/estate-diff/base/staging testdata/estate-diff/head/staging testdata/demo/aws-auth.yaml
