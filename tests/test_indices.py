"""Harmonisation indices: hand-computed cases and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asylum_regime.indices import (
    legislative_index,
    policy_index,
    practice_index,
    requirement_weights,
    weighted_mean_available,
)


def coding(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=[
            "requirement_id",
            "eu_instrument_id",
            "group",
            "applicable",
            "valid_from",
            "valid_to",
            "score",
        ],
    )
    return frame.assign(
        valid_from=pd.to_datetime(frame["valid_from"]), valid_to=pd.to_datetime(frame["valid_to"])
    )


CODING = coding(
    [
        ("A1", "QD", "qualification", True, "1994-11-30", "2014-04-10", 0.0),
        ("A1", "QD", "qualification", True, "2014-04-11", None, 0.5),
        ("A2", "QD", "qualification", True, "2014-04-11", None, 1.0),
        ("B1", "RD", "return", True, "1994-11-30", "2016-10-28", 1.0),
        ("B1", "RD", "return", True, "2016-10-29", None, 0.5),
        ("D1", "DUB", "dublin", False, None, None, None),
    ]
)


def test_hand_computed_levels():
    index = legislative_index(CODING, 2013, 2017).set_index("year")["index"]
    # 2013: A1 0, A2 no provision yet (0), B1 1 -> 1/3; D1 is not applicable.
    assert index[2013] == pytest.approx(1 / 3)
    # 2014: A1 0.5, A2 1, B1 1 -> 2.5/3
    assert index[2014] == pytest.approx(2.5 / 3)
    # 2016: B1 fell to 0.5 on 29 October -> 2/3
    assert index[2016] == pytest.approx(2 / 3)


def test_partial_credit_and_instrument_weighting():
    index = legislative_index(CODING, 2016, 2016, partial_credit=0.25).loc[0, "index"]
    assert index == pytest.approx((0.25 + 1 + 0.25) / 3)
    equal_instrument = legislative_index(CODING, 2016, 2016, weighting="instrument").loc[0, "index"]
    # QD: mean(0.5, 1) = 0.75; RD: 0.5 -> (0.75 + 0.5) / 2
    assert equal_instrument == pytest.approx(0.625)


def test_per_instrument_series():
    per = legislative_index(CODING, 2016, 2016, by="eu_instrument_id")
    assert per.set_index("eu_instrument_id")["index"].to_dict() == {"QD": 0.75, "RD": 0.5}


def test_change_on_31_december_counts_for_that_year_and_on_1_january_for_the_next():
    for day, year_changed in (("2015-12-31", 2015), ("2016-01-01", 2016)):
        c = coding(
            [
                ("X", "QD", "g", True, "2000-01-01", None, 0.0),
                ("Y", "QD", "g", True, day, None, 1.0),
            ]
        )
        c.loc[0, "valid_to"] = pd.Timestamp(day) - pd.Timedelta(days=1)
        c.loc[0, "score"] = 0.0
        index = legislative_index(c, 2014, 2016).set_index("year")["index"]
        assert index[year_changed] == 0.5 and index[year_changed - 1] == 0.0


def test_unknown_weighting_is_an_error():
    with pytest.raises(ValueError, match="unknown weighting"):
        requirement_weights(CODING, "by-vibes")


scores = st.sampled_from([0.0, 0.5, 1.0])


@st.composite
def random_coding(draw):
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        start_year = draw(st.integers(1995, 2024))
        rows.append(
            (
                f"R{i}",
                draw(st.sampled_from(["QD", "APD", "RCD"])),
                "g",
                True,
                f"{start_year}-{draw(st.integers(1, 12)):02d}-01",
                None,
                draw(scores),
            )
        )
    return coding(rows)


@given(
    random_coding(),
    st.sampled_from([0.25, 0.5, 0.75]),
    st.sampled_from(["provision", "instrument"]),
)
@settings(max_examples=60, deadline=None)
def test_bounds_and_row_order(c, partial, weighting):
    a = legislative_index(c, 2000, 2025, partial, weighting)
    b = legislative_index(c.sample(frac=1, random_state=1), 2000, 2025, partial, weighting)
    assert a["index"].between(0, 1).all()
    pd.testing.assert_frame_equal(a, b)


@given(random_coding(), st.data())
@settings(max_examples=60, deadline=None)
def test_raising_a_score_never_lowers_the_index(c, data):
    row = data.draw(st.integers(0, len(c) - 1))
    raised = c.copy()
    raised.loc[row, "score"] = min(1.0, raised.loc[row, "score"] + 0.5)
    before = legislative_index(c, 2000, 2025)["index"].to_numpy()
    after = legislative_index(raised, 2000, 2025)["index"].to_numpy()
    assert np.all(after >= before - 1e-12)


def test_weighted_mean_skips_missing_components():
    frame = pd.DataFrame({"a": [1.0, np.nan, np.nan], "b": [0.0, 0.5, np.nan]})
    out = weighted_mean_available(frame, {"a": 3.0, "b": 1.0})
    assert out[0] == pytest.approx(0.75) and out[1] == pytest.approx(0.5) and np.isnan(out[2])


def test_policy_index_uses_latest_report_and_ends_benchmarks_at_the_last():
    assessments = pd.DataFrame(
        {
            "report_date": pd.to_datetime(["2015-11-10", "2016-11-09", "2018-04-17"]),
            "chapter": ["24", "24", "24"],
            "preparation_level": [
                "some level of preparation",
                "some level of preparation",
                "moderately prepared",
            ],
        }
    )
    benchmarks = pd.DataFrame(
        {
            "report_date": pd.to_datetime(["2016-05-04"]),
            "benchmarks_met": [65],
            "benchmarks_total": [72],
        }
    )
    scale = {"some level of preparation": 0.25, "moderately prepared": 0.5}
    out = policy_index(
        assessments, benchmarks, scale, {"preparation": 1, "visa_benchmarks": 1}, "24", 2014, 2018
    ).set_index("year")
    assert np.isnan(out.loc[2014, "index"])
    assert out.loc[2015, "index"] == 0.25
    assert out.loc[2016, "index"] == pytest.approx((0.25 + 65 / 72) / 2)
    # no benchmark report after 2016: the benchmarks are missing, not carried forward,
    # and the index rests on the component that was reported
    assert np.isnan(out.loc[2017, "visa_benchmarks"])
    assert out.loc[2017, "index"] == 0.25
    assert out.loc[2018, "index"] == 0.5


def test_policy_index_rejects_an_unmapped_level():
    assessments = pd.DataFrame(
        {
            "report_date": pd.to_datetime(["2015-11-10"]),
            "chapter": ["24"],
            "preparation_level": ["quite good"],
        }
    )
    benchmarks = pd.DataFrame(
        {"report_date": pd.to_datetime([]), "benchmarks_met": [], "benchmarks_total": []}
    )
    with pytest.raises(ValueError, match="quite good"):
        policy_index(
            assessments, benchmarks, {}, {"preparation": 1, "visa_benchmarks": 1}, "24", 2015, 2015
        )


def test_practice_index_clips_and_averages():
    components = pd.DataFrame({"year": [2016, 2017], "returns": [0.02, 2.0], "visa": [0.0, np.nan]})
    out = practice_index(components, {"returns": 1, "visa": 1})
    assert out["index"].tolist() == pytest.approx([0.01, 1.0])
    assert out["components"].tolist() == [2, 1]


def test_practice_index_needs_enough_components():
    components = pd.DataFrame({"year": [2016, 2017], "returns": [0.5, 0.5], "visa": [0.0, np.nan]})
    out = practice_index(components, {"returns": 1, "visa": 1}, min_components=2)
    assert out["index"].iloc[0] == pytest.approx(0.25)
    assert np.isnan(out["index"].iloc[1])


def test_practice_components_from_reports_events_and_arrivals():
    from asylum_regime.indices import practice_components

    statement = pd.DataFrame(
        {
            "indicator": ["returns_greece_to_turkey"] * 3
            + ["syrians_resettled_1to1"]
            + [
                "frit_disbursed_eur",
                "frit_disbursed_eur",
                "frit_envelope_eur",
                "frit_envelope_eur",
            ],
            "as_of_date": pd.to_datetime(
                [
                    "2016-06-15",
                    "2016-12-01",  # the year's last report counts
                    "2017-03-02",
                    "2017-12-05",
                    "2017-12-05",
                    "2018-03-01",
                    "2015-11-24",
                    "2018-03-14",
                ]
            ),
            "value": [300, 700, 1500, 11000, 1.5e9, 2.0e9, 3.0e9, 6.0e9],
        }
    )
    # 1,000 detections a month from January 2016
    monthly = pd.DataFrame(
        {"month": pd.date_range("2016-01-01", "2018-12-01", freq="MS"), "detections": 1000}
    )
    spec = {
        "start_year": 2016,
        "resettlement_ceiling": 72000,
        "arrivals": {"from_month": "2016-04"},
        "readmission": {"applies": "tcn", "suspended": "suspended"},
        "visa_granted_event": "visa",
        "returns_stopped": "stopped",
    }
    events = {"tcn": pd.Timestamp("2016-06-01"), "suspended": pd.Timestamp("2018-07-22")}
    out = practice_components(statement, monthly, events, spec, 2015, 2018).set_index("year")
    # returns never stopped (no such event dated): the last report's year stays missing
    assert np.isnan(out.loc[2017, "returns"])
    # returns stopped before the last report (2 March 2017): its count stands at the
    # end of 2017 (1,500 returns over April 2016 to December 2017, 21 months of arrivals)
    events["stopped"] = pd.Timestamp("2017-01-15")
    stopped = practice_components(statement, monthly, events, spec, 2015, 2018).set_index("year")
    assert stopped.loc[2017, "returns"] == pytest.approx(1500 / 21000)
    assert stopped.loc[2016, "returns"] == out.loc[2016, "returns"]
    assert np.isnan(stopped.loc[2018, "returns"])
    assert out.loc[2015].isna().all()
    # 31 Dec 2016 lies 30 of the 91 days from the 1 Dec 2016 report to the 2 Mar 2017 one;
    # April..December 2016 = 9 months of arrivals
    assert out.loc[2016, "returns"] == pytest.approx((700 + 800 * 30 / 91) / 9000)
    assert np.isnan(out.loc[2017, "returns"])  # after the last report: missing, not zero
    assert np.isnan(out.loc[2016, "resettlement"])  # before the first report
    # 31 Dec 2017: 26 of the 86 days between the disbursement reports; envelope of the time
    assert out.loc[2017, "funding"] == pytest.approx((1.5e9 + 0.5e9 * 26 / 86) / 3.0e9)
    assert np.isnan(out.loc[2018, "funding"])
    assert out["readmission"].tolist()[1:] == [1.0, 1.0, 0.0]  # suspended in 2018
    assert out["visa"].tolist()[1:] == [0.0, 0.0, 0.0]  # never granted
