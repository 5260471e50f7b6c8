who-can get secrets -n web testdata/oidc -o json
