"""Validate a table against a column schema, naming file, row, column and rule.

Schemas are YAML files under ``workflow/schemas/tables/``::

    title: ...
    row_origin: 2          # row number of the first data row (2 for a CSV with a header)
    min_rows: 1            # fewer data rows (e.g. a header-only file) is an error
    primary_key: [year, coo_iso, coa_iso]
    columns:
      year: {type: integer, required: true, minimum: 1951}
      coo_iso: {type: string, required: true, pattern: "^[A-Z]{3}$"}

Column rules: ``type`` (integer, number, string, date, boolean), ``required``
(no missing values), ``pattern`` (full match), ``enum``, ``minimum``, ``maximum``,
and for dates ``allow_future`` (by default a date after the inputs' as-of date,
or after the day of the build, is an error). Table rules: every schema column
present, no unexpected column (unless ``extra_columns: true``), at least
``min_rows`` rows, ``primary_key`` unique (a duplicate names every row that
shares the key). Status rules (``status``): a table whose rows carry a status
(e.g. ``verified``: ``no`` < ``partial`` < ``yes``) may declare wording that caps
it, so that a codebook's rule such as "a note that says 'not seen' cannot carry
``yes``" is checked, not remembered::

    status:
      column: verified
      order: ["no", "partial", "yes"]     # lowest first
      limits:
        - columns: [note]
          pattern: "(?i)\\bnot seen\\b|\\brecalled\\b"
          at_most: partial
          says: "'not seen' or 'recalled'"

Text rules of the project-authored tables (``read_csv_validated``): no text field
holds a control character (C0, DEL, C1: a NUL, a tab or a line break among them), a
line or paragraph separator, or a bidirectional formatting character (U+202E
RIGHT-TO-LEFT OVERRIDE and its kin, which make a cell read otherwise than it is
stored); a quote that opens a field is closed on the same line. Each is reported at
its line and column, with the fix. The downloaded sources are taken as they are
published.

The schema files are themselves checked against
``paperkit/schemas/table.schema.yaml`` before use, so that a misspelt rule is an
error rather than a rule that never applies.

This module is written for the project's tables rather than taken from a
table-validation library (pandera, frictionless): the rules are few, every
message must name file, row and column in the file's own numbering, and the
validating jobs stay free of the extra imports (pandera costs about 0.4 s per
process). The schemas follow the shape of a Frictionless Table Schema.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from paperkit.inputs import UNSEEN_CHARACTERS, character_name
from paperkit.jsonschemas import machinery_schema, schema_problems

MAX_REPORTED = 10
BOOLEAN_WORDS = {"true": True, "false": False}
# Characters no text field of a project-authored table may hold: the C0 controls (in a
# CSV field a tab or a line break is a pasting accident, never content), DEL, the C1
# controls, the line and paragraph separators, and the bidirectional formatting
# characters (Unicode's Bidi_Control: marks, embeddings, overrides, isolates), which
# make a cell display otherwise than it is stored.
FORBIDDEN_IN_TEXT = re.compile(f"[\x00-\x1f{UNSEEN_CHARACTERS}]")
QUOTE_FIX = 'close it with a quote at the end of the field, or double it ("") to write a quote'


@dataclass(frozen=True)
class Violation:
    file: str
    row: int | None  # in the file's own numbering (CSV: the line number); None for table rules
    column: str | None
    rule: str
    value: object = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{', '.join(where)}: {self.rule}{shown}"


class ValidationError(ValueError):
    """The table broke its schema; ``violations`` lists where and how."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        lines = [str(v) for v in violations[:MAX_REPORTED]]
        if len(violations) > MAX_REPORTED:
            lines.append(f"... and {len(violations) - MAX_REPORTED} more")
        super().__init__(f"{len(violations)} schema violation(s):\n  " + "\n  ".join(lines))


class SchemaError(ValueError):
    """A table schema file breaks the schema of schemas."""


def load_schema(path: str | Path) -> dict:
    """A table schema, checked against ``paperkit/schemas/table.schema.yaml``."""
    with open(path, encoding="utf-8") as handle:
        schema = yaml.safe_load(handle)
    if lines := schema_problems(schema, machinery_schema("table")):
        raise SchemaError(f"{path}: not a valid table schema:\n  " + "\n  ".join(lines))
    if problems := _status_rule_problems(schema):
        raise SchemaError(f"{path}: not a valid table schema:\n  " + "\n  ".join(problems))
    return schema


