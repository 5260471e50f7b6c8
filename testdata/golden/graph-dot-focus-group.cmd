graph testdata/demo --focus "Group developers"
