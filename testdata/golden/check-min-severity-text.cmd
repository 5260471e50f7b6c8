check testdata/demo --min-severity high --fail-on medium
