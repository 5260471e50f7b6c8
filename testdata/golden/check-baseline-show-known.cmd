check testdata/demo --baseline testdata/check/baseline.json --show-known
