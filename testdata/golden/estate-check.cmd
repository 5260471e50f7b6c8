check --clusters testdata/estate/clusters testdata/estate/iam
