diff testdata/demo
