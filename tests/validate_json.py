#!/usr/bin/python3
"""Validates JSON documents against a JSON Schema (draft-07, format checks on); prints every error.

Usage: validate_json.py SCHEMA DOCUMENT...   Exit 0 when all are valid, 1 otherwise.
"""
import json
import sys

import jsonschema
import rfc3987  # noqa: F401  without it the "uri" and "uri-reference" formats would pass unchecked


def main() -> int:
    schema_path, documents = sys.argv[1], sys.argv[2:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    failed = 0
    for path in documents:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors[:20]:
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{where}: {error.message}")
        failed += 1 if errors else 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
