diff testdata/diff/masters-added/base testdata/diff/masters-added/head
