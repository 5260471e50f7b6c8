graph -o json testdata/grant-table/resource-names-admin
