"""Harmonisation indices: legislation (de jure), policy and practice (common action).

All indices are annual, on 0–1, and describe the state on 31 December.

Legislative index
    For year *y*, each applicable EU requirement *r* takes the alignment score of
    the coding interval in force on 31 December *y* (0 when no interval covers
    that day: no Turkish provision existed). A score of 0.5 ("partial") is
    replaced by the configured partial credit. The index is the weighted mean
    over requirements, with equal weight per requirement ("provision") or equal
    total weight per EU instrument ("instrument").

Policy index
    The Commission's annual assessment of Türkiye's level of preparation
    (mapped to 0–1 by a configured scale), and the share of visa-liberalisation
    benchmarks met by the latest report up to 31 December; their weighted mean
    over the components available in that year.

Practice index
    Implementation against commitments in a year: returns relative to arrivals,
    resettlement relative to the agreed ceiling, funds disbursed relative to the
    Facility's envelope, readmission of third-country nationals applied, visa
    liberalisation granted (``practice_components``); the weighted mean of the
    components available in that year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paperkit.numbers import number_entry

WEIGHTINGS = ("provision", "instrument")


def year_ends(first: int, last: int) -> pd.DataFrame:
    return pd.DataFrame({"year": range(first, last + 1)}).assign(
        date=lambda f: pd.to_datetime(f["year"].astype(str) + "-12-31")
    )


def annual_scores(coding: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Each applicable requirement's coded score on 31 December of each year.

    ``coding`` has one row per requirement × interval with ``requirement_id``,
    ``eu_instrument_id``, ``group``, ``applicable`` (bool), ``valid_from``,
    ``valid_to`` (NaT = open) and ``score``. A requirement with no interval in
    force on the day scores 0 (no Turkish provision existed). An optional boolean
    column ``left_out`` marks intervals kept out of the index (the coders disagreed on
    them, ``harmonisation.agreed_units_only``): a requirement is then left out of the
    years in which such an interval is in force, not scored 0 in them.
    """
    applicable = coding[coding["applicable"]]
    if "left_out" not in applicable:
        applicable = applicable.assign(left_out=False)
    grid = applicable.drop_duplicates("requirement_id")[
        ["requirement_id", "eu_instrument_id", "group"]
    ].merge(year_ends(first, last), how="cross")
    intervals = grid.merge(
        applicable[["requirement_id", "valid_from", "valid_to", "score", "left_out"]],
        on="requirement_id",
    )
    in_force = intervals[
        (intervals["valid_from"] <= intervals["date"])
        & (intervals["valid_to"].isna() | (intervals["valid_to"] >= intervals["date"]))
    ]
    scores = grid.merge(
        in_force[["requirement_id", "year", "score", "left_out"]],
        on=["requirement_id", "year"],
        how="left",
    )
    kept = scores["left_out"].ne(True)
    return (
        scores[kept]
        .assign(score=lambda f: f["score"].fillna(0.0))
        .drop(columns=["date", "left_out"])
        .reset_index(drop=True)
    )


def credited(scores: pd.Series, partial_credit: float) -> pd.Series:
    """Replace the partial score 0.5 with ``partial_credit``; 0 and 1 stay."""
    return scores.where(scores != 0.5, partial_credit)


def requirement_weights(
    requirements: pd.DataFrame, weighting: str, keys: list[str] | None = None
) -> pd.Series:
    """Weights summing to 1 within each ``keys`` group (the whole frame when None).

    ``provision``: equal per requirement; ``instrument``: equal total weight per
    EU instrument, shared equally among its requirements.
    """
    keys = keys or []
    group = requirements.groupby(keys) if keys else None

    def count(columns: list[str]) -> pd.Series:
        if not columns:
            return pd.Series(float(len(requirements)), index=requirements.index)
        return requirements.groupby(columns)["requirement_id"].transform("count").astype(float)

    if weighting == "provision":
        return 1.0 / count(keys)
    if weighting == "instrument":
        instruments = (
            group["eu_instrument_id"].transform("nunique")
            if group is not None
            else pd.Series(
                float(requirements["eu_instrument_id"].nunique()), index=requirements.index
            )
        )
        return 1.0 / (instruments * count([*keys, "eu_instrument_id"]))
    raise ValueError(f"unknown weighting {weighting!r}; expected one of {WEIGHTINGS}")


