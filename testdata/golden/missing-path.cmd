who-can get pods testdata/does-not-exist
