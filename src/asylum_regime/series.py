"""Analysis-ready series built from the tidy sources (inputs of the regression models)."""

from __future__ import annotations

import pandas as pd


def monthly_detections(frontex: pd.DataFrame, route: str, kind: str) -> pd.DataFrame:
    """Detections per month on one route and type, summed over nationalities.

    A month of the table's span with no row for the route and type is missing
    (``detections`` NA), not zero: the source publishes the other routes for it,
    and nothing says that nobody crossed (for the Eastern Mediterranean by sea,
    July 2012 lies between 113 in June and 514 in August). The models decide
    what to do with it (``asylum_regime.its.sample``).
    """
    months = pd.date_range(frontex["month"].min(), frontex["month"].max(), freq="MS", name="month")
    selected = frontex[(frontex["route"] == route) & (frontex["type"] == kind)]
    return (
        selected.groupby("month")["detections"].sum().reindex(months).astype("Int64").reset_index()
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
