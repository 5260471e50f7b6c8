migrate testdata/migrate/eks-workshop -o cloudformation
