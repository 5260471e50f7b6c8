can-i create pods -n default --user system:serviceaccount:flux-system:kustomize-controller testdata/grant-table/missing-builtin-roles --explain
