"""Checking data against a JSON schema, with one line per problem (where, what), and
the machinery's own schemas (``paperkit/schemas/<name>.schema.yaml``).

Standard library, PyYAML and jsonschema only: the claims, the glossary, the registry
and the labels are checked while Snakemake parses the workflow and in light jobs, where
pandas is not imported (``paperkit.validate``, which checks the tables, uses it as well).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jsonschema
import yaml

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@cache
def machinery_schema(name: str) -> dict:
    """The machinery's schema ``paperkit/schemas/<name>.schema.yaml`` (read once)."""
    return yaml.safe_load((SCHEMAS / f"{name}.schema.yaml").read_text(encoding="utf-8"))


def schema_problems(data, schema: dict) -> list[str]:
    """Every way ``data`` breaks the JSON schema ``schema``, one line each (where, what),
    in the order of their places in ``data``."""
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(data),
        key=lambda error: [str(part) for part in error.absolute_path],
    )
    return [
        f"{'.'.join(map(str, error.absolute_path)) or '(top level)'}: {error.message}"
        for error in errors
    ]
