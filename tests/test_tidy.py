"""Validation and tidying of the real source files."""

from __future__ import annotations

import pandas as pd
import pytest

from asylum_regime.io import read_processed, read_source
from asylum_regime.paths import TABLE_SCHEMAS as SCHEMAS
from asylum_regime.tidy import TIDIERS, r_date
from paperkit.tabular import read_rda, write_csv
from paperkit.validate import ValidationError, load_schema, validate


@pytest.fixture(scope="module")
def raw(mirror, config):
    """Each tidied dataset read from the mirror (schema-validated)."""
    return {
        dataset: read_source(mirror / config["sources"][dataset]["path"], name, dataset)
        for dataset, (name, _tidier) in TIDIERS.items()
    }


def test_r_dates_are_days_since_1970():
    assert r_date(pd.Series([0.0, 14245.0])).tolist() == [
        pd.Timestamp("1970-01-01"),
        pd.Timestamp("2009-01-01"),
    ]


def test_population_tidy_types_and_known_value(raw):
    tidy = TIDIERS["unhcr_population"][1](raw["unhcr_population"])
    assert tidy["year"].dtype == "int64" and tidy["refugees"].dtype == "Int64"
    query = "year == 2021 and coo_iso == 'SYR' and coa_iso == 'TUR'"
    syrians = tidy.query(query)
    # The expected total is read from the pinned file itself (a data update moves it).
    source = raw["unhcr_population"].query(query)
    expected = int(source["refugees"].sum() + source["asylum_seekers"].sum())
    assert expected > 1_000_000  # the Syrians in Türkiye, not an empty selection
    assert syrians["refugees"].sum() + syrians["asylum_seekers"].sum() == expected


def test_frontex_tidy_months_are_dates(raw):
    tidy = TIDIERS["frontex"][1](raw["frontex"])
    assert tidy["month"].min() == pd.Timestamp("2009-01-01")
    assert tidy["month"].max() == pd.Timestamp("2025-04-01")
    assert (tidy["month"].dt.day == 1).all()
    assert tidy["detections"].dtype == "int64"
    assert set(tidy["type"]) == {"Sea", "Land"}


def test_eu_asyapp_tidy(raw):
    tidy = TIDIERS["eu_asyapp"][1](raw["eu_asyapp"])
    assert list(tidy.columns) == ["geo", "year", "nat", "sex", "applicants"]
    assert tidy["year"].between(2011, 2024).all()
    assert (tidy["applicants"] % 5 == 0).all()  # Eurostat rounds to 5


def test_processed_round_trip_keeps_dtypes(raw, tmp_path):
    for dataset, (_name, tidier) in TIDIERS.items():
        tidy = tidier(raw[dataset])
        path = tmp_path / f"{dataset}.csv"
        write_csv(tidy, path)
        back = read_processed(path, dataset)
        pd.testing.assert_frame_equal(back, tidy)


def test_malformed_source_names_file_row_column_rule(mirror, config):
    path = mirror / config["sources"]["frontex"]["path"]
    frame = read_rda(path, "frontex")
    frame.loc[5, "nat"] = "syria"
    frame.loc[7, "n"] = -3
    frame.loc[9, "type"] = "Air"
    with pytest.raises(ValidationError) as error:
        validate(frame, load_schema(SCHEMAS / "frontex.yaml"), "frontex.rda")
    message = str(error.value)
    assert "frontex.rda, row 6, column 'nat': must match pattern" in message
    assert "frontex.rda, row 8, column 'n': must be >= 0" in message
    assert "frontex.rda, row 10, column 'type': must be one of ['Sea', 'Land']" in message


def test_missing_column_duplicate_key_and_missing_value():
    schema = {
        "row_origin": 2,
        "primary_key": ["id"],
        "columns": {
            "id": {"type": "integer", "required": True},
            "when": {"type": "date", "required": True},
            "label": {"type": "string"},
        },
    }
    frame = pd.DataFrame({"id": ["1", "1", "x"], "when": ["2016-03-18", "", "18.3.2016"]})
    with pytest.raises(ValidationError) as error:
        validate(frame, schema, "coding.csv")
    text = str(error.value)
    assert "coding.csv, column 'label': required column is missing" in text
    assert "coding.csv, row 3, column 'when': a value is required" in text
    assert "coding.csv, row 4, column 'when': must be of type date" in text
    assert "coding.csv, row 4, column 'id': must be of type integer" in text


def test_duplicate_primary_key_is_reported():
    schema = {
        "row_origin": 2,
        "primary_key": ["id"],
        "columns": {"id": {"type": "integer", "required": True}},
    }
    with pytest.raises(ValidationError, match=r"coding.csv, row 3, column 'id': duplicate"):
        validate(pd.DataFrame({"id": [1, 1]}), schema, "coding.csv")


def test_unexpected_column_is_reported():
    schema = {"columns": {"id": {"type": "integer"}}}
    with pytest.raises(ValidationError, match="column 'extra': column is not in the schema"):
        validate(pd.DataFrame({"id": [1], "extra": [2]}), schema, "t.csv")
