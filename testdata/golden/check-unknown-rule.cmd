check testdata/demo --enable no-such-rule
