migrate testdata/demo -o json
