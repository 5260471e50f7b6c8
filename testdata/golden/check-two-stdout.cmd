check testdata/demo -o text -o json
