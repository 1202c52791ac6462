"""Series built for the models: gap filling and EU27 totals."""

from __future__ import annotations

import pandas as pd

from asylum_regime.series import eu_applicants_panel, monthly_detections


def test_a_month_the_source_lacks_is_missing_not_zero():
    frontex = pd.DataFrame(
        {
            "route": ["EMR", "EMR", "EMR", "CMR"],
            "type": ["Sea", "Sea", "Land", "Sea"],
            "nat": ["SYR", "AFG", "SYR", "ERI"],
            "month": pd.to_datetime(["2016-01-01", "2016-01-01", "2016-02-01", "2016-03-01"]),
            "detections": [5, 7, 11, 13],
        }
    )
    series = monthly_detections(frontex, "EMR", "Sea")
    assert series["month"].tolist() == list(pd.date_range("2016-01-01", periods=3, freq="MS"))
    assert series["detections"].iloc[0] == 12
    assert series["detections"].iloc[1:].isna().all()


def test_eu_panel_sums_member_states_and_sexes_only():
    asyapp = pd.DataFrame(
        {
            "geo": ["DEU", "DEU", "FRA", "EU27", "NOR", "FRA"],
            "year": [2015, 2015, 2015, 2015, 2015, 2016],
            "nat": ["SYR", "SYR", "SYR", "SYR", "SYR", "AFG"],
            "sex": ["male", "female", "male", "male", "male", "male"],
            "applicants": [10, 5, 20, 999, 50, 3],
        }
    )
    panel = eu_applicants_panel(asyapp, ["DEU", "FRA"]).set_index(["nat", "year"])["applicants"]
    assert panel[("SYR", 2015)] == 35
    assert panel[("SYR", 2016)] == 0 and panel[("AFG", 2015)] == 0
    assert panel[("AFG", 2016)] == 3
