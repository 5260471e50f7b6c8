usage testdata/demo
