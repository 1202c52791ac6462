"""Project-authored legal and policy inputs: read, validate (per file and across files).

Each CSV is checked against its schema in ``workflow/schemas/tables/``; then
the rules that span rows or files are checked here, each violation naming the
file, row (the CSV line number), column and rule.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from paperkit.validate import ValidationError, Violation, load_schema, read_csv_validated

SCORES = {0.0, 0.5, 1.0}
HEADER_LINES = 1


def read_table(
    path: str | Path, schema_path: str | Path, as_of: dt.date | None = None
) -> pd.DataFrame:
    """A validated, typed table with the CSV line of each row in ``source_row``.

    ``as_of``: no date in the table may lie after it (see ``paperkit.validate``).
    """
    frame = read_csv_validated(path, load_schema(schema_path), as_of)
    return frame.assign(source_file=str(path), source_row=frame.index + 1 + HEADER_LINES)


def _violation(row: pd.Series, column: str | None, rule: str, value=None) -> Violation:
    return Violation(row["source_file"], int(row["source_row"]), column, rule, value)


def alignment_violations(
    coding: pd.DataFrame, eu_ids: set[str], tr_ids: set[str]
) -> list[Violation]:
    """Rules of the alignment coding that one row's schema cannot express."""
    found: list[Violation] = []
    for _, row in coding.iterrows():
        applicable, score = bool(row["applicable"]), row["score"]
        if applicable and pd.isna(score):
            found.append(_violation(row, "score", "a score is required when applicable is true"))
        if not applicable and pd.notna(score):
            found.append(_violation(row, "score", "must be empty when applicable is false", score))
        if pd.notna(score) and float(score) not in SCORES:
            found.append(_violation(row, "score", "must be 0, 0.5 or 1", score))
        if applicable and pd.isna(row["valid_from"]):
            found.append(_violation(row, "valid_from", "a start date is required when applicable"))
        if (
            pd.notna(row["valid_to"])
            and pd.notna(row["valid_from"])
            and row["valid_to"] < row["valid_from"]
        ):
            found.append(
                _violation(
                    row, "valid_to", "must not be before valid_from", str(row["valid_to"].date())
                )
            )
        if row["eu_instrument_id"] not in eu_ids:
            found.append(
                _violation(
                    row,
                    "eu_instrument_id",
                    "must name an instrument in eu_instruments.csv",
                    row["eu_instrument_id"],
                )
            )
        if pd.notna(row["tr_instrument_id"]) and row["tr_instrument_id"] not in tr_ids:
            found.append(
                _violation(
                    row,
                    "tr_instrument_id",
                    "must name an instrument in tr_instruments.csv",
                    row["tr_instrument_id"],
                )
            )
    for requirement, rows in coding.groupby("requirement_id", sort=True):
        for column in ("group", "eu_instrument_id", "requirement_en"):
            if rows[column].nunique() > 1:
                found.append(
                    _violation(
                        rows.iloc[1], column, f"must be the same in every row of {requirement}"
                    )
                )
        if rows["source_file"].nunique() > 1:
            found.append(
                _violation(
                    rows.iloc[-1], "requirement_id", f"{requirement} is also coded in another file"
                )
            )
        dated = rows[rows["applicable"]].sort_values("valid_from")
        ends = [end if pd.notna(end) else pd.Timestamp.max for end in dated["valid_to"]]
        for (_, later), previous_end in zip(dated.iloc[1:].iterrows(), ends[:-1], strict=True):
            if later["valid_from"] <= previous_end:
                found.append(
                    _violation(
                        later,
                        "valid_from",
                        f"interval overlaps the previous interval of {requirement}",
                        str(later["valid_from"].date()),
                    )
                )
    return found


def read_alignment(
    paths: list[str | Path],
    schema_path: str | Path,
    eu: pd.DataFrame,
    tr: pd.DataFrame,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """All alignment files, validated one by one and together."""
    coding = pd.concat(
        [read_table(path, schema_path, as_of) for path in sorted(map(str, paths))],
        ignore_index=True,
    )
    problems = alignment_violations(coding, set(eu["instrument_id"]), set(tr["instrument_id"]))
    if problems:
        raise ValidationError(problems)
    return coding


def benchmark_violations(benchmarks: pd.DataFrame) -> list[Violation]:
    return [
        _violation(row, "benchmarks_met", "must not exceed benchmarks_total", row["benchmarks_met"])
        for _, row in benchmarks.iterrows()
        if row["benchmarks_met"] > row["benchmarks_total"]
    ]
