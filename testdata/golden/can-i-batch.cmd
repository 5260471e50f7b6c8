can-i --batch - testdata/demo
