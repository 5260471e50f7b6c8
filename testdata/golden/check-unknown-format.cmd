check testdata/demo -o xml
