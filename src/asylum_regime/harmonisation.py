"""Assemble the harmonisation indices from the validated inputs (the indices rule's logic)."""

from __future__ import annotations

import datetime as dt
from itertools import product
from pathlib import Path

import pandas as pd

from asylum_regime.coding import benchmark_violations, read_alignment, read_table
from asylum_regime.indices import (
    legislative_index,
    policy_index,
    practice_components,
    practice_index,
)
from paperkit.validate import ValidationError

INDEX_NAMES = ("legislative", "policy", "practice")


CODED_TABLES = (
    "eu_instruments",
    "tr_instruments",
    "events",
    "commission_assessments",
    "visa_benchmarks",
    "statement_implementation",
)


def load_coded_inputs(
    files: dict[str, Path],
    alignment: list[Path],
    schemas: dict[str, Path],
    as_of: dt.date | None = None,
) -> dict[str, pd.DataFrame]:
    """Every project-authored table, validated per file and across files.

    ``files`` maps each name in ``CODED_TABLES`` to its CSV, ``alignment`` lists
    the alignment-coding CSVs, ``schemas`` maps a table name to its schema;
    ``as_of`` is the last date any table may hold.
    """
    tables = {name: read_table(files[name], schemas[name], as_of) for name in CODED_TABLES}
    tables["alignment"] = read_alignment(
        sorted(alignment),
        schemas["alignment"],
        tables["eu_instruments"],
        tables["tr_instruments"],
        as_of,
    )
    problems = benchmark_violations(tables["visa_benchmarks"])
    if problems:
        raise ValidationError(problems)
    return tables


def unknown_ids(tables: dict[str, pd.DataFrame], spec: dict) -> list[str]:
    """Every event or instrument id the index configuration names that the inputs lack.

    An id that does not exist would otherwise be dropped without a word (a
    component that never switches on, an instrument that weighs nothing).
    """
    events = set(tables["events"]["event_id"])
    instruments = set(tables["eu_instruments"]["instrument_id"])
    practice = spec["practice"]
    named = {
        "indices.practice.readmission.applies": [practice["readmission"]["applies"]],
        "indices.practice.readmission.suspended": [practice["readmission"]["suspended"]],
        "indices.practice.visa_granted_event": [practice["visa_granted_event"]]
        if practice["visa_granted_event"]
        else [],
        "indices.events_marked": spec["events_marked"],
    }
    problems = [
        f"config {key}: event '{ident}' is not in data/raw/policy/events.csv"
        for key, idents in named.items()
        for ident in idents
        if ident not in events
    ]
    problems += [
        f"config indices.benchmark_instruments: '{ident}' is not in "
        "data/raw/legal/eu_instruments.csv"
        for ident in spec["benchmark_instruments"]
        if ident not in instruments
    ]
    return problems


def harmonisation_indices(
    tables: dict[str, pd.DataFrame], monthly_arrivals: pd.DataFrame, spec: dict
) -> dict[str, pd.DataFrame]:
    """The annual indices, the legislative index by instrument and group, and sensitivity runs."""
    first, last = spec["first_year"], spec["last_year"]
    alignment = tables["alignment"]
    benchmark = alignment[alignment["eu_instrument_id"].isin(spec["benchmark_instruments"])]
    main = {"partial_credit": spec["partial_credit"], "weighting": spec["weighting"]}
    legislative = legislative_index(benchmark, first, last, **main)
    policy_spec = spec["policy"]
    policy = policy_index(
        tables["commission_assessments"],
        tables["visa_benchmarks"],
        policy_spec["preparation_scale"],
        policy_spec["weights"],
        policy_spec["chapter"],
        first,
        last,
    )
    events = tables["events"]
    components = practice_components(
        tables["statement_implementation"],
        monthly_arrivals,
        dict(zip(events["event_id"], events["date"], strict=True)),
        spec["practice"],
        first,
        last,
    )
    practice = practice_index(
        components, spec["practice"]["weights"], spec["practice"]["min_components"]
    )
    annual = (
        legislative.rename(columns={"index": "legislative"})
        .merge(policy.rename(columns={"index": "policy"}), on="year")
        .merge(practice.rename(columns={"index": "practice"}), on="year")
    )
    by_instrument = legislative_index(alignment, first, last, by="eu_instrument_id", **main)
    by_group = legislative_index(benchmark, first, last, by="group", **main)
    return {
        "annual": annual,
        "by_instrument": by_instrument,
        "by_group": by_group,
        "sensitivity": sensitivity(benchmark, spec),
    }


def sensitivity(benchmark: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """The legislative index under each partial credit × weighting, and without each instrument."""
    first, last = spec["first_year"], spec["last_year"]
    variants = []
    choices = spec["sensitivity"]
    for credit, weighting in product(choices["partial_credit"], choices["weighting"]):
        variants.append(
            legislative_index(benchmark, first, last, credit, weighting).assign(
                variant=f"credit={credit}, weighting={weighting}",
                partial_credit=credit,
                weighting=weighting,
                left_out="",
            )
        )
    for instrument in sorted(benchmark["eu_instrument_id"].unique()):
        kept = benchmark[benchmark["eu_instrument_id"] != instrument]
        variants.append(
            legislative_index(kept, first, last, spec["partial_credit"], spec["weighting"]).assign(
                variant=f"without {instrument}",
                partial_credit=spec["partial_credit"],
                weighting=spec["weighting"],
                left_out=instrument,
            )
        )
    # Requirements with any row the coders could not verify, left out together.
    unverified = set(benchmark.loc[benchmark["verified"] == "no", "requirement_id"])
    verified_only = benchmark[~benchmark["requirement_id"].isin(unverified)]
    variants.append(
        legislative_index(
            verified_only, first, last, spec["partial_credit"], spec["weighting"]
        ).assign(
            variant="without unverified requirements",
            partial_credit=spec["partial_credit"],
            weighting=spec["weighting"],
            left_out="unverified",
        )
    )
    return pd.concat(variants, ignore_index=True)[
        ["variant", "partial_credit", "weighting", "left_out", "year", "index"]
    ]


def sensitivity_ranges(sensitivity: pd.DataFrame, year: int) -> list[dict]:
    """The legislative index of ``year`` under each group of sensitivity variants
    (``credit_weighting``, ``leave_one_out``, ``unverified``): its lowest and highest value."""

    def group(left_out: str) -> str:
        if not left_out:
            return "credit_weighting"
        return "unverified" if left_out == "unverified" else "leave_one_out"

    in_year = sensitivity[sensitivity["year"] == year]
    return [
        {"group": name, "low": float(part["index"].min()), "high": float(part["index"].max())}
        for name, part in in_year.assign(group=in_year["left_out"].fillna("").map(group)).groupby(
            "group", sort=False
        )
    ]
