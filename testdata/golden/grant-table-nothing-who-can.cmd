who-can get secrets testdata/grant-table/nothing-to-evaluate/deployment.yaml
