check --include-builtin testdata/builtin-evasion/bootstrap-copies.yaml
