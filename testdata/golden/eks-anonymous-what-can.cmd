what-can --user system:anonymous testdata/eks-anonymous
