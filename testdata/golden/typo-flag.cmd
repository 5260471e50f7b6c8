check --fial-on high testdata/demo
