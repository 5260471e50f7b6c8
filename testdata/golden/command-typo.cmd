chek testdata/demo
