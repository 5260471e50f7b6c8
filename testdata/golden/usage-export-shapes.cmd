usage testdata/demo --audit testdata/usage/s3-export --audit testdata/usage/filter-log-events.json --suggest
