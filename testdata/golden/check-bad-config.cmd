check testdata/demo --config testdata/check/bad-config.yaml
