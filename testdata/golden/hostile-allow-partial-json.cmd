who-can get pods testdata/hostile --allow-partial -o json
