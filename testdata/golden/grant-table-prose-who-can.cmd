who-can list secrets -n team-a testdata/grant-table/prose-policy
