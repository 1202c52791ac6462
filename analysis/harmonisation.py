"""Assemble the harmonisation indices from the validated inputs (the indices rule's logic)."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pandas as pd

from analysis.coding import benchmark_violations, read_alignment, read_table
from analysis.indices import legislative_index, policy_index, practice_components, practice_index
from analysis.validate import ValidationError

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
    files: dict[str, Path], alignment: list[Path], schemas: dict[str, Path]
) -> dict[str, pd.DataFrame]:
    """Every project-authored table, validated per file and across files.

    ``files`` maps each name in ``CODED_TABLES`` to its CSV, ``alignment`` lists
    the alignment-coding CSVs, ``schemas`` maps a table name to its schema.
    """
    tables = {name: read_table(files[name], schemas[name]) for name in CODED_TABLES}
    tables["alignment"] = read_alignment(
        sorted(alignment), schemas["alignment"], tables["eu_instruments"], tables["tr_instruments"]
    )
    problems = benchmark_violations(tables["visa_benchmarks"])
    if problems:
        raise ValidationError(problems)
    return tables


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
    practice = practice_index(components, spec["practice"]["weights"])
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
    return pd.concat(variants, ignore_index=True)[
        ["variant", "partial_credit", "weighting", "left_out", "year", "index"]
    ]


def index_numbers(results: dict[str, pd.DataFrame], key_years: list[int]) -> dict[str, dict]:
    """Index levels in the key years, the largest de jure–practice gap, sensitivity ranges."""
    annual = results["annual"].set_index("year")
    numbers: dict[str, dict] = {}
    for name in INDEX_NAMES:
        for year in key_years:
            value = annual.loc[year, name]
            numbers[f"{name}_index_{year}"] = {
                "value": None if pd.isna(value) else float(value),
                "kind": "decimal",
                "digits": 2,
                "description": f"{name.capitalize()} harmonisation index, 31 December {year}.",
            }
    gap = (annual["legislative"] - annual["practice"]).dropna()
    if not gap.empty:
        numbers["largest_gap"] = {
            "value": float(gap.max()),
            "kind": "decimal",
            "digits": 2,
            "description": "Largest gap, legislative minus practice index.",
        }
        numbers["largest_gap_year"] = {
            "value": int(gap.idxmax()),
            "kind": "year",
            "description": "Year of the largest legislative–practice gap.",
        }
    spread = results["sensitivity"].groupby("year")["index"].agg(["min", "max"])
    last = int(annual.index.max())
    numbers["legislative_sensitivity_min_last"] = {
        "value": float(spread.loc[last, "min"]),
        "kind": "decimal",
        "digits": 2,
        "description": "Lowest legislative index in the last year across sensitivity variants.",
    }
    numbers["legislative_sensitivity_max_last"] = {
        "value": float(spread.loc[last, "max"]),
        "kind": "decimal",
        "digits": 2,
        "description": "Highest legislative index in the last year across sensitivity variants.",
    }
    return numbers


def event_numbers(events: pd.DataFrame) -> dict[str, dict]:
    """Every timeline date as a number the text can quote: ``{{event_<id>}}`` (a date) and
    ``{{event_<id>_year}}``, so that the prose and the coded timeline cannot disagree."""
    numbers: dict[str, dict] = {}
    for row in events.sort_values("event_id").itertuples(index=False):
        status = "" if row.verified == "yes" else f" (verification: {row.verified})"
        numbers[f"event_{row.event_id}"] = {
            "value": row.date.strftime("%Y-%m-%d"),
            "kind": "date",
            "description": f"{row.description_en}{status}",
        }
        numbers[f"event_{row.event_id}_year"] = {
            "value": int(row.date.year),
            "kind": "year",
            "description": f"Year: {row.label_en}.",
        }
    return numbers
