check testdata/demo -o junit
