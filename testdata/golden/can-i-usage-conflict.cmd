can-i get pods/log --subresource exec --user u testdata/demo
