diff testdata/demo testdata/usage/head --audit testdata/usage/audit.jsonl -o json
