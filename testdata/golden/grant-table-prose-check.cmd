check testdata/grant-table/prose-policy
