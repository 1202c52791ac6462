"""The words inside a paper's figures and tables, per language (``manuscript/labels.yaml``).

The words the machinery itself writes in every language (cross-reference names, the
HTML's "made by" lines, the phrase that scopes a claim to the main specification) are
checked against ``paperkit/schemas/labels.schema.yaml``; that every language has the
same keys is the parity check's (``paperkit.parity.label_problems``).
"""

from __future__ import annotations

from paperkit.jsonschemas import machinery_schema, schema_problems


def validate_labels(labels: dict, path: str = "labels") -> None:
    """Raise ValueError naming each place where ``labels`` (read from ``path``) breaks the
    schema."""
    if lines := schema_problems(labels, machinery_schema("labels")):
        raise ValueError(f"{path} breaks its schema (labels.schema.yaml):\n  " + "\n  ".join(lines))
