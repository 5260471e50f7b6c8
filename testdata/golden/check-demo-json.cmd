check testdata/demo -o json
