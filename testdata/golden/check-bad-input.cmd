check testdata/bad --fail-on never
