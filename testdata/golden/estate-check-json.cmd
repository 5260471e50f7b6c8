check --clusters testdata/estate/clusters testdata/estate/iam -o json --enable assume-to-masters --enable create-cluster-passrole
