who-can get secrets -n shop-checkout testdata/demo -o wide
