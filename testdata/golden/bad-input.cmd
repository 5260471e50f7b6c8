can-i get configmaps --user jane testdata/bad
