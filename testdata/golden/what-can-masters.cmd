what-can arn:aws:sts::111122223333:assumed-role/KubernetesAdmin/ops-jane testdata/demo
