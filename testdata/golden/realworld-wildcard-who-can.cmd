who-can '*' '*' testdata/rules/system-masters-mapping/fires-dormant-path-and-wildcard.yaml
