graph testdata/demo --focus "Group nobody"
