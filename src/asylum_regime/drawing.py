"""What each drawing job reads (the I/O edge of the figures and tables).

A drawing job (declared in workflow/registry.yaml) calls its ``prepare``
function once with its input paths and parameters; the figure and table
functions then draw from the returned data in every language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from asylum_regime.coding import read_table
from asylum_regime.harmonisation import sensitivity_ranges
from asylum_regime.io import read_processed
from paperkit.periods import ReferencePeriod


def _json(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def hosted_data(inputs: dict, params: dict) -> dict:
    return {
        "table": pd.read_csv(inputs["table"]),
        "countries": read_processed(inputs["countries"], "countrynames").set_index("iso3"),
        "release": params["release"],
        "latest": ReferencePeriod.from_pin("unhcr_population", params),
    }


def indices_data(inputs: dict, params: dict) -> dict:
    annual = pd.read_csv(inputs["annual"])
    sensitivity = pd.read_csv(inputs["sensitivity"], keep_default_na=False, na_values=[""])
    events = read_table(inputs["events"], inputs["events_schema"])
    return {
        "annual": annual,
        "by_group": pd.read_csv(inputs["by_group"]),
        "marked": events[events["event_id"].isin(params["events_marked"])],
        "variants": sensitivity_ranges(sensitivity, int(annual["year"].max())),
    }


def models_data(inputs: dict, params: dict) -> dict:
    its, did = _json(inputs["its"]), _json(inputs["did"])
    return {
        "its": its,
        "did": did,
        "paths": pd.read_csv(inputs["its_paths"], parse_dates=["month"]),
        "release_frontex": params["release_frontex"],
        "release_eu_asyapp": params["release_eu_asyapp"],
    }


def model_results(inputs: dict, params: dict) -> dict:
    return {"its": _json(inputs["its"]), "did": _json(inputs["did"])}


def multiverse_data(inputs: dict, params: dict) -> dict:
    """The results tables of the families among ``inputs`` (its, did, indices), and every
    family's dimensions and main specification."""
    from asylum_regime.specifications import main_specification

    multiverse = params["multiverse"]
    return {
        **{
            family: pd.read_csv(inputs[family], keep_default_na=False, na_values=[""])
            for family in ("its", "did", "indices")
            if family in inputs
        },
        "dimensions": {family: multiverse[family]["dimensions"] for family in multiverse},
        # the level the text measures the indices against, when the job is given it
        **({"half": params["half"]} if "half" in params else {}),
        "main": {
            family: main_specification(
                family, multiverse[family]["dimensions"], multiverse[family]["main"]
            ).ident
            for family in multiverse
        },
    }
