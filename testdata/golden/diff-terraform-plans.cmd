diff testdata/rules/unknown-principal/quiet-known-principals.json testdata/rules/unknown-principal/fires-created-role.json
