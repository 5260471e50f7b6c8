check testdata/eks-anonymous --enable anonymous-access
