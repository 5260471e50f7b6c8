check testdata/rules/oidc-provider-names/fires-eksctl-providers.yaml
