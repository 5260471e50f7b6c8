what-can --user jane --group auditors --group developers testdata/demo
