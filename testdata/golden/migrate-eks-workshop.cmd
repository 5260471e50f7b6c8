migrate testdata/migrate/eks-workshop
