graph -o mermaid --focus "ClusterRole cluster-admin" testdata/demo
