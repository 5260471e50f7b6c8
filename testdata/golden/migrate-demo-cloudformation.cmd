migrate testdata/demo -o cloudformation