def _status_rule_problems(schema: dict) -> list[str]:
    """What the schema of schemas cannot say about ``status``: its columns exist, its
    caps are statuses of its order, its patterns compile."""
    status = schema.get("status")
    if not status:
        return []
    columns, order = schema["columns"], status["order"]
    problems = []
    if status["column"] not in columns:
        problems.append(f"status.column: '{status['column']}' is not a column of the schema")
    elif "enum" in columns[status["column"]] and set(
        map(str, columns[status["column"]]["enum"])
    ) != set(order):
        problems.append(f"status.order: {order} are not the values of column '{status['column']}'")
    for number, limit in enumerate(status["limits"]):
        where = f"status.limits.{number}"
        problems += [
            f"{where}.columns: '{name}' is not a column of the schema"
            for name in limit["columns"]
            if name not in columns
        ]
        if limit["at_most"] not in order:
            problems.append(f"{where}.at_most: '{limit['at_most']}' is not one of {order}")
        try:
            re.compile(limit["pattern"])
        except re.error as error:
            problems.append(f"{where}.pattern: {error}")
    return problems


def _present(series: pd.Series) -> pd.Series:
    """A mask of the values that are there: not missing and, for text, not blank. A
    number, date or truth value is never blank, so only text is written out and stripped
    (for a source table of 140,000 rows, that was two thirds of its validation)."""
    if (
        pd.api.types.is_numeric_dtype(series)
        or pd.api.types.is_datetime64_any_dtype(series)
        or pd.api.types.is_bool_dtype(series)
    ):
        return series.notna()
    return series.notna() & (series.astype("string").str.strip() != "")


