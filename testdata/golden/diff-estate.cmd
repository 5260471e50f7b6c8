diff --clusters testdata/estate-diff/base testdata/estate-diff/head
