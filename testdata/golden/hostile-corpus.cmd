can-i get pods --user survivor testdata/hostile
