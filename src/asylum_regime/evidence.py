"""Which unverified input rows a result rests on.

Every coded input row carries a verification status (``yes``, ``partial``,
``no``; the codebooks in ``data/raw/legal`` and ``data/raw/policy``). A number
computed from rows with status ``no`` says so: its results entry lists their ids
(``paperkit.numbers.number_entry(..., unverified=...)``), and a claim that uses
it must carry a hedge (``paperkit.claims``). Row ids are ``<table>:<key>``:
``alignment:P02@2014-04-11`` (requirement and the start of its interval; a
requirement without an interval is ``alignment:D02``), ``events:law7196``,
``statement_implementation:returns_greece_to_turkey@2016-12-31``,
``commission_assessments:2016/24``, ``visa_benchmarks:2016-05-04``.
"""

from __future__ import annotations

import pandas as pd

UNVERIFIED = "no"


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def row_id(table: str, row: pd.Series) -> str:
    """The stable id of one row of a coded input table."""
    if table == "alignment":
        start = row["valid_from"]
        return f"alignment:{row['requirement_id']}" + (f"@{_day(start)}" if pd.notna(start) else "")
    if table == "events":
        return f"events:{row['event_id']}"
    if table == "statement_implementation":
        return f"statement_implementation:{row['indicator']}@{_day(row['as_of_date'])}"
    if table == "commission_assessments":
        return f"commission_assessments:{row['report_year']}/{row['chapter']}"
    if table == "visa_benchmarks":
        return f"visa_benchmarks:{_day(row['report_date'])}"
    if table in ("tr_instruments", "eu_instruments"):
        return f"{table}:{row['instrument_id']}"
    raise ValueError(f"no row ids for table {table!r}")


def unverified_ids(table: str, rows: pd.DataFrame) -> list[str]:
    """The ids of the rows of ``rows`` (a table named ``table``) with status ``no``."""
    return sorted(row_id(table, row) for _, row in rows[rows["verified"] == UNVERIFIED].iterrows())


def index_unverified(
    tables: dict[str, pd.DataFrame], spec: dict, choices: dict
) -> dict[str, list[str]]:
    """Index name → the unverified rows the main specification's index rests on.

    Mirrors ``asylum_regime.harmonisation``: with ``unverified: exclude`` the inputs
    are first reduced to the verified ones (``verified_only``); the legislative index
    reads the applicable requirements of the benchmark instruments, the policy index
    the assessments of its chapter and the visa benchmarks, the practice index the
    implementation figures and the events its components are dated by.
    """
    from asylum_regime.harmonisation import verified_only

    if choices["unverified"] == "exclude":
        tables = verified_only(tables)
    coding = tables["alignment"]
    benchmark = coding[
        coding["eu_instrument_id"].isin(spec["benchmark_instruments"])
        & coding["applicable"].astype(bool)
    ]
    assessments = tables["commission_assessments"]
    practice = spec["practice"]
    event_ids = {
        practice["readmission"]["applies"],
        *practice["readmission"]["ends"].values(),
        practice.get("visa_granted_event"),
        practice.get("returns_stopped"),
    } - {None}
    events = tables["events"]
    return {
        "legislative": unverified_ids("alignment", benchmark),
        "policy": sorted(
            unverified_ids(
                "commission_assessments",
                assessments[assessments["chapter"] == spec["policy"]["chapter"]],
            )
            + unverified_ids("visa_benchmarks", tables["visa_benchmarks"])
        ),
        "practice": sorted(
            unverified_ids("statement_implementation", tables["statement_implementation"])
            + unverified_ids("events", events[events["event_id"].isin(event_ids)])
        ),
    }
