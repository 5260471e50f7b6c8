diff testdata/demo testdata/demo-change --color always
