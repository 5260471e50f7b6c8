who-can create pods/exec -n shop-checkout testdata/demo -o json
