can-i get pods --user survivor testdata/hostile/valid.yaml --max-file-bytes 100
