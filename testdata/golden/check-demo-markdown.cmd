check testdata/demo -o markdown --fail-on critical
