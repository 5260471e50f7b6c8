diff testdata/estate-diff/base/staging testdata/estate-diff/head/staging testdata/estate/iam -o json
