check testdata/demo --enable RG101 --enable secrets-access --fail-on never
