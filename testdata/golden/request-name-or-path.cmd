who-can update daemonsets.apps docs -n kube-system testdata/demo
