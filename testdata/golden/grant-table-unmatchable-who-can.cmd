who-can get secrets testdata/grant-table/unmatchable-subjects
