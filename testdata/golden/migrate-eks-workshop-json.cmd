migrate testdata/migrate/eks-workshop -o json
