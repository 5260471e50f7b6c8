check testdata/demo --baseline testdata/check/baseline.json
