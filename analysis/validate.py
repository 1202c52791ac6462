"""Validate a table against a column schema, naming file, row, column and rule.

Schemas are YAML files under ``workflow/schemas/tables/``::

    title: ...
    row_origin: 2          # row number of the first data row (2 for a CSV with a header)
    primary_key: [year, coo_iso, coa_iso]
    columns:
      year: {type: integer, required: true, minimum: 1951}
      coo_iso: {type: string, required: true, pattern: "^[A-Z]{3}$"}

Column rules: ``type`` (integer, number, string, date, boolean), ``required``
(no missing values), ``pattern`` (full match), ``enum``, ``minimum``, ``maximum``.
Table rules: every schema column present, no unexpected column (unless
``extra_columns: true``), ``primary_key`` unique.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

MAX_REPORTED = 10
BOOLEAN_WORDS = {"true": True, "false": False}


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


def load_schema(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _typed(series: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Return the column converted to ``kind`` and a mask of present values that failed."""
    present = series.notna() & (series.astype("string").str.strip() != "")
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


def violations(frame: pd.DataFrame, schema: dict, file: str) -> list[Violation]:
    """Every way ``frame`` breaks ``schema`` (empty list: valid)."""
    origin = schema.get("row_origin", 1)
    columns: dict = schema["columns"]
    found: list[Violation] = []
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
        present = raw.notna() & (raw.astype("string").str.strip() != "")
        if rule.get("required"):
            flag(~present, name, "a value is required", raw)
        typed, bad_type = _typed(raw, rule["type"])
        flag(bad_type, name, f"must be of type {rule['type']}", raw)
        ok = present & ~bad_type
        if "pattern" in rule:
            matches = raw.astype("string").str.fullmatch(rule["pattern"]).fillna(False)
            flag(ok & ~matches.astype(bool), name, f"must match pattern {rule['pattern']}", raw)
        if "enum" in rule:
            allowed = [str(v) for v in rule["enum"]]
            inside = raw.astype("string").isin(allowed).fillna(False).astype(bool)
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
    key = schema.get("primary_key")
    if key and not missing:
        duplicated = frame.duplicated(key, keep="first")
        found.extend(
            Violation(
                file,
                int(rows[i]),
                ", ".join(key),
                "duplicate primary key",
                tuple(frame.loc[i, key]),
            )
            for i in duplicated[duplicated].index
        )
    return found


def validate(frame: pd.DataFrame, schema: dict, file: str) -> pd.DataFrame:
    """Return ``frame`` unchanged if it satisfies ``schema``; raise ValidationError otherwise."""
    problems = violations(frame, schema, file)
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


def read_csv_validated(path, schema: dict) -> pd.DataFrame:
    """Read a project-authored CSV as text, validate it, return it typed."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return coerce(validate(frame, schema, str(path)), schema)
