migrate testdata/demo -o aws-auth
