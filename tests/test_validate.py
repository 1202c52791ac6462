"""The table validator's rules: schema of schemas, minimum rows, future dates, duplicate
keys naming every row, encodings and empty files (each message names file and place)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from asylum_regime.paths import TABLE_SCHEMAS as SCHEMAS
from paperkit.validate import (
    SchemaError,
    ValidationError,
    _present,
    effective_as_of,
    load_schema,
    read_csv_validated,
    violations,
)

SCHEMA = {
    "title": "test",
    "row_origin": 2,
    "min_rows": 2,
    "primary_key": ["id"],
    "columns": {
        "id": {"type": "string", "required": True},
        "date": {"type": "date", "required": True},
        "planned": {"type": "date", "allow_future": True},
    },
}
AS_OF = dt.date(2025, 12, 31)


def csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "table.csv"
    path.write_bytes(text.encode(encoding))
    return path


def messages(tmp_path, text, encoding="utf-8", schema=SCHEMA) -> str:
    with pytest.raises(ValidationError) as error:
        read_csv_validated(csv(tmp_path, text, encoding), schema, AS_OF)
    return str(error.value)


def test_every_committed_schema_is_valid():
    for path in sorted(SCHEMAS.glob("*.yaml")):
        if path.name != "processed.yaml":  # the tidy tables' codebook, not a table schema
            assert load_schema(path)["min_rows"] >= 1


def test_a_misspelt_rule_in_a_schema_is_an_error(tmp_path):
    broken = yaml.safe_load((SCHEMAS / "events.yaml").read_text(encoding="utf-8"))
    broken["columns"]["date"] = {"type": "date", "requird": True}
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"events\.yaml: not a valid table schema") as error:
        load_schema(path)
    assert "columns.date" in str(error.value) and "requird" in str(error.value)


COLUMNS = st.one_of(
    st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))).map(
        lambda values: pd.Series(values, dtype="float64")
    ),
    st.lists(st.one_of(st.none(), st.integers(-(2**40), 2**40))).map(
        lambda values: pd.Series(values, dtype="Int64")
    ),
    st.lists(st.one_of(st.none(), st.booleans())).map(
        lambda values: pd.Series(values, dtype="boolean")
    ),
    st.lists(st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)))).map(
        lambda values: pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
    ),
    st.lists(st.one_of(st.none(), st.text(" \t\nab1"))).map(
        lambda values: pd.Series(values, dtype="string")
    ),
    st.lists(st.one_of(st.none(), st.text(" x"), st.floats())).map(
        lambda values: pd.Series(values, dtype="object")
    ),
)


@given(COLUMNS)
def test_present_is_what_writing_each_value_out_and_stripping_it_says(series):
    """The shortcut for numbers, dates and truth values (never blank) gives the same mask
    as the general rule: not missing, and not blank once written out and stripped."""
    general = series.notna() & (series.astype("string").str.strip() != "")
    assert _present(series).tolist() == general.fillna(False).astype(bool).tolist()


def test_a_missing_number_is_reported_where_a_value_is_required():
    frame = pd.DataFrame({"count": [1.0, float("nan"), 3.0]})
    schema = {"columns": {"count": {"type": "number", "required": True, "minimum": 2}}}
    found = sorted((v.row, v.column, v.rule) for v in violations(frame, schema, "t.csv"))
    assert found == [(1, "count", "must be >= 2"), (2, "count", "a value is required")]


def test_a_header_only_table_is_too_short(tmp_path):
    text = messages(tmp_path, "id,date,planned\n")
    assert "table.csv: has 0 data row(s), fewer than the 2 its schema requires" in text


def test_a_future_date_names_row_and_column_unless_allowed(tmp_path):
    text = messages(tmp_path, "id,date,planned\na,2024-01-01,2030-01-01\nb,2099-12-11,\n")
    assert "table.csv, row 3, column 'date': must not be after 2025-12-31" in text
    assert "planned" not in text  # allow_future


def test_the_build_date_caps_the_declared_as_of_date():
    assert effective_as_of("2999-01-01") == dt.date.today()
    assert effective_as_of("2020-05-01") == dt.date(2020, 5, 1)


def test_a_duplicate_key_names_every_row_that_shares_it(tmp_path):
    text = messages(tmp_path, "id,date,planned\na,2024-01-01,\nb,2024-01-02,\na,2024-01-03,\n")
    assert "table.csv, row 4, column 'id': duplicate primary key: rows 2, 4 share it" in text


def test_a_legacy_encoding_names_file_and_line(tmp_path):
    text = messages(tmp_path, "id,date,planned\na,2024-01-01,\nş,2024-01-02,\n", "cp1254")
    assert "table.csv: line 3 is not valid UTF-8 (byte 0xfe)" in text


def test_an_empty_file_names_the_file(tmp_path):
    text = messages(tmp_path, "")
    assert "table.csv: the file is empty (a header line is required)" in text


# --------------------------------------------------------------------------- status rules

STATUS_SCHEMA = {
    "title": "status",
    "row_origin": 2,
    "min_rows": 1,
    "columns": {
        "id": {"type": "string", "required": True},
        "verified": {"type": "string", "required": True, "enum": ["yes", "partial", "no"]},
        "note": {"type": "string"},
    },
    "status": {
        "column": "verified",
        "order": ["no", "partial", "yes"],
        "limits": [
            {
                "columns": ["note"],
                "pattern": "(?i)\\bnot\\s+seen\\b|\\brecalled\\b",
                "at_most": "partial",
                "says": "'not seen' or 'recalled'",
            },
            {
                "columns": ["note"],
                "pattern": "(?i)\\brecalled,?\\s+(and\\s+)?not\\s+seen\\b",
                "at_most": "no",
                "says": "'recalled, not seen'",
            },
        ],
    },
}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "a,yes,Art. 4 NOT seen in the statute",
            "table.csv, row 2, column 'verified': 'note' says 'not seen' or 'recalled' "
            "(\"NOT seen\"), so 'verified' may be at most 'partial' (status rule of the "
            "codebook) (value: 'yes')",
        ),
        ("a,yes,article number recalled", "may be at most 'partial'"),
        (
            'a,partial,"the wording was recalled, not seen"',
            "'note' says 'recalled, not seen' (\"recalled, not seen\"), so 'verified' may be "
            "at most 'no'",
        ),
    ],
)
def test_a_note_caps_the_status_naming_file_row_column_and_rule(tmp_path, row, message):
    text = messages(tmp_path, f"id,verified,note\n{row}\n", schema=STATUS_SCHEMA)
    assert message in text


def test_a_status_within_its_cap_is_valid(tmp_path):
    rows = "a,partial,Art. 4 not seen\nb,no,recalled; not seen\nc,yes,read on resmigazete.gov.tr\n"
    frame = read_csv_validated(csv(tmp_path, "id,verified,note\n" + rows), STATUS_SCHEMA, AS_OF)
    assert frame["verified"].tolist() == ["partial", "no", "yes"]


def test_a_status_rule_naming_an_unknown_column_or_status_is_a_schema_error(tmp_path):
    broken = {
        **STATUS_SCHEMA,
        "status": {
            **STATUS_SCHEMA["status"],
            "limits": [{"columns": ["nope"], "pattern": "x", "at_most": "maybe", "says": "x"}],
        },
    }
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    with pytest.raises(SchemaError) as error:
        load_schema(path)
    assert "status.limits.0.columns: 'nope' is not a column" in str(error.value)
    assert "status.limits.0.at_most: 'maybe' is not one of" in str(error.value)


@pytest.mark.parametrize(
    ("name", "note", "status", "cap"),
    [
        ("alignment", "Art. 53 recalled, not seen (UNVERIFIED)", "partial", "no"),
        ("alignment", "statutory text not read", "yes", "partial"),
        ("tr_instruments", "UNVERIFIED: entry into force", "yes", "partial"),
        ("events", "UNVERIFIED: no source found", "partial", "no"),
        ("eu_instruments", "OJ page not seen", "yes", "partial"),
    ],
)
def test_the_codebooks_status_rules_are_in_the_schemas(name, note, status, cap):
    """The legal and policy codebooks' rules, as the committed schemas state them."""
    from paperkit.validate import violations

    schema = load_schema(SCHEMAS / f"{name}.yaml")
    frame = pd.DataFrame(
        [{column: "" for column in schema["columns"]} | {"verified": status, "note": note}]
    )
    found = [v for v in violations(frame, schema, f"{name}.csv") if v.column == "verified"]
    assert found and f"may be at most '{cap}'" in str(found[-1])


def test_the_committed_tables_keep_the_status_rules():
    """No committed row carries a status its own note rules out."""
    from paperkit.validate import violations
    from tests.conftest import ROOT

    raw = ROOT / "data" / "raw"
    tables = {
        **{p: "alignment" for p in (raw / "legal" / "alignment").glob("*.csv")},
        **{raw / "legal" / f"{n}.csv": n for n in ("tr_instruments", "eu_instruments")},
        **{
            raw / "policy" / f"{n}.csv": n
            for n in (
                "events",
                "commission_assessments",
                "visa_benchmarks",
                "statement_implementation",
            )
        },
    }
    for path, name in tables.items():
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        found = [
            v
            for v in violations(frame, load_schema(SCHEMAS / f"{name}.yaml"), str(path))
            if "status rule" in v.rule
        ]
        assert not found, "\n".join(map(str, found))
