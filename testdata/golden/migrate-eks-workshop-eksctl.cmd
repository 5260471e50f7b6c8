migrate testdata/migrate/eks-workshop -o eksctl
