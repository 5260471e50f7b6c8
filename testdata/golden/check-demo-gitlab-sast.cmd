check testdata/demo -o gitlab-sast --min-severity high
