check testdata/realworld/tekton --fail-on never
