check testdata/demo --config testdata/check/config.yaml --fail-on medium
