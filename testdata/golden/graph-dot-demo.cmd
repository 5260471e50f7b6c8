graph testdata/demo
