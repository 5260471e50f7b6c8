diff testdata/demo testdata/demo-change -o markdown=/nonexistent-dir/comment.md
