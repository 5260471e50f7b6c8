can-i get pods -n web --arn arn:aws:iam::111122223333:user/carol --explain --clusters testdata/estate/clusters testdata/estate/iam
