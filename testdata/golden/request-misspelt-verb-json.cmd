can-i gett pods -n shop-checkout --as dev-alice --as-group developers testdata/demo -o json
