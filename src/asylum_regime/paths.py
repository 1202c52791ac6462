"""Where this paper keeps its schemas: relative to the workflow's root, the folder
every job and test runs in."""

from pathlib import Path

SCHEMAS = Path("workflow/schemas")
TABLE_SCHEMAS = SCHEMAS / "tables"
CODEBOOK = TABLE_SCHEMAS / "processed.yaml"
RESULTS_SCHEMA = SCHEMAS / "results" / "models.schema.yaml"


def table_schema(name: str) -> Path:
    return TABLE_SCHEMAS / f"{name}.yaml"
