graph -o json --focus arn:aws:iam::111122223333:user/alice --clusters testdata/estate/clusters testdata/estate/iam
