check testdata/check/annotated.yaml -o json
