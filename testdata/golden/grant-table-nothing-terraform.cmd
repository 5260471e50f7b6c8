check testdata/grant-table/nothing-to-evaluate/cluster-role-binding.tf
