who-can get namespaces testdata/fixtures/config-map-cluster
