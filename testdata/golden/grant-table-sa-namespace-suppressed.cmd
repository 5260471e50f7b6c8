check testdata/grant-table/namespace-defaulted-sa --config testdata/grant-table/namespace-defaulted-sa.config.yaml --fail-on medium
