what-can --user u testdata/grant-table/resource-names-admin
