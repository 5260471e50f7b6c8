check -o jsno testdata/demo
