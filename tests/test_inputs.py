"""Bad project-authored input gets a clear error: file, line, column or config key, the
value and the fix, in a line or two (issue 22).

Text fields hold no control or bidirectional formatting characters; a quote that opens
a CSV field and is never closed is named where it opened.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperkit.validate import ValidationError, load_schema, read_csv_validated
from tests.conftest import ROOT

# --------------------------------------------------------------------------- tables

RAW = ROOT / "data" / "raw"
SCHEMAS = ROOT / "workflow" / "schemas" / "tables"
# Every project-authored table: its file and its schema (the alignment files share one).
TABLES = sorted(RAW.rglob("*.csv"))
# Unicode's Bidi_Control characters and the line and paragraph separators, written out
# here rather than taken from the validator, so that the test does not share its list.
BIDI_AND_SEPARATORS = [
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u2028",
    "\u2029",
]
# Every control character (Unicode category Cc: C0, DEL and C1), NUL among them.
CONTROLS = st.characters(categories=["Cc"])
FORBIDDEN = st.one_of(CONTROLS, st.sampled_from(BIDI_AND_SEPARATORS))


def schema_of(table: Path) -> Path:
    name = "alignment" if table.parent.name == "alignment" else table.stem
    return SCHEMAS / f"{name}.yaml"


def text_columns(table: Path) -> list[str]:
    columns = load_schema(schema_of(table))["columns"]
    return [name for name, rule in columns.items() if rule["type"] == "string"]


def rows_of(table: Path) -> list[list[str]]:
    with open(table, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_every_table_has_a_schema_and_text_columns():
    assert len(TABLES) >= 10
    for table in TABLES:
        assert text_columns(table), table


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), char=FORBIDDEN)
def test_a_control_character_in_any_text_field_is_named_by_file_line_and_column(
    tmp_path, data, char
):
    table = data.draw(st.sampled_from(TABLES), label="table")
    rows = rows_of(table)
    header = rows[0]
    column = data.draw(
        st.sampled_from([name for name in text_columns(table) if name in header]), label="column"
    )
    row = data.draw(st.integers(1, len(rows) - 1), label="data row")
    field = rows[row][header.index(column)]
    at = data.draw(st.integers(0, len(field)), label="position")
    rows[row][header.index(column)] = field[:at] + char + field[at:]
    path = tmp_path / table.relative_to(ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(csv_text(rows), encoding="utf-8")

    with pytest.raises(ValidationError) as raised:
        read_csv_validated(path, load_schema(schema_of(table)))
    # The record's line: the header is line 1 and no other record spans lines.
    where = f"{path}, row {row + 1}, column '{column}'"
    named = [str(found) for found in raised.value.violations if str(found).startswith(where)]
    assert named, f"{where} not in {raised.value}"
    if char not in "\n\r":  # a line break is reported as the quoted field it breaks
        assert any(f"U+{ord(char):04X}" in text for text in named), named
        assert any("delete it" in text for text in named), named


def test_a_nul_byte_names_file_line_column_character_and_fix(tmp_path):
    table = RAW / "policy" / "events.csv"
    rows = rows_of(table)
    rows[4][header_index(rows, "label_en")] = "Readmission\x00 agreement initialled"
    path = tmp_path / "events.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        read_csv_validated(path, load_schema(schema_of(table)))
    message = str(raised.value)
    assert (
        f"{path}, row 5, column 'label_en': character 12 is U+0000 (NUL), not allowed in text; "
        "delete it"
    ) in message
    assert len(message.splitlines()) == 2  # the count, and one line for the one problem


def test_a_right_to_left_override_is_named(tmp_path):
    table = RAW / "policy" / "events.csv"
    rows = rows_of(table)
    rows[2][header_index(rows, "note")] = "ok \u202etxt.exe"
    path = tmp_path / "events.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"row 3, column 'note': character 4 is U\+202E "):
        read_csv_validated(path, load_schema(schema_of(table)))


def header_index(rows: list[list[str]], column: str) -> int:
    return rows[0].index(column)


def test_the_committed_tables_hold_no_forbidden_character():
    for table in TABLES:
        read_csv_validated(table, load_schema(schema_of(table)))


# --------------------------------------------------------------------------- stray quotes


def events_with(tmp_path: Path, line: int, old: str, new: str) -> Path:
    """data/raw/policy/events.csv with ``old`` replaced by ``new`` in ``line``."""
    lines = (RAW / "policy" / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / "events.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def quote_message(path: Path) -> str:
    with pytest.raises(ValidationError) as raised:
        read_csv_validated(path, load_schema(SCHEMAS / "events.yaml"))
    return str(raised.value)


def field_start(line: str, number: int) -> int:
    """Where field ``number`` (from 0) of a CSV line begins."""
    starts, quoted = [0], False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(index + 1)
    return starts[number]


def test_a_stray_quote_names_the_line_and_column_where_it_opened(tmp_path):
    # Before: "Error tokenizing data. C error: Expected 14 fields in line 5, saw 20".
    lines = (RAW / "policy" / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    start = field_start(lines[4], 11)  # the unquoted `verified` field of line 5
    lines[4] = lines[4][:start] + '"' + lines[4][start:]
    path = tmp_path / "events.csv"
    path.write_text("".join(lines), encoding="utf-8")
    message = quote_message(path)
    assert "Expected 14 fields" not in message
    assert f"{path}, row 5, column 'verified': the quote that opens this field on line 5" in message
    assert 'close it with a quote at the end of the field, or double it ("")' in message
    assert len(message.splitlines()) == 2


def test_a_quote_never_closed_names_its_line(tmp_path):
    path = events_with(tmp_path, 3, "helsinki_candidate,", "helsinki_candidate,")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + 'late_event,"2020-01-01,day\n', encoding="utf-8")
    line = len(text.splitlines()) + 1
    message = quote_message(path)
    assert (
        f"row {line}, column 'date': the quote that opens this field on line {line} is never "
        "closed" in message
    )


def test_a_quoted_field_that_spans_lines_is_named(tmp_path):
    path = events_with(tmp_path, 3, "Helsinki: candidate status", '"Helsinki:\ncandidate status"')
    assert "row 3, column 'label_en': the quoted field runs from line 3 to line 4" in quote_message(
        path
    )


def test_a_doubled_quote_inside_a_field_is_no_stray_quote(tmp_path):
    path = events_with(
        tmp_path, 3, "Helsinki: candidate status", '"Helsinki: ""candidate"" status"'
    )
    frame = read_csv_validated(path, load_schema(SCHEMAS / "events.yaml"))
    assert frame.loc[1, "label_en"] == 'Helsinki: "candidate" status'


def test_character_names_are_readable():
    from paperkit.validate import character_name

    assert character_name("\x00") == "U+0000 (NUL)"
    assert character_name("\u202e") == f"U+202E ({unicodedata.name(chr(0x202E))})"
    assert character_name("\x85") == "U+0085 (a control character)"
