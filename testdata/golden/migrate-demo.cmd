migrate testdata/demo
