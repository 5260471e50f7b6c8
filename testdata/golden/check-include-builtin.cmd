check testdata/demo --include-builtin --fail-on never --disable pod-exec
