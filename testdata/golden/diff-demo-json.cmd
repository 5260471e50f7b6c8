diff testdata/demo testdata/demo-change -o json
