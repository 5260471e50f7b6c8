migrate testdata/demo -o aws-cli