def _typed(
    series: pd.Series, kind: str, present: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """Return the column converted to ``kind`` and a mask of present values that failed
    (``present``: the column's ``_present`` mask, when the caller has it already)."""
    if present is None:
        present = _present(series)
    if kind == "string":
        return series.astype("string"), pd.Series(False, index=series.index)
    if kind in ("integer", "number"):
        numbers = pd.to_numeric(series, errors="coerce")
        bad = present & numbers.isna()
        if kind == "integer":
            bad |= present & numbers.notna() & (numbers % 1 != 0)
        return numbers, bad
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(series):
            return series, pd.Series(False, index=series.index)
        dates = pd.to_datetime(series.astype("string"), format="%Y-%m-%d", errors="coerce")
        return dates, present & dates.isna()
    if kind == "boolean":
        if pd.api.types.is_bool_dtype(series):
            return series, pd.Series(False, index=series.index)
        words = series.astype("string").str.strip().str.lower().map(BOOLEAN_WORDS)
        return words, present & words.isna()
    raise ValueError(f"unknown column type {kind!r} in schema")


def forbidden_text(
    frame: pd.DataFrame, schema: dict, file: str, rows: pd.Series
) -> list[Violation]:
    """The text fields that hold a character of ``FORBIDDEN_IN_TEXT``: the first such
    character of each field, with its place in the field (every text column of the
    schema, and every column the schema does not know)."""
    columns = schema["columns"]
    found = []
    for name in frame.columns:
        if name in columns and columns[name]["type"] != "string":
            continue  # a control character there fails the column's type
        text = frame[name].astype("string")
        hits = text.str.contains(FORBIDDEN_IN_TEXT).fillna(False).astype(bool)
        for index in hits[hits].index:
            value = text[index]
            match = FORBIDDEN_IN_TEXT.search(value)
            count = len(FORBIDDEN_IN_TEXT.findall(value))
            more = f" ({count} such characters in the field)" if count > 1 else ""
            found.append(
                Violation(
                    file,
                    int(rows[index]),
                    str(name),
                    f"character {match.start() + 1} is {character_name(match.group())}, "
                    f"not allowed in text{more}; delete it (a text field holds no control, "
                    "line-break or bidirectional formatting characters)",
                    value[max(match.start() - 20, 0) : match.end() + 20],
                )
            )
    return found


def violations(
    frame: pd.DataFrame,
    schema: dict,
    file: str,
    as_of: dt.date | None = None,
    plain_text: bool = False,
) -> list[Violation]:
    """Every way ``frame`` breaks ``schema`` (empty list: valid).

    ``as_of``: the last date the table may hold (the inputs' as-of date or the
    build date, whichever is earlier); later dates are errors unless the column
    allows future dates. None: no such check. ``plain_text``: no text field may
    hold a control or bidirectional formatting character (``forbidden_text``; the
    project-authored tables).
    """
    origin = schema.get("row_origin", 1)
    columns: dict = schema["columns"]
    found: list[Violation] = []
    if len(frame) < schema.get("min_rows", 0):
        found.append(
            Violation(
                file,
                None,
                None,
                f"has {len(frame)} data row(s), fewer than the {schema['min_rows']} "
                "its schema requires",
            )
        )
    missing = [name for name in columns if name not in frame.columns]
    found += [Violation(file, None, name, "required column is missing") for name in missing]
    if not schema.get("extra_columns", False):
        found += [
            Violation(file, None, name, "column is not in the schema")
            for name in frame.columns
            if name not in columns
        ]
    rows = pd.Series(range(origin, origin + len(frame)), index=frame.index)

    def flag(mask: pd.Series, column: str, rule: str, values: pd.Series) -> None:
        found.extend(
            Violation(file, int(rows[i]), column, rule, values[i]) for i in mask[mask].index
        )

    for name, rule in columns.items():
        if name in missing:
            continue
        raw = frame[name]
        present = _present(raw)
        if rule.get("required"):
            flag(~present, name, "a value is required", raw)
        typed, bad_type = _typed(raw, rule["type"], present)
        flag(bad_type, name, f"must be of type {rule['type']}", raw)
        ok = present & ~bad_type
        text = raw.astype("string") if "pattern" in rule or "enum" in rule else None
        if "pattern" in rule:
            matches = text.str.fullmatch(rule["pattern"]).fillna(False)
            flag(ok & ~matches.astype(bool), name, f"must match pattern {rule['pattern']}", raw)
        if "enum" in rule:
            allowed = [str(v) for v in rule["enum"]]
            inside = text.isin(allowed).fillna(False).astype(bool)
            flag(ok & ~inside, name, f"must be one of {allowed}", raw)
        if "minimum" in rule:
            flag(
                ok & (typed < rule["minimum"]).fillna(False),
                name,
                f"must be >= {rule['minimum']}",
                raw,
            )
        if "maximum" in rule:
            flag(
                ok & (typed > rule["maximum"]).fillna(False),
                name,
                f"must be <= {rule['maximum']}",
                raw,
            )
        if rule["type"] == "date" and as_of is not None and not rule.get("allow_future"):
            flag(
                ok & (typed > pd.Timestamp(as_of)).fillna(False),
                name,
                f"must not be after {as_of.isoformat()} (the inputs' as-of date or the day "
                "of the build); a future date is allowed only where the schema says "
                "allow_future",
                raw,
            )
    if plain_text:
        found += forbidden_text(frame, schema, file, rows)
    if (status := schema.get("status")) and status["column"] not in missing:
        found += _status_violations(frame, status, file, rows, missing)
    key = schema.get("primary_key")
    if key and not missing:
        duplicated = frame[frame.duplicated(key, keep=False)]
        for values, group in duplicated.groupby(key, sort=False, dropna=False):
            numbers = [int(rows[i]) for i in group.index]
            found.append(
                Violation(
                    file,
                    numbers[1],
                    ", ".join(key),
                    "duplicate primary key: rows " + ", ".join(map(str, numbers)) + " share it",
                    values if isinstance(values, tuple) else (values,),
                )
            )
    return found


def _status_violations(
    frame: pd.DataFrame, status: dict, file: str, rows: pd.Series, missing: list[str]
) -> list[Violation]:
    """Rows whose wording caps their status lower than the status they carry."""
    column, order = status["column"], list(status["order"])
    statuses = frame[column].astype("string").fillna("")
    found = []
    for limit in status["limits"]:
        ceiling = order.index(limit["at_most"])
        pattern = re.compile(limit["pattern"])
        for name in (name for name in limit["columns"] if name not in missing):
            texts = frame[name].astype("string").fillna("")
            for index in frame.index:
                value = statuses[index]
                if value not in order or order.index(value) <= ceiling:
                    continue  # an unknown status is the enum rule's to report
                if match := pattern.search(texts[index]):
                    found.append(
                        Violation(
                            file,
                            int(rows[index]),
                            column,
                            f"'{name}' says {limit['says']} (\"{match.group(0)}\"), so "
                            f"'{column}' may be at most '{limit['at_most']}' (status rule of "
                            "the codebook)",
                            value,
                        )
                    )
    return found


def validate(
    frame: pd.DataFrame,
    schema: dict,
    file: str,
    as_of: dt.date | None = None,
    plain_text: bool = False,
) -> pd.DataFrame:
    """Return ``frame`` unchanged if it satisfies ``schema``; raise ValidationError otherwise."""
    problems = violations(frame, schema, file, as_of, plain_text)
    if problems:
        raise ValidationError(problems)
    return frame


def coerce(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Convert a validated table of strings to the schema's types (blank → missing)."""
    converted = {}
    for name, rule in schema["columns"].items():
        raw = frame[name].astype("string").str.strip().replace("", pd.NA)
        typed, _ = _typed(raw, rule["type"])
        if rule["type"] == "integer":
            typed = typed.astype("Int64")
        elif rule["type"] == "boolean":
            typed = typed.astype("boolean")
        elif rule["type"] == "string":
            typed = raw.astype("str")
        converted[name] = typed
    return pd.DataFrame(converted, index=frame.index)


def effective_as_of(as_of: dt.date | str) -> dt.date:
    """The last date a project-authored table may hold: its declared as-of date, or
    the day of the build if that is earlier (no row may describe the future)."""
    declared = dt.date.fromisoformat(str(as_of))
    return min(declared, dt.date.today())


def read_csv_text(path: str | Path) -> str:
    """A CSV file's text; an empty file or one that is not UTF-8 is an error naming the line."""
    data = Path(path).read_bytes()
    if not data.strip():
        raise ValidationError(
            [Violation(str(path), None, None, "the file is empty (a header line is required)")]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex()
        raise ValidationError(
            [
                Violation(
                    str(path),
                    None,
                    None,
                    f"line {line} is not valid UTF-8 (byte 0x{byte}); save the file as "
                    "UTF-8 (it may be in a legacy encoding such as cp1254)",
                )
            ]
        ) from None


def quote_violation(text: str, file: str) -> Violation | None:
    """The first field whose opening quote is not closed on its own line, or that holds
    a carriage return outside quotes, if any.

    A CSV field that begins with a quote runs to the next single quote (``""`` is a
    quote inside it). A quote typed at the start of a field and never closed makes
    the parser swallow the following fields and lines, and pandas then reports a
    field count at some later line ("Expected 14 fields in line 5, saw 22"); this
    names the line and column where the quote opened. No field of a project-authored
    table spans lines, so a quoted field that does is reported here too.
    """
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    line, field, at_start, index, end, begun = 1, 0, True, 0, len(text), 0
    while index < end:
        char = text[index]
        if char == "\r" and not text.startswith("\r\n", index):
            # A carriage return alone ends a record for the parser, and the rows no longer
            # match the file's lines: a pasting accident, like any control character.
            column = header[field] if field < len(header) else f"field {field + 1}"
            return Violation(
                file,
                line,
                column,
                f"character {index - begun + 1} is U+000D (CARRIAGE RETURN) without a line "
                "feed; delete it (a text field holds no control or line-break character)",
            )
        if at_start and char == '"':
            opened, closed_at = line, None
            index += 1
            while closed_at is None:
                quote = text.find('"', index)
                if quote < 0:
                    break
                line += text.count("\n", index, quote)
                if text.startswith('""', quote):
                    index = quote + 2
                else:
                    closed_at = index = quote + 1
            column = header[field] if field < len(header) else f"field {field + 1}"
            if closed_at is None:
                rule = (
                    f"the quote that opens this field on line {opened} is never closed; {QUOTE_FIX}"
                )
            elif index < end and text[index] not in ",\r\n":
                rule = (
                    f"the quote that opens this field on line {opened} ends on line {line} "
                    f"before {text[index : index + 20]!r}; {QUOTE_FIX}"
                )
            elif line != opened:
                rule = (
                    f"the quoted field runs from line {opened} to line {line} (a field holds no "
                    f"line break); {QUOTE_FIX}, or join the field's text onto one line"
                )
            else:
                at_start = False
                continue
            return Violation(file, opened, column, rule)
        if char == ",":
            field, at_start, begun = field + 1, True, index + 1
        elif char == "\n":
            line, field, at_start, begun = line + 1, 0, True, index + 1
        else:
            at_start = False
        index += 1
    return None


def read_csv_validated(path, schema: dict, as_of: dt.date | None = None) -> pd.DataFrame:
    """Read a project-authored CSV as text, validate it (with the text rules of
    ``forbidden_text`` and ``quote_violation``), return it typed."""
    text = read_csv_text(path)
    if stray := quote_violation(text, str(path)):
        raise ValidationError([stray])
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as error:  # pandas names the line; add the file
        raise ValidationError([Violation(str(path), None, None, str(error))]) from None
    return coerce(validate(frame, schema, str(path), as_of, plain_text=True), schema)
