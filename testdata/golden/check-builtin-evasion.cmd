check testdata/builtin-evasion
