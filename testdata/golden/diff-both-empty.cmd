diff testdata/empty-side testdata/empty-side
