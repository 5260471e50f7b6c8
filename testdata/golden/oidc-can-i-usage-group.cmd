can-i get pods --oidc-user alice --group admins testdata/oidc
