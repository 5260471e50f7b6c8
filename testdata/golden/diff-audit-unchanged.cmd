diff testdata/demo testdata/demo --audit testdata/usage/audit.jsonl
