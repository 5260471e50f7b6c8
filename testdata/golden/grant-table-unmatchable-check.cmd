check testdata/grant-table/unmatchable-subjects
