check testdata/grant-table/namespace-defaulted-sa --fail-on medium
