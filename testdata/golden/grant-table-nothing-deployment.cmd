check testdata/grant-table/nothing-to-evaluate/deployment.yaml
