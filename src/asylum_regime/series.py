"""Analysis-ready series built from the tidy sources (inputs of the regression models)."""

from __future__ import annotations

import pandas as pd


def monthly_detections(frontex: pd.DataFrame, route: str, kind: str) -> pd.DataFrame:
    """Detections per month on one route and type, summed over nationalities.

    Frontex publishes no row for a month without detections, so months missing
    between the first and last month of the whole table are filled with 0.
    """
    months = pd.date_range(frontex["month"].min(), frontex["month"].max(), freq="MS", name="month")
    selected = frontex[(frontex["route"] == route) & (frontex["type"] == kind)]
    return (
        selected.groupby("month")["detections"]
        .sum()
        .reindex(months, fill_value=0)
        .astype("int64")
        .reset_index()
    )


def eu_applicants_panel(eu_asyapp: pd.DataFrame, member_states: list[str]) -> pd.DataFrame:
    """First-time applicants in the EU27 by citizenship × year (both sexes and unknown).

    The EU27 is the sum over the 27 current member states as reported, not
    Eurostat's own EU27 aggregate, which the compiled release carries only from
    2013; the sum matches that aggregate to within 0.1% from 2014 on. Every
    citizenship × year is present (0 when none applied).
    """
    reported = eu_asyapp[eu_asyapp["geo"].isin(member_states)]
    totals = reported.groupby(["nat", "year"])["applicants"].sum()
    grid = pd.MultiIndex.from_product(
        [sorted(reported["nat"].unique()), sorted(reported["year"].unique())], names=["nat", "year"]
    )
    return totals.reindex(grid, fill_value=0).astype("int64").reset_index()
