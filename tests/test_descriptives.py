"""Hosted-population descriptives on small hand-made frames."""

from __future__ import annotations

import pandas as pd

from asylum_regime.descriptives import (
    OTHER,
    group_minor_origins,
    hosted_by_origin,
    largest_host_by_year,
    top_origins,
)
from asylum_regime.numbers import hosted_numbers


def population() -> pd.DataFrame:
    rows = [
        # year, origin, asylum country, refugees, asylum-seekers
        (2019, "SYR", "TUR", 100, 0),
        (2019, "AFG", "TUR", 10, 5),
        (2019, "IRQ", "TUR", 3, None),
        (2020, "SYR", "TUR", 300, 0),
        (2020, "AFG", "TUR", 20, 0),
        (2021, "SYR", "TUR", 200, 10),
        (2021, "IRQ", "TUR", 1, 1),
        (2019, "SYR", "LBN", 500, 0),
        (2020, "SYR", "LBN", 200, 0),
        (2021, "SYR", "LBN", 100, 0),
    ]
    frame = pd.DataFrame(rows, columns=["year", "coo_iso", "coa_iso", "refugees", "asylum_seekers"])
    return frame.astype({"refugees": "Int64", "asylum_seekers": "Int64"})


def test_hosted_fills_missing_years_and_origins_with_zero():
    hosted = hosted_by_origin(population(), "TUR", 2018, 2021)
    assert len(hosted) == 4 * 3  # every year × every origin
    assert hosted.query("year == 2018")["hosted"].sum() == 0
    assert hosted.query("year == 2019 and coo_iso == 'AFG'")["hosted"].item() == 15
    assert hosted.query("year == 2019 and coo_iso == 'IRQ'")["hosted"].item() == 3


def test_top_origins_and_grouping():
    hosted = hosted_by_origin(population(), "TUR", 2019, 2021)
    keep = top_origins(hosted, 1)
    assert keep == ["SYR"]
    grouped = group_minor_origins(hosted, keep)
    assert list(grouped["origin"].cat.categories) == ["SYR", OTHER]
    assert grouped.query("year == 2019 and origin == @OTHER")["hosted"].item() == 18


def test_largest_host_and_shares():
    hosts = largest_host_by_year(population())
    assert hosts["coa_iso"].tolist() == ["LBN", "TUR", "TUR"]
    assert abs(hosts.loc[0, "share"] - 500 / 613) < 1e-12


def test_numbers():
    pop = population()
    words = {"en": "the end of 2021"}
    numbers = hosted_numbers(hosted_by_origin(pop, "TUR", 2019, 2021), pop, "TUR", last_as_of=words)
    assert numbers["hosted_last_as_of"]["value"] == words
    assert numbers["hosted_last_as_of"]["kind"] == "text"
    assert numbers["syria_peak_year"]["value"] == 2020
    assert numbers["syria_peak_count"]["value"] == 300
    assert numbers["syria_last"]["value"] == 210
    assert abs(numbers["syria_decline_since_peak"]["value"] - 0.3) < 1e-12
    assert numbers["largest_host_first_year"]["value"] == 2020
    assert numbers["largest_host_years"]["value"] == 2
    assert numbers["world_share_peak"]["kind"] == "percent"
    assert abs(numbers["world_share_peak"]["value"] - 320 / 520) < 1e-12
