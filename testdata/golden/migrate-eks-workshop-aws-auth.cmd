migrate testdata/migrate/eks-workshop -o aws-auth
