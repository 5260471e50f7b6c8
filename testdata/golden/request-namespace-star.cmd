can-i get pods -n '*' --user u testdata/demo
