"""Descriptive statistics of the UNHCR stocks hosted by Türkiye.

"Hosted" means refugees (including Syrians under temporary protection, whom
UNHCR counts as refugees) plus asylum-seekers with pending claims, at the end
of each year, by country of origin.
"""

from __future__ import annotations

import pandas as pd

HOSTED = ["refugees", "asylum_seekers"]
OTHER = "OTHER"


def hosted_by_origin(
    population: pd.DataFrame, asylum_iso: str, first_year: int, last_year: int
) -> pd.DataFrame:
    """Long table year × origin of people hosted by ``asylum_iso`` (every year present)."""
    years = pd.RangeIndex(first_year, last_year + 1, name="year")
    return (
        population.query("coa_iso == @asylum_iso and @first_year <= year <= @last_year")
        .assign(hosted=lambda f: f[HOSTED].fillna(0).sum(axis=1).astype("int64"))
        .groupby(["year", "coo_iso"], as_index=False)["hosted"]
        .sum()
        .pivot(index="year", columns="coo_iso", values="hosted")
        .reindex(years)
        .fillna(0)
        .astype("int64")
        .rename_axis(columns="coo_iso")
        .stack()
        .rename("hosted")
        .reset_index()
    )


def top_origins(hosted: pd.DataFrame, n: int) -> list[str]:
    """The ``n`` origins with most people hosted over the whole period (ties by code)."""
    totals = hosted.groupby("coo_iso")["hosted"].sum().reset_index()
    ranked = totals.sort_values(["hosted", "coo_iso"], ascending=[False, True])
    return ranked["coo_iso"].head(n).tolist()


def group_minor_origins(hosted: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """Sum every origin outside ``keep`` into ``OTHER``; origins ordered as ``keep`` then OTHER."""
    order = [*keep, OTHER]
    return (
        hosted.assign(origin=hosted["coo_iso"].where(hosted["coo_iso"].isin(keep), OTHER))
        .groupby(["year", "origin"], as_index=False)["hosted"]
        .sum()
        .assign(origin=lambda f: pd.Categorical(f["origin"], categories=order, ordered=True))
        .sort_values(["year", "origin"], ignore_index=True)
    )


def largest_host_by_year(population: pd.DataFrame) -> pd.DataFrame:
    """For each year, the asylum country with most refugees and its share of the world total."""
    per_country = population.groupby(["year", "coa_iso"], as_index=False)["refugees"].sum()
    world = per_country.groupby("year")["refugees"].transform("sum")
    return (
        per_country.assign(share=per_country["refugees"] / world)
        .sort_values(["year", "refugees", "coa_iso"], ascending=[True, False, True])
        .groupby("year", as_index=False)
        .head(1)
        .reset_index(drop=True)
    )
