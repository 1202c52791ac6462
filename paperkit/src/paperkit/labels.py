"""The words inside a paper's figures and tables, per language (``manuscript/labels.yaml``).

The words the machinery itself writes in every language (cross-reference names, the
HTML's "made by" lines, the phrase that scopes a claim to the main specification) are
checked against ``paperkit/schemas/labels.schema.yaml``; that every language has the
same keys is the parity check's (``paperkit.parity.label_problems``).
"""

from __future__ import annotations

from pathlib import Path

SCHEMA = Path(__file__).resolve().parent / "schemas" / "labels.schema.yaml"


def validate_labels(labels: dict, path: str = "labels") -> None:
    """Raise ValueError naming each place where ``labels`` (read from ``path``) breaks the
    schema."""
    import yaml

    from paperkit.jsonschemas import schema_problems

    if lines := schema_problems(labels, yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))):
        raise ValueError(f"{path} breaks its schema ({SCHEMA.name}):\n  " + "\n  ".join(lines))
