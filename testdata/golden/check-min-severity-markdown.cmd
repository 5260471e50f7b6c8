check testdata/demo --min-severity high -o markdown
