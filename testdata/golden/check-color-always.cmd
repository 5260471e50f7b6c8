check testdata/demo --color always --fail-on critical
