"""Assemble the harmonisation indices from the validated inputs (the indices rule's logic)."""

from __future__ import annotations

import datetime as dt
from itertools import product
from pathlib import Path

import pandas as pd

from asylum_regime.coding import benchmark_violations, read_alignment, read_table
from asylum_regime.indices import (
    annual_scores,
    decoupling_test,
    legislative_index,
    policy_index,
    practice_components,
    practice_index,
)
from paperkit.numbers import number_entry
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
        "indices.practice.readmission.ends": list(practice["readmission"]["ends"].values()),
        "indices.practice.returns_stopped": [practice["returns_stopped"]],
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


def verified_only(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The inputs without what the coders could not verify: requirements with any row
    marked ``no``, and implementation figures and events marked ``no``."""
    alignment = tables["alignment"]
    unverified = set(alignment.loc[alignment["verified"] == "no", "requirement_id"])
    return {
        **tables,
        "alignment": alignment[~alignment["requirement_id"].isin(unverified)],
        "statement_implementation": tables["statement_implementation"].query("verified != 'no'"),
        "events": tables["events"].query("verified != 'no'"),
    }


def disputed_units(second_coding: pd.DataFrame) -> pd.DataFrame:
    """The units the two independent codings scored differently (``requirement_id``,
    ``valid_from``), whatever the reconciliation made of them."""
    differ = second_coding["first_score"].astype(float) != second_coding["second_score"].astype(
        float
    )
    return second_coding.loc[differ, ["requirement_id", "valid_from"]].reset_index(drop=True)


def agreed_units_only(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The inputs with the alignment intervals the coders disagreed on marked ``left_out``
    (the legislative index then leaves each such requirement out of the years the interval
    is in force). Units the second coding does not cover stay, as singly coded. Every
    disputed unit must be an interval of the alignment coding."""
    if "second_coding" not in tables:
        raise ValueError(
            "multiverse coding 'agreed_only' needs the second coding "
            "(data/raw/legal/second_coding.csv) among the inputs of the job"
        )
    alignment = tables["alignment"]
    disputed = disputed_units(tables["second_coding"])
    keys = set(zip(alignment["requirement_id"], alignment["valid_from"], strict=True))
    unknown = [
        f"{unit.requirement_id} from {unit.valid_from.date()}"
        for unit in disputed.itertuples()
        if (unit.requirement_id, unit.valid_from) not in keys
    ]
    if unknown:
        raise ValueError(
            "data/raw/legal/second_coding.csv: disputed units that are not alignment "
            f"intervals ({', '.join(unknown)}); the facts check (results/checks/facts.json) "
            "must pass first"
        )
    marked = set(zip(disputed["requirement_id"], disputed["valid_from"], strict=True))
    left_out = [
        key in marked
        for key in zip(alignment["requirement_id"], alignment["valid_from"], strict=True)
    ]
    return {**tables, "alignment": alignment.assign(left_out=left_out)}


def specification_inputs(
    tables: dict[str, pd.DataFrame], unverified: str, coding: str = "reconciled"
) -> dict[str, pd.DataFrame]:
    """The inputs of a specification: without the unverified facts or not, and (only the
    alignment coding) every reconciled unit or the agreed units only."""
    # marked first: the disputed units are intervals of the whole coding
    marked = agreed_units_only(tables) if coding == "agreed_only" else tables
    return verified_only(marked) if unverified == "exclude" else marked


def agreed_only_numbers(tables: dict[str, pd.DataFrame], spec: dict, choices: dict) -> dict:
    """What the agreed-units coding leaves out of the legislative index, with the other
    choices of ``choices`` (the main specification's): the disputed units of the benchmark
    instruments, and the requirement-years they take out of the index, over all its years
    and in its last."""
    first, last = spec["first_year"], spec["last_year"]

    def scored(coding: str) -> pd.DataFrame:
        kept = specification_inputs(tables, choices["unverified"], coding)
        return annual_scores(benchmark_coding(kept["alignment"], spec), first, last)

    every, agreed = scored("reconciled"), scored("agreed_only")
    alignment = agreed_units_only(tables)["alignment"]
    benchmark = benchmark_coding(alignment, spec)

    def count(value: int, description: str) -> dict:
        return number_entry(int(value), "count", description)

    return {
        "agreed_only_units_left_out": count(
            benchmark["left_out"].sum(),
            "Intervals of the benchmark instruments' requirements that the two coders scored "
            "differently (left out by the agreed-units coding).",
        ),
        "agreed_only_requirement_years": count(
            len(every), "Requirement-years of the legislative index (main specification)."
        ),
        "agreed_only_requirement_years_left_out": count(
            len(every) - len(agreed),
            "Requirement-years the agreed-units coding leaves out of the legislative index "
            "(main specification's other choices).",
        ),
        "agreed_only_requirements_last": count(
            (every["year"] == last).sum(),
            "Requirements in the legislative index of the last year (main specification).",
        ),
        "agreed_only_requirements_left_out_last": count(
            (every["year"] == last).sum() - (agreed["year"] == last).sum(),
            "Requirements the agreed-units coding leaves out of the last year's legislative "
            "index (main specification's other choices).",
        ),
    }


def without_instrument(alignment: pd.DataFrame, instrument_id: str) -> pd.DataFrame:
    """The coding as if ``instrument_id`` had never been adopted: each of its intervals is
    taken back into the interval of the same requirement that it interrupted (which then
    runs to the end of the taken one); where none preceded it, the interval scores 0, as a
    requirement with no Turkish provision does (the requirement stays in the index)."""
    rows = []
    for _, intervals in alignment.sort_values("valid_from").groupby("requirement_id", sort=False):
        kept: list[dict] = []
        for interval in intervals.to_dict("records"):
            if interval["tr_instrument_id"] != instrument_id:
                kept.append(interval)
            elif kept:
                kept[-1] = {**kept[-1], "valid_to": interval["valid_to"]}
            else:
                kept.append({**interval, "score": 0.0})
        rows.extend(kept)
    return pd.DataFrame(rows, columns=alignment.columns)


def amendment_numbers(
    tables: dict[str, pd.DataFrame], spec: dict, choices: dict, instrument_id: str, prefix: str
) -> dict[str, dict]:
    """What one amending instrument did to the legislative index in the year it took effect,
    with the choices of ``choices`` (the main specification's): the index with its intervals
    minus the index without them (``without_instrument``), and the index's change over that
    year, which also holds what other instruments of the year did."""
    kept = specification_inputs(tables, choices["unverified"], choices["coding"])
    alignment = benchmark_coding(kept["alignment"], spec)
    own = alignment[alignment["tr_instrument_id"] == instrument_id]
    if own.empty:
        raise ValueError(
            f"config indices.amendments: {prefix}: {instrument_id} has no scored interval in "
            "the main specification's legislative index; name an instrument that has one"
        )
    year = int(own["valid_from"].min().year)
    main = {"partial_credit": choices["partial_credit"], "weighting": choices["weighting"]}

    def index(coding: pd.DataFrame) -> pd.Series:
        return legislative_index(coding, year - 1, year, **main).set_index("year")["index"]

    with_it, without_it = index(alignment), index(without_instrument(alignment, instrument_id))

    def decimal(value: float, description: str) -> dict:
        return number_entry(float(value), "decimal", description, 2)

    return {
        f"{prefix}_year": number_entry(year, "year", f"Year {instrument_id} took effect."),
        f"{prefix}_index_effect": decimal(
            with_it.loc[year] - without_it.loc[year],
            f"Legislative index on 31 December of the year {instrument_id} took effect, with "
            "its intervals minus without them (each taken back into the interval it "
            "interrupted); main specification.",
        ),
        f"{prefix}_year_change": decimal(
            with_it.loc[year] - with_it.loc[year - 1],
            f"Change of the legislative index over the year {instrument_id} took effect "
            "(all instruments of the year); main specification.",
        ),
    }


def practice_setting(spec: dict, choices: dict) -> tuple[dict, dict[str, float]]:
    """The practice configuration and component weights of one specification: the
    readmission component left out or ending at the chosen event, the visa component
    in or out, and the Facility envelope disbursement is set against (``None``: the
    envelope pledged by each 31 December, from the data)."""
    practice = spec["practice"]
    weights = dict(practice["weights"])
    readmission = {"applies": practice["readmission"]["applies"], "suspended": None}
    if choices["readmission"] == "off":
        weights.pop("readmission")
    else:
        readmission["suspended"] = practice["readmission"]["ends"][choices["readmission"]]
    if choices["visa"] == "off":
        weights.pop("visa")
    envelope = (
        practice["statement_envelope"] if choices["funding_envelope"] == "statement" else None
    )
    return {**practice, "readmission": readmission, "envelope": envelope}, weights


def fixed_components(components: pd.DataFrame, weights: dict, minimum: int) -> dict:
    """The components present in every year in which at least ``minimum`` of them are
    (the index then compares like with like across years)."""
    available = components[list(weights)].notna()
    window = available[available.sum(axis=1) >= minimum]
    return {name: weights[name] for name in weights if len(window) and window[name].all()}


class IndexParts:
    """The parts of the annual indices, each computed once for the choices it depends on.

    The specifications of a multiverse batch share most parts: the policy index depends
    on no choice but ``unverified``, the legislative index on four of the eight, the
    practice components on three; the visa choice and the component set only reweight
    the components. Asking this object for each specification's indices computes every
    part once per distinct key, with the same numbers as computing each afresh (the
    parts are not modified once made).
    """

    def __init__(
        self, tables: dict[str, pd.DataFrame], monthly_arrivals: pd.DataFrame, spec: dict
    ) -> None:
        self.tables, self.monthly_arrivals, self.spec = tables, monthly_arrivals, spec
        self._made: dict[tuple, object] = {}

    def _once(self, key: tuple, make):
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def inputs(self, unverified: str, coding: str = "reconciled") -> dict[str, pd.DataFrame]:
        """``specification_inputs``, made once per choice."""
        return self._once(
            ("inputs", unverified, coding),
            lambda: specification_inputs(self.tables, unverified, coding),
        )

    def legislative(
        self, unverified: str, partial_credit: float, weighting: str, coding: str = "reconciled"
    ) -> pd.DataFrame:
        spec = self.spec
        return self._once(
            ("legislative", unverified, partial_credit, weighting, coding),
            lambda: legislative_index(
                benchmark_coding(self.inputs(unverified, coding)["alignment"], spec),
                spec["first_year"],
                spec["last_year"],
                partial_credit,
                weighting,
            ),
        )

    def policy(self, unverified: str) -> pd.DataFrame:
        tables, spec, policy = self.inputs(unverified), self.spec, self.spec["policy"]
        return self._once(
            ("policy", unverified),
            lambda: policy_index(
                tables["commission_assessments"],
                tables["visa_benchmarks"],
                policy["preparation_scale"],
                policy["weights"],
                policy["chapter"],
                spec["first_year"],
                spec["last_year"],
            ),
        )

    def components(self, choices: dict, practice_spec: dict) -> pd.DataFrame:
        """The practice components (``practice_spec``: ``practice_setting``'s, which
        depends on the readmission and funding-envelope choices alone)."""
        unverified = choices["unverified"]
        tables, spec = self.inputs(unverified), self.spec
        events = tables["events"]
        return self._once(
            ("components", unverified, choices["readmission"], choices["funding_envelope"]),
            lambda: practice_components(
                tables["statement_implementation"],
                self.monthly_arrivals,
                dict(zip(events["event_id"], events["date"], strict=True)),
                practice_spec,
                spec["first_year"],
                spec["last_year"],
            ),
        )

    def annual(self, choices: dict) -> pd.DataFrame:
        """The three annual indices of one specification (``choices``: partial credit,
        weighting, unverified facts in or out, every reconciled unit of the alignment coding
        or the agreed ones only, readmission and visa components, fixed or available
        component set, funding envelope), with the practice components."""
        unverified = choices["unverified"]
        legislative = self.legislative(
            unverified, choices["partial_credit"], choices["weighting"], choices["coding"]
        )
        practice_spec, weights = practice_setting(self.spec, choices)
        components = self.components(choices, practice_spec)
        minimum = practice_spec["min_components"]
        if choices["components"] == "fixed":
            weights = fixed_components(components, weights, minimum)
            minimum = len(weights)
        practice = practice_index(components, weights, minimum)
        # A component the specification leaves out is not part of its indices: its
        # column would show a series (the readmission status running on, the visa 0)
        # that nothing in the specification uses.
        left_out = [name for name in ("readmission", "visa") if choices[name] == "off"]
        return (
            legislative.rename(columns={"index": "legislative"})
            .merge(self.policy(unverified).rename(columns={"index": "policy"}), on="year")
            .merge(practice.rename(columns={"index": "practice"}), on="year")
            .drop(columns=left_out)
        )


def annual_indices(
    tables: dict[str, pd.DataFrame], monthly_arrivals: pd.DataFrame, spec: dict, choices: dict
) -> pd.DataFrame:
    """The three annual indices of one specification (``IndexParts.annual``)."""
    return IndexParts(tables, monthly_arrivals, spec).annual(choices)


def benchmark_coding(alignment: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """The requirements of the benchmark instruments (the yardstick of the index)."""
    return alignment[alignment["eu_instrument_id"].isin(spec["benchmark_instruments"])]


def harmonisation_indices(
    tables: dict[str, pd.DataFrame],
    monthly_arrivals: pd.DataFrame,
    spec: dict,
    choices: dict,
    dimensions: dict,
) -> dict[str, pd.DataFrame]:
    """The main specification's annual indices, its legislative index by instrument and
    by group, and the legislative sensitivity runs over the multiverse's partial credit ×
    weighting, without each instrument and without unverified requirements."""
    annual = annual_indices(tables, monthly_arrivals, spec, choices)
    if choices["coding"] == "agreed_only":
        tables = agreed_units_only(tables)
    if choices["unverified"] == "exclude":
        tables = verified_only(tables)
    first, last = spec["first_year"], spec["last_year"]
    alignment = tables["alignment"]
    benchmark = benchmark_coding(alignment, spec)
    main = {"partial_credit": choices["partial_credit"], "weighting": choices["weighting"]}
    return {
        "annual": annual,
        "by_instrument": legislative_index(alignment, first, last, by="eu_instrument_id", **main),
        "by_group": legislative_index(benchmark, first, last, by="group", **main),
        "sensitivity": sensitivity(benchmark, spec, dimensions, choices),
    }


def index_specification_row(parts: IndexParts, specification) -> dict:
    """One specification's row of the indices' results table: the levels the text
    compares (legislation in its last year and at its peak, practice at its peak and
    its years), and whether practice stayed below legislation in every year both exist.
    ``parts``: the batch's ``IndexParts`` (shared by its specifications)."""
    from asylum_regime.multiverse import fit_fingerprint

    computed = parts.annual(specification.choices)
    annual = computed.set_index("year")
    legislative, practice = annual["legislative"], annual["practice"].dropna()
    both = annual.dropna(subset=["legislative", "practice"])
    acts = annual[["returns", "resettlement", "funding"]].reindex(practice.index)
    return {
        # the coding's model: its annual indices and components, every value
        "fit": fit_fingerprint(computed[sorted(computed.columns)]),
        "specification": specification.ident,
        **specification.choices,
        "legislative_last": float(legislative.iloc[-1]),
        "legislative_max": float(legislative.max()),
        "legislative_max_year": int(legislative.idxmax()),
        # the year of the largest rise: where harmonisation on paper happened
        "legislative_jump_year": int(legislative.diff().idxmax()),
        "practice_max": float(practice.max()) if len(practice) else float("nan"),
        "practice_max_year": int(practice.idxmax()) if len(practice) else None,
        "practice_last": float(practice.iloc[-1]) if len(practice) else float("nan"),
        "practice_years": len(practice),
        "practice_first_year": int(practice.index.min()) if len(practice) else None,
        "practice_last_year": int(practice.index.max()) if len(practice) else None,
        # ordinal comparisons, each index against its own yardstick
        "legislative_min_after_jump": float(
            legislative[legislative.index >= legislative.diff().idxmax()].min()
        ),
        "legislative_range_practice_years": float(
            legislative.reindex(practice.index).max() - legislative.reindex(practice.index).min()
        )
        if len(practice)
        else float("nan"),
        "practice_range": float(practice.max() - practice.min()) if len(practice) else float("nan"),
        # what "rose and fell" needs: the rise from the first measured year to the peak,
        # the fall from the peak to the last (0 where practice peaks in its last year)
        "practice_rise": float(practice.max() - practice.iloc[0])
        if len(practice)
        else float("nan"),
        "practice_fall": float(practice.max() - practice.iloc[-1])
        if len(practice)
        else float("nan"),
        # what "did not rise again after its peak" needs: the largest year-on-year change
        # after the peak year (a rise again where positive; nan where the peak is last)
        "legislative_rise_after_peak": float(
            legislative[legislative.index >= legislative.idxmax()].diff().max()
        ),
        # how far each act moved over the years practice is measured, and the highest
        # share of arrivals returned ("moved far more than returns, which stayed marginal")
        **{f"{name}_range": float(acts[name].max() - acts[name].min()) for name in acts},
        "returns_max": float(acts["returns"].max()),
        # the decoupling test fixed before its result (``decoupling_test``)
        **decoupling_test(legislative, annual["practice"]),
        "practice_below_legislation": bool(
            len(both) and (both["practice"] < both["legislative"]).all()
        ),
    }


def sensitivity(
    benchmark: pd.DataFrame, spec: dict, dimensions: dict, choices: dict
) -> pd.DataFrame:
    """The legislative index under each partial credit × weighting of the multiverse, and
    without each instrument (the ``choices`` of credit and weighting otherwise)."""
    first, last = spec["first_year"], spec["last_year"]
    credit, weighting = choices["partial_credit"], choices["weighting"]
    variants = []
    for other_credit, other_weighting in product(
        dimensions["partial_credit"], dimensions["weighting"]
    ):
        variants.append(
            legislative_index(benchmark, first, last, other_credit, other_weighting).assign(
                variant=f"credit={other_credit}, weighting={other_weighting}",
                partial_credit=other_credit,
                weighting=other_weighting,
                left_out="",
            )
        )
    for instrument in sorted(benchmark["eu_instrument_id"].unique()):
        kept = benchmark[benchmark["eu_instrument_id"] != instrument]
        variants.append(
            legislative_index(kept, first, last, credit, weighting).assign(
                variant=f"without {instrument}",
                partial_credit=credit,
                weighting=weighting,
                left_out=instrument,
            )
        )
    # Requirements with any row the coders could not verify, left out together.
    unverified = set(benchmark.loc[benchmark["verified"] == "no", "requirement_id"])
    verified_only = benchmark[~benchmark["requirement_id"].isin(unverified)]
    variants.append(
        legislative_index(verified_only, first, last, credit, weighting).assign(
            variant="without unverified requirements",
            partial_credit=credit,
            weighting=weighting,
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
