"""Evidence status travels: numbers computed from unverified rows list them, through the
results files to the claims check."""

from __future__ import annotations

import pandas as pd

from asylum_regime.evidence import index_unverified, row_id
from asylum_regime.numbers import coding_numbers, event_numbers, index_numbers
from paperkit.numbers import merge_numbers, number_entry, unverified_numbers


def alignment(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["requirement_id", "eu_instrument_id", "applicable", "valid_from", "verified"],
    ).assign(valid_from=lambda f: pd.to_datetime(f["valid_from"]))


CODING = alignment(
    [
        ("A01", "EU_QD", True, "2014-04-11", "partial"),
        ("A02", "EU_QD", True, "2014-04-11", "no"),
        ("A03", "EU_QD", True, "2014-04-11", "yes"),
        ("D01", "EU_DUB", False, None, "yes"),
        ("D02", "EU_DUB", False, None, "no"),
    ]
)


def test_an_entry_lists_its_unverified_rows_only_when_there_are_any():
    assert "unverified" not in number_entry(1, "count", "x")
    assert number_entry(1, "count", "x", unverified=["b", "a", "a"])["unverified"] == ["a", "b"]
    merged = merge_numbers({"f.json": {"n": number_entry(1, "count", "x", unverified=["a"])}})
    assert unverified_numbers(merged) == {"n": ("a",)}


def test_row_ids():
    assert row_id("alignment", CODING.iloc[1]) == "alignment:A02@2014-04-11"
    assert row_id("alignment", CODING.iloc[4]) == "alignment:D02"


def test_coding_counts_say_what_rests_on_unverified_rows():
    numbers = coding_numbers(CODING)
    assert numbers["coding_not_applicable"]["unverified"] == ["alignment:D02"]
    assert numbers["coding_applicable"]["unverified"] == ["alignment:A02@2014-04-11"]
    assert "unverified" not in numbers["coding_verified_no"]  # a count of statuses
    # rows that enter the index, read in a primary text: not the not-applicable ones
    assert numbers["coding_verified_yes"]["value"] == 2
    assert numbers["coding_applicable_verified_yes"]["value"] == 1
    assert numbers["coding_not_applicable_verified_yes"]["value"] == 1
    assert numbers["coding_applicable_rows"]["value"] == 3
    assert numbers["coding_requirements_unverified"]["value"] == 1


def test_an_unverified_event_date_says_so():
    events = pd.DataFrame(
        {
            "event_id": ["a", "b"],
            "date": pd.to_datetime(["2019-07-22", "2020-03-31"]),
            "precision": ["day", "month"],
            "description_en": ["A.", "B."],
            "label_en": ["A", "B"],
            "verified": ["no", "partial"],
        }
    )
    numbers = event_numbers(events)
    assert numbers["event_a"]["unverified"] == ["events:a"]
    assert numbers["event_a_year"]["unverified"] == ["events:a"]
    assert "unverified" not in numbers["event_b"]


def spec() -> dict:
    return {
        "benchmark_instruments": ["EU_QD"],
        "policy": {"chapter": "24"},
        "practice": {
            "readmission": {"applies": "r", "ends": {"x": "s"}},
            "visa_granted_event": None,
        },
    }


def tables() -> dict[str, pd.DataFrame]:
    events = pd.DataFrame({"event_id": ["r", "s", "t"], "verified": ["yes", "no", "no"]})
    statement = pd.DataFrame(
        {
            "indicator": ["frit_disbursed_eur"],
            "as_of_date": pd.to_datetime(["2017-12-31"]),
            "verified": ["no"],
        }
    )
    empty = pd.DataFrame({"report_year": [], "chapter": [], "report_date": [], "verified": []})
    return {
        "alignment": CODING,
        "events": events,
        "statement_implementation": statement,
        "commission_assessments": empty,
        "visa_benchmarks": empty,
    }


def test_the_main_specification_decides_what_the_indices_rest_on():
    included = index_unverified(tables(), spec(), {"unverified": "include"})
    assert included["legislative"] == ["alignment:A02@2014-04-11"]
    assert included["practice"] == [
        "events:s",  # ends the readmission component; 't' is used by no component
        "statement_implementation:frit_disbursed_eur@2017-12-31",
    ]
    excluded = index_unverified(tables(), spec(), {"unverified": "exclude"})
    assert excluded == {"legislative": [], "policy": [], "practice": []}


def test_index_numbers_carry_the_rows_of_their_index():
    annual = pd.DataFrame(
        {
            "year": [2016, 2017],
            "legislative": [0.5, 0.6],
            "policy": [0.4, 0.4],
            "practice": [0.1, 0.2],
            "returns": [0.01, 0.02],
            "resettlement": [0.1, 0.2],
            "funding": [0.3, 0.4],
        }
    )
    sensitivity = pd.DataFrame(
        {
            "variant": ["main", "without unverified requirements"] * 2,
            "left_out": ["", "unverified"] * 2,
            "year": [2016, 2016, 2017, 2017],
            "index": [0.5, 0.5, 0.6, 0.55],
        }
    )
    by_group = pd.DataFrame({"year": [2017], "group": ["procedure"], "index": [0.7]})
    results = {"annual": annual, "sensitivity": sensitivity, "by_group": by_group}
    rows = {"legislative": ["alignment:A02@2014-04-11"], "practice": ["events:s"], "policy": []}
    numbers = index_numbers(results, [2016], rows)
    assert numbers["legislative_index_last"]["unverified"] == ["alignment:A02@2014-04-11"]
    assert numbers["group_index_procedure_last"]["unverified"] == ["alignment:A02@2014-04-11"]
    assert numbers["practice_index_max"]["unverified"] == ["events:s"]
    assert numbers["practice_funding_max"]["unverified"] == ["events:s"]
    assert not any("gap" in name for name in numbers)  # different yardsticks: no gap
    assert "unverified" not in numbers["legislative_verified_only_last"]
    assert "unverified" not in numbers["policy_index_last"]
    assert "unverified" not in index_numbers(results, [2016])["legislative_index_last"]
