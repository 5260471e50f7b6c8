diff testdata/demo-change testdata/demo --fail-on medium
