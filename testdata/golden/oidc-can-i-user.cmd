can-i get secrets -n web --oidc-user alice@example.com --oidc-provider corp-sso testdata/oidc --explain
