who-can get nodes -n shop-checkout testdata/demo
