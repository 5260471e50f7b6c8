who-can create pods -n default testdata/grant-table/missing-builtin-roles
