what-can --user jane --group developers --clusters testdata/estate/clusters
