can-i --list -A --arn arn:aws:iam::111122223333:role/KubernetesAdmin testdata/demo -o json
