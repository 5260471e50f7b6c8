what-can --user system:serviceaccount:flux-system:helm-controller testdata/grant-table/missing-builtin-roles
