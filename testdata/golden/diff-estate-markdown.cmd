diff --clusters testdata/estate-diff/base testdata/estate-diff/head -o markdown --markdown-lines 5
