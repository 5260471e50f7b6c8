graph -o mermaid --focus arn:aws:iam::111122223333:user/carol --clusters testdata/estate/clusters testdata/estate/iam
