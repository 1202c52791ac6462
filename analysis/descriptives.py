"""Descriptive statistics of the UNHCR stocks hosted by Türkiye.

"Hosted" means refugees (including Syrians under temporary protection, whom
UNHCR counts as refugees) plus asylum-seekers with pending claims, at the end
of each year, by country of origin.
"""

from __future__ import annotations

import pandas as pd

from analysis.manuscript import number_entry

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


def hosted_numbers(
    hosted: pd.DataFrame, population: pd.DataFrame, asylum_iso: str, origin: str = "SYR"
) -> dict[str, dict]:
    """The numbers the text quotes about the hosted population, with their kinds."""
    totals = hosted.groupby("year")["hosted"].sum()
    by_origin = hosted.query("coo_iso == @origin").set_index("year")["hosted"]
    peak_year = int(by_origin.idxmax())
    last_year = int(totals.index.max())
    first_year = int(totals.index.min())
    hosts = largest_host_by_year(population.query("year <= @last_year"))
    led = hosts.query("coa_iso == @asylum_iso")["year"].astype(int)
    world = population.groupby("year")["refugees"].sum()
    own = population.query("coa_iso == @asylum_iso").groupby("year")["refugees"].sum()
    share = (own / world).reindex(totals.index)

    number = number_entry
    return {
        "hosted_first_year": number(first_year, "year", "First year of the hosted series."),
        "hosted_last_year": number(last_year, "year", "Last year of the hosted series."),
        "hosted_total_first": number(
            int(totals.loc[first_year]), "count", "Refugees and asylum-seekers hosted, first year."
        ),
        "hosted_total_last": number(
            int(totals.loc[last_year]), "count", "Refugees and asylum-seekers hosted, last year."
        ),
        "hosted_total_peak": number(
            int(totals.max()), "count", "Largest hosted total of any year."
        ),
        "hosted_total_peak_year": number(
            int(totals.idxmax()), "year", "Year of the largest hosted total."
        ),
        "syria_first": number(
            int(by_origin.loc[first_year]), "count", "Syrians hosted, first year."
        ),
        "syria_peak_count": number(
            int(by_origin.max()), "count", "Largest number of Syrians hosted in any year."
        ),
        "syria_peak_year": number(peak_year, "year", "Year of the largest Syrian population."),
        "syria_last": number(int(by_origin.loc[last_year]), "count", "Syrians hosted, last year."),
        "syria_decline_since_peak": number(
            float(1 - by_origin.loc[last_year] / by_origin.max()),
            "percent",
            "Fall in the Syrian population from its peak to the last year, as a share of the peak.",
        ),
        "syria_share_of_hosted_peak": number(
            float(by_origin.loc[peak_year] / totals.loc[peak_year]),
            "percent",
            "Syrians' share of all hosted in the Syrian peak year.",
        ),
        "world_share_peak": number(
            float(share.loc[peak_year]),
            "percent",
            "Türkiye's share of the world's refugees in the Syrian peak year.",
            1,
        ),
        "world_share_last": number(
            float(share.loc[last_year]),
            "percent",
            "Türkiye's share of the world's refugees in the last year.",
            1,
        ),
        "largest_host_first_year": number(
            int(led.min()) if len(led) else None,
            "year",
            "First year Türkiye hosted more refugees than any other country.",
        ),
        "largest_host_years": number(
            len(led),
            "count",
            "Years in which Türkiye hosted more refugees than any other country.",
        ),
        "largest_host_last_year": number(
            int(led.max()) if len(led) else None,
            "year",
            "Last year Türkiye was the largest refugee host.",
        ),
    }
