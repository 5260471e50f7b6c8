what-can --user system:serviceaccount:security:scanner testdata/demo
