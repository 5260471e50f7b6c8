diff testdata/demo testdata/demo --fail-on low
