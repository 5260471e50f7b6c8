diff testdata/demo testdata/demo-change -o markdown
