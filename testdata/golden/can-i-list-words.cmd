can-i --list get pods -n shop-checkout --as dev-alice testdata/demo
