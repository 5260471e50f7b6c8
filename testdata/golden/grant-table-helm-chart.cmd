check testdata/grant-table/helm-chart