def legislative_index(
    coding: pd.DataFrame,
    first: int,
    last: int,
    partial_credit: float = 0.5,
    weighting: str = "provision",
    by: str | None = None,
) -> pd.DataFrame:
    """Annual de jure alignment, overall (``by=None``) or per ``eu_instrument_id``/``group``.

    Returns columns ``year``, ``index`` (and ``by`` when given), sorted.
    """
    keys = ["year"] if by is None else ["year", by]
    scores = annual_scores(coding, first, last).assign(
        score=lambda f: credited(f["score"], partial_credit)
    )
    weights = requirement_weights(scores, weighting, keys)
    return (
        scores.assign(index=scores["score"] * weights)
        .groupby(keys, as_index=False)["index"]
        .sum()
        .sort_values(keys, ignore_index=True)
    )


def latest_by_year(
    events: pd.DataFrame, date_column: str, value_columns: list[str], first: int, last: int
) -> pd.DataFrame:
    """For each year, the values of the latest row dated on or before 31 December."""
    ordered = events.sort_values(date_column)
    ends = year_ends(first, last)
    merged = pd.merge_asof(
        ends.sort_values("date"),
        ordered[[date_column, *value_columns]],
        left_on="date",
        right_on=date_column,
        direction="backward",
    )
    return merged[["year", *value_columns]]


