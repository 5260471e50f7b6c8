who-can get secrets -n istio-system testdata/grant-table/namespace-defaulted-sa
