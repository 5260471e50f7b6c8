what-can --oidc-group platform-admins --oidc-provider corp-sso testdata/oidc
