who-can get pods -n web --clusters testdata/estate/clusters testdata/estate/iam
