"""Assemble the harmonisation indices from the validated inputs (the indices rule's logic)."""

from __future__ import annotations

import datetime as dt
from itertools import product
from pathlib import Path

import pandas as pd

from analysis.coding import benchmark_violations, read_alignment, read_table
from analysis.indices import legislative_index, policy_index, practice_components, practice_index
from analysis.manuscript import number_entry
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


def coding_numbers(alignment: pd.DataFrame) -> dict[str, dict]:
    """Size and verification status of the alignment coding, for the data section."""
    requirements = alignment.drop_duplicates("requirement_id")
    counts = alignment["verified"].value_counts()

    def count(value: int, description: str) -> dict:
        return number_entry(int(value), "count", description)

    return {
        "coding_rows": count(len(alignment), "Rows (requirement × interval) of the coding."),
        "coding_requirements": count(len(requirements), "EU requirements coded."),
        "coding_applicable": count(
            requirements["applicable"].sum(), "Requirements applicable to a non-member."
        ),
        "coding_not_applicable": count(
            (~requirements["applicable"]).sum(), "Requirements not applicable to a non-member."
        ),
        "coding_instruments": count(
            alignment["eu_instrument_id"].nunique(), "EU instruments with coded requirements."
        ),
        **{
            f"coding_verified_{status}": count(
                counts.get(status, 0), f"Coding rows with verification status '{status}'."
            )
            for status in ("yes", "partial", "no")
        },
    }


def index_numbers(results: dict[str, pd.DataFrame], key_years: list[int]) -> dict[str, dict]:
    """Index levels in the key years and at their peaks, the largest de jure–practice gap,
    sensitivity ranges. A level that is undefined (no data that year) is left out, so a
    placeholder quoting it fails the build instead of printing a blank."""
    annual = results["annual"].set_index("year")
    last = int(annual.index.max())

    def decimal(value: float, description: str) -> dict:
        return number_entry(float(value), "decimal", description, 2)

    def year(value: int, description: str) -> dict:
        return number_entry(int(value), "year", description)

    numbers: dict[str, dict] = {"index_last_year": year(last, "Last year of the indices.")}
    for name in INDEX_NAMES:
        series = annual[name].dropna()
        for key_year in key_years:
            if key_year in series.index:
                numbers[f"{name}_index_{key_year}"] = decimal(
                    series.loc[key_year], f"{name.capitalize()} index, 31 December {key_year}."
                )
        if not series.empty:
            numbers[f"{name}_index_last"] = decimal(series.iloc[-1], f"{name} index, last year")
            numbers[f"{name}_index_max"] = decimal(series.max(), f"Highest {name} index.")
            numbers[f"{name}_index_max_year"] = year(series.idxmax(), f"Year of the {name} peak.")
            numbers[f"{name}_index_first_year"] = year(
                series.index.min(), f"First year the {name} index is defined."
            )
            numbers[f"{name}_index_last_year"] = year(
                series.index.max(), f"Last year the {name} index is defined."
            )
    gap = (annual["legislative"] - annual["practice"]).dropna()
    if not gap.empty:
        numbers["largest_gap"] = decimal(gap.max(), "Largest legislative − practice gap.")
        numbers["largest_gap_year"] = year(gap.idxmax(), "Year of the largest gap.")
        numbers["mean_gap"] = decimal(gap.mean(), "Mean legislative − practice gap.")
        numbers["smallest_gap"] = decimal(gap.min(), "Smallest legislative − practice gap.")
    for component in ("returns", "resettlement", "funding"):
        values = annual[component].dropna()
        numbers[f"practice_{component}_max"] = number_entry(
            float(values.max()),
            "percent",
            f"Highest value of the practice component '{component}'.",
            1,
        )
    groups = results["by_group"]
    for group, value in groups[groups["year"] == last].set_index("group")["index"].items():
        numbers[f"group_index_{group}_last"] = decimal(
            value, f"Legislative index of the '{group}' requirements, last year."
        )
    sensitivity = results["sensitivity"]
    spread = sensitivity.groupby("year")["index"].agg(["min", "max"])
    numbers["legislative_sensitivity_min_last"] = decimal(
        spread.loc[last, "min"], "Lowest legislative index in the last year, all variants."
    )
    numbers["legislative_sensitivity_max_last"] = decimal(
        spread.loc[last, "max"], "Highest legislative index in the last year, all variants."
    )
    verified_only = sensitivity[sensitivity["left_out"] == "unverified"].set_index("year")
    numbers["legislative_verified_only_last"] = decimal(
        verified_only.loc[last, "index"], "Legislative index without unverified requirements."
    )
    return numbers


def event_numbers(events: pd.DataFrame) -> dict[str, dict]:
    """Every timeline date as a number the text can quote: ``{{event_<id>}}`` (a date) and
    ``{{event_<id>_year}}``, so that the prose and the coded timeline cannot disagree."""
    numbers: dict[str, dict] = {}
    for row in events.sort_values("event_id").itertuples(index=False):
        status = "" if row.verified == "yes" else f" (verification: {row.verified})"
        numbers[f"event_{row.event_id}"] = number_entry(
            row.date.strftime("%Y-%m-%d"), "date", f"{row.description_en}{status}"
        )
        numbers[f"event_{row.event_id}_year"] = number_entry(
            int(row.date.year), "year", f"Year: {row.label_en}."
        )
    return numbers


def benchmark_numbers(benchmarks: pd.DataFrame) -> dict[str, dict]:
    """The latest report's count of visa-liberalisation benchmarks met."""
    latest = benchmarks.sort_values("report_date").iloc[-1]

    def count(value: int, description: str) -> dict:
        return number_entry(int(value), "count", description)

    return {
        "visa_benchmarks_total": count(latest["benchmarks_total"], "Roadmap benchmarks."),
        "visa_benchmarks_met_last": count(latest["benchmarks_met"], "Met, latest report."),
        "visa_benchmarks_outstanding_last": count(
            latest["benchmarks_total"] - latest["benchmarks_met"], "Outstanding, latest report."
        ),
        "visa_benchmarks_last_report_year": number_entry(
            int(latest["report_date"].year),
            "year",
            "Year of the latest report counting the benchmarks.",
        ),
    }


def specification_numbers(spec: dict) -> dict[str, dict]:
    """The configured choices the text states (so that the prose follows the config)."""
    credits = spec["sensitivity"]["partial_credit"]
    practice = spec["practice"]

    number = number_entry

    return {
        "partial_credit": number(spec["partial_credit"], "decimal", "Partial credit.", 2),
        "partial_credit_min": number(min(credits), "decimal", "Lowest partial credit tried.", 2),
        "partial_credit_max": number(max(credits), "decimal", "Highest partial credit tried.", 2),
        "index_first_year": number(spec["first_year"], "year", "First year of the indices."),
        "resettlement_ceiling": number(
            practice["resettlement_ceiling"], "count", "1:1 resettlement ceiling of the Statement."
        ),
        "practice_min_components": number(
            practice["min_components"], "count", "Fewest components for a practice index value."
        ),
        "practice_components_total": number(
            len(practice["weights"]), "count", "Components of the practice index."
        ),
    }


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
