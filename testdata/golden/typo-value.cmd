check --fail-on hihg testdata/demo
