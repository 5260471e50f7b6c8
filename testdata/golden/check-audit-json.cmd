check testdata/demo --audit testdata/usage/audit.jsonl -o json
