who-can get secrets testdata/eks-anonymous
