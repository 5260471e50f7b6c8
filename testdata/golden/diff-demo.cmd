diff testdata/demo testdata/demo-change
