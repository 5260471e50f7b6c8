check testdata/demo/aws-auth.yaml --color auto
