check testdata/demo
