can-i get secrets --user system:anonymous testdata/eks-anonymous --kubernetes-version 1.31
