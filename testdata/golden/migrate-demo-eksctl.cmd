migrate testdata/demo -o eksctl
