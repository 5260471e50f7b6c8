can-i get pods testdata/demo
