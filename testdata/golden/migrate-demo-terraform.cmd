migrate testdata/demo -o terraform
