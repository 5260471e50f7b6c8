migrate testdata/migrate/eks-workshop -o terraform