def weighted_mean_available(components: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Row-wise weighted mean over the components that are present (NaN when none is)."""
    values = components[list(weights)]
    w = pd.DataFrame({name: weights[name] for name in weights}, index=values.index)
    w = w.where(values.notna(), 0.0)
    total = w.sum(axis=1)
    return ((values.fillna(0.0) * w).sum(axis=1) / total).where(total > 0)


def policy_index(
    assessments: pd.DataFrame,
    benchmarks: pd.DataFrame,
    preparation_scale: dict,
    weights: dict[str, float],
    chapter: str,
    first: int,
    last: int,
) -> pd.DataFrame:
    """Annual policy index from the Commission's assessments and visa benchmarks.

    ``assessments``: ``report_date``, ``chapter``, ``preparation_level``;
    ``benchmarks``: ``report_date``, ``benchmarks_met``, ``benchmarks_total``.
    """
    preparation = assessments[
        (assessments["chapter"] == chapter) & assessments["preparation_level"].notna()
    ].assign(preparation=lambda f: f["preparation_level"].map(preparation_scale))
    unknown = preparation[preparation["preparation"].isna()]["preparation_level"].unique()
    if len(unknown):
        raise ValueError(f"preparation levels without a value in the scale: {sorted(unknown)}")
    if preparation.empty:  # no assessment coded yet: the component is missing, not zero
        yearly_preparation = year_ends(first, last)[["year"]].assign(preparation=float("nan"))
    else:
        yearly_preparation = latest_by_year(
            preparation, "report_date", ["preparation"], first, last
        )
    yearly_benchmarks = latest_by_year(
        benchmarks.assign(visa_benchmarks=lambda f: f["benchmarks_met"] / f["benchmarks_total"]),
        "report_date",
        ["visa_benchmarks"],
        first,
        last,
    )
    components = yearly_preparation.merge(yearly_benchmarks, on="year")
    # As for practice, a year after the last report is missing, not the last value
    # carried forward: nobody has reported on the benchmarks since.
    last_report = pd.to_datetime(benchmarks["report_date"]).dt.year.max()
    components.loc[components["year"] > last_report, "visa_benchmarks"] = float("nan")
    return components.assign(index=weighted_mean_available(components, weights))


def practice_index(
    components: pd.DataFrame, weights: dict[str, float], min_components: int = 1
) -> pd.DataFrame:
    """Annual practice (common-action) index from components already on 0–1.

    ``components`` has ``year`` and one column per component named in ``weights``
    (NaN where the component is not defined in that year); values are clipped to
    0–1 because implementation beyond a commitment is still full implementation.
    The index is missing in a year with fewer than ``min_components`` components:
    an average over one or two of them would measure the data's coverage, not practice.
    """
    clipped = components.assign(**{name: components[name].clip(0, 1) for name in weights})
    available = clipped[list(weights)].notna().sum(axis=1)
    return clipped.assign(
        index=weighted_mean_available(clipped, weights).where(available >= min_components),
        components=available,
    )


def cumulative_on_year_ends(statement: pd.DataFrame, indicator: str, years: pd.Index) -> pd.Series:
    """A cumulative indicator on 31 December of each year, from the dated reports.

    Between two reports the value is interpolated linearly in time (a cumulative
    count moves monotonically between them); before the first and after the last
    report it is missing: the Commission stopped reporting some figures, and an
    unreported year is missing data, not zero activity. Several documents on the
    same day: the largest value (later documents revise upwards).
    """
    rows = (
        statement[statement["indicator"] == indicator]
        .groupby("as_of_date")["value"]
        .max()
        .sort_index()
    )
    ends = pd.to_datetime([f"{year}-12-31" for year in years])
    if rows.empty:
        return pd.Series(float("nan"), index=years)
    known = rows.index.to_numpy(dtype="datetime64[D]").astype("int64")
    wanted = ends.to_numpy(dtype="datetime64[D]").astype("int64")
    values = np.interp(wanted, known, rows.to_numpy(dtype=float))
    inside = (wanted >= known.min()) & (wanted <= known.max())
    return pd.Series(np.where(inside, values, np.nan), index=years)


def standing_value(statement: pd.DataFrame, indicator: str, first: int, last: int) -> pd.Series:
    """A standing commitment (the Facility envelope): the latest value by each 31 December."""
    rows = statement[statement["indicator"] == indicator]
    if rows.empty:
        return pd.Series(float("nan"), index=pd.RangeIndex(first, last + 1, name="year"))
    return latest_by_year(rows, "as_of_date", ["value"], first, last).set_index("year")["value"]


def returns_on_year_ends(
    statement: pd.DataFrame, years: pd.Index, stopped: pd.Timestamp | None
) -> pd.Series:
    """Cumulative returns on 31 December (``cumulative_on_year_ends``), with one explicit
    imputation: when the last report is dated after returns stopped (``stopped``), no
    return can have followed it, so its count also stands on 31 December of its year."""
    returns = cumulative_on_year_ends(statement, "returns_greece_to_turkey", years)
    reports = statement[statement["indicator"] == "returns_greece_to_turkey"]
    if stopped is None or reports.empty:
        return returns
    last = reports.loc[reports["as_of_date"] == reports["as_of_date"].max()]
    when = pd.Timestamp(last["as_of_date"].iloc[0])
    if when >= stopped and when.year in returns.index and pd.isna(returns.loc[when.year]):
        returns.loc[when.year] = float(last["value"].max())
    return returns


def arrivals_since(monthly: pd.DataFrame, start: pd.Timestamp, years: pd.Index) -> pd.Series:
    """Detections from month ``start`` through December of each year."""
    cumulative = monthly[monthly["month"] >= start].set_index("month")["detections"].cumsum()
    decembers = pd.to_datetime([f"{year}-12-01" for year in years])
    return pd.Series(cumulative.reindex(decembers).to_numpy(dtype=float), index=years)


def in_force_on_year_ends(
    start: pd.Timestamp | None, end: pd.Timestamp | None, years: pd.Index
) -> pd.Series:
    """1 where a dated arrangement applied on 31 December of the year, else 0."""
    if start is None:
        return pd.Series(0.0, index=years)
    ends = pd.to_datetime([f"{year}-12-31" for year in years])
    applied = ends >= start
    if end is not None:
        applied &= ends < end
    return pd.Series(applied.astype(float), index=years)


def practice_components(
    statement: pd.DataFrame,
    monthly_arrivals: pd.DataFrame,
    event_dates: dict[str, pd.Timestamp],
    spec: dict,
    first: int,
    last: int,
) -> pd.DataFrame:
    """Common-action components per year from ``spec['start_year']`` (the Statement) on.

    - ``returns``: returns from the Greek islands to Türkiye by 31 December, per
      sea detection on the route from the Statement's first month to December
      (the Statement's logic: every irregular arrival was to be returned); a count
      reported after returns stopped stands at the end of its year
      (``returns_on_year_ends``);
    - ``resettlement``: Syrians resettled from Türkiye by 31 December, as a share
      of the agreed ceiling;
    - ``funding``: Facility funds disbursed by 31 December, as a share of the
      Facility envelope pledged by then (or of ``spec['envelope']`` in every year,
      when it is given);
    - ``readmission``: 1 if the readmission agreement's provisions on
      third-country nationals applied on 31 December (between the events
      ``spec['readmission']['applies']`` and ``['suspended']``), else 0;
    - ``visa``: 1 if visa liberalisation had been granted by 31 December (the
      event ``spec['visa_granted_event']`` exists and is dated by then), else 0.
    The report-based values on 31 December are interpolated between reports
    (``cumulative_on_year_ends``). Years before the start have no commitment to
    implement (NaN).
    """
    years = pd.RangeIndex(first, last + 1, name="year")
    start = pd.Timestamp(spec["arrivals"]["from_month"] + "-01")
    returns = returns_on_year_ends(statement, years, event_dates.get(spec["returns_stopped"]))
    resettled = cumulative_on_year_ends(statement, "syrians_resettled_1to1", years)
    disbursed = cumulative_on_year_ends(statement, "frit_disbursed_eur", years)
    envelope = (
        standing_value(statement, "frit_envelope_eur", first, last)
        if spec.get("envelope") is None
        else pd.Series(float(spec["envelope"]), index=years)
    )
    readmission = spec["readmission"]
    components = pd.DataFrame(
        {
            "returns": returns / arrivals_since(monthly_arrivals, start, years),
            "resettlement": resettled / spec["resettlement_ceiling"],
            "funding": disbursed / envelope.reindex(years),
            "readmission": in_force_on_year_ends(
                event_dates.get(readmission["applies"]),
                event_dates.get(readmission["suspended"]),
                years,
            ),
            "visa": in_force_on_year_ends(event_dates.get(spec["visa_granted_event"]), None, years),
        },
        index=years,
    )
    components.loc[components.index < spec["start_year"], :] = float("nan")
    return components.reset_index()


def decoupling_test(legislative: pd.Series, practice: pd.Series, tolerance: float = 1e-9) -> dict:
    """The test of decoupling fixed before its result: the pattern that would contradict
    it, in the year-on-year changes over the years practice is measured.

    ``legislative`` and ``practice``: annual series indexed by year (practice NaN where
    undefined). A year counts when practice is defined in it and in the year before; the
    law *moved* in it when the legislative index changed by more than ``tolerance``.
    Coupling, the contrary of decoupling, predicts that practice moves when the law
    moves and in its direction. Decoupling is contradicted when, in every year in which
    the law moved, practice changed in the same direction as the law and by more than in
    any year in which the law stood still. With no year in which the law moved, the test
    cannot be made (``law_years`` 0, never contradicted).
    """
    defined = practice.dropna()
    years = [year for year in defined.index if year - 1 in defined.index]
    practice_change = pd.Series({year: defined[year] - defined[year - 1] for year in years})
    law_change = pd.Series(
        {year: legislative[year] - legislative[year - 1] for year in years}, dtype=float
    )
    moved = law_change.abs() > tolerance
    still = practice_change[~moved].abs()
    bound = float(still.max()) if len(still) else 0.0
    along = [
        np.sign(practice_change[year]) == np.sign(law_change[year])
        and abs(practice_change[year]) > bound
        for year in law_change.index[moved]
    ]
    return {
        "decoupling_law_years": int(moved.sum()),
        "decoupling_contradicted": bool(along) and all(along),
    }


def implementation_numbers(statement: pd.DataFrame) -> dict[str, dict]:
    """Reported returns the text quotes: the count on each 31 December a report gives
    (``returns_end_<year>``) and the last count with its date (``returns_last``,
    ``returns_last_date``)."""
    returns = statement[statement["indicator"] == "returns_greece_to_turkey"]
    as_of = pd.to_datetime(returns["as_of_date"])
    numbers = {
        f"returns_end_{day.year}": number_entry(
            int(returns.loc[as_of == day, "value"].max()),
            "count",
            f"Returns from the Greek islands to Türkiye reported as of 31 December {day.year}.",
        )
        for day in sorted(set(as_of[(as_of.dt.month == 12) & (as_of.dt.day == 31)]))
    }
    counts = statement[
        statement["indicator"].isin(["returns_greece_to_turkey", "syrians_resettled_1to1"])
    ]
    numbers["implementation_counts"] = number_entry(
        len(counts), "count", "Reported counts of returns and resettlements in the data."
    )
    numbers["implementation_counts_primary"] = number_entry(
        int((counts["verified"] == "yes").sum()),
        "count",
        "Of these, counts read on an official page (status yes): an EU Delegation press "
        "release and a Turkish Foreign Ministry statement, not a Commission report.",
    )
    last = as_of.max()
    numbers["returns_last"] = number_entry(
        int(returns.loc[as_of == last, "value"].max()),
        "count",
        "Returns from the Greek islands to Türkiye, last reported count.",
    )
    numbers["returns_last_date"] = number_entry(
        last.strftime("%Y-%m-%d"), "date", "Date of the last reported count of returns."
    )
    return numbers
