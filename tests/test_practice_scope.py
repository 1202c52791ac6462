"""The scope of the practice index after its last year (referee, issue 24): the text says
which series ends there, from ``practice_<component>_last_year``, the last 31 December
on which each component is measured. This test holds the number to that meaning."""

from __future__ import annotations

import pandas as pd

from asylum_regime.numbers import index_numbers


def test_each_component_reports_the_last_year_it_is_measured():
    nan = float("nan")
    annual = pd.DataFrame(
        {
            "year": [2016, 2017, 2018, 2019],
            "legislative": [0.5, 0.6, 0.6, 0.6],
            "policy": [0.4, 0.4, nan, nan],
            "practice": [0.1, 0.2, nan, nan],
            "returns": [0.01, 0.02, 0.02, nan],  # returns reported one year longer
            "resettlement": [0.1, 0.2, nan, nan],
            "funding": [0.3, 0.4, nan, nan],  # the disbursement series ends in 2017
        }
    )
    sensitivity = pd.DataFrame(
        {
            "variant": ["main", "without unverified requirements"] * 4,
            "left_out": ["", "unverified"] * 4,
            "year": [2016, 2016, 2017, 2017, 2018, 2018, 2019, 2019],
            "index": [0.5, 0.5, 0.6, 0.55, 0.6, 0.55, 0.6, 0.55],
        }
    )
    by_group = pd.DataFrame({"year": [2019], "group": ["procedure"], "index": [0.7]})
    results = {"annual": annual, "sensitivity": sensitivity, "by_group": by_group}
    numbers = index_numbers(results, [2016])
    assert numbers["practice_index_last_year"]["value"] == 2017
    assert numbers["practice_funding_last_year"]["value"] == 2017
    assert numbers["practice_resettlement_last_year"]["value"] == 2017
    assert numbers["practice_returns_last_year"]["value"] == 2018
    assert numbers["practice_funding_last_year"]["kind"] == "year"
