"""Model results at the boundary between stages: validated against their schema and
made canonical before they are written."""

from __future__ import annotations

import jsonschema
import yaml

from asylum_regime.paths import RESULTS_SCHEMA
from paperkit.atomic import plain


def check_results(payload: dict, kind: str) -> dict:
    """Validate a model's results (``its``, ``did`` or ``dejure``) against the results schema.

    Called before a results file is written, so that a malformed one never lands.
    """
    schema = yaml.safe_load(RESULTS_SCHEMA.read_text(encoding="utf-8"))
    checked = plain(payload)
    jsonschema.validate(checked, {**schema, "$ref": f"#/$defs/{kind}"})
    return checked
