can-i list deployments.apps -n shop-frontend --user jane --group developers testdata/demo --explain
