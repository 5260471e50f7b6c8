can-i get secrets --user dave testdata/grant-table/unmatchable-subjects
