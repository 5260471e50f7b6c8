check testdata/demo -o sarif --fail-on critical
