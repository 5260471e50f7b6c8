#!/usr/bin/env bash
# Every doctest case must be a ctest test of its own: doctest_discover_tests drops or splits a case whose name
# CMake cannot hold (a ';' splits it in two), which would run a filter matching nothing and pass. Cases skipped
# on purpose (doctest::skip: the shared corpus beside the project is absent in a user's clone) are not listed by
# discovery; they are named here so that the skip is never silent.
# Usage: unit_listing_test.sh UNIT_TEST_BINARY BUILD_DIR
set -euo pipefail
binary=$1
build=$2
names() { "$binary" --list-test-cases "$@" | grep -v '^\[doctest\]\|^=====' || true; }
cases=$(names | grep -c '' || true)
listed=$(ctest --test-dir "$build" --show-only -L '^unit$' | sed -n 's/^Total Tests: //p')
if [ "$cases" -ne "$listed" ]; then
    echo "unit_listing_test: $cases doctest cases but $listed ctest tests labelled unit" >&2
    names | grep -n ';' >&2 || true
    exit 1
fi
if [ "$cases" -lt 100 ]; then
    echo "unit_listing_test: only $cases cases listed: the listing itself is broken" >&2
    exit 1
fi
skipped=$(comm -13 <(names | sort) <(names --no-skip | sort))
echo "unit_listing_test: $cases cases, each a ctest test"
if [ -n "$skipped" ]; then
    echo "unit_listing_test: skipped here (doctest::skip):"
    while IFS= read -r name; do
        echo "  $name"
    done <<<"$skipped"
fi
