can-i get secrets --user system:anonymous testdata/eks-anonymous
