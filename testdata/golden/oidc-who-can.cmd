who-can get secrets -n web testdata/oidc
