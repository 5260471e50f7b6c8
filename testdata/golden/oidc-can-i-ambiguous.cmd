can-i get secrets -n web --oidc-group developers testdata/oidc
