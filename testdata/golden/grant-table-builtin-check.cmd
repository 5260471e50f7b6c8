check testdata/grant-table/missing-builtin-roles --fail-on never
