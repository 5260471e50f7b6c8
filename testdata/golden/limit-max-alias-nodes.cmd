what-can --user x testdata/fuzz/kubernetes_yaml/merge-keys.yaml testdata/fixtures/bind-readers.yaml --max-alias-nodes 1
