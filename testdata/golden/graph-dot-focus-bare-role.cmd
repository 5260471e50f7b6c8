graph --focus shop-developer testdata/demo
