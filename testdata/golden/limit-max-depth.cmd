can-i get pods --user survivor testdata/hostile/valid.yaml --max-depth 3
