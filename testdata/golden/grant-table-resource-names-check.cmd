check testdata/grant-table/resource-names-admin --enable cluster-admin-binding
