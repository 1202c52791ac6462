"""What one amending act did to the legislative index (referee reading of 8 December 2026,
point 9: the text said the Decree-Law of 2016 "moves nothing" while three of its intervals
are scored and lower the index; regulations of the same year offset the fall)."""

from __future__ import annotations

import pandas as pd
import pytest

from asylum_regime.harmonisation import amendment_numbers, without_instrument

SPEC = {"first_year": 2013, "last_year": 2018, "benchmark_instruments": ["EU_RD_2008_115"]}
MAIN = {
    "coding": "reconciled",
    "unverified": "exclude",
    "partial_credit": 0.5,
    "weighting": "provision",
}


def interval(requirement, instrument, start, end, score, verified="partial"):
    return {
        "requirement_id": requirement,
        "eu_instrument_id": "EU_RD_2008_115",
        "group": "return",
        "applicable": True,
        "tr_instrument_id": instrument,
        "valid_from": pd.Timestamp(start),
        "valid_to": pd.Timestamp(end) if end else pd.NaT,
        "score": score,
        "verified": verified,
    }


def tables(*rows) -> dict[str, pd.DataFrame]:
    empty = pd.DataFrame({"verified": pd.Series([], dtype=str)})
    return {
        "alignment": pd.DataFrame(list(rows)),
        "statement_implementation": empty,
        "events": empty,
    }


def coding():
    # X01 lowered by the decree; X02 raised by a regulation of the same year; X03 had no
    # provision before the decree; X04 is left out as unverified (a `no` row)
    return tables(
        interval("X01", "TR_LAW", "2014-04-11", "2016-10-28", 1),
        interval("X01", "TR_DECREE", "2016-10-29", "2019-12-23", 0.5),
        interval("X01", "TR_LATER", "2019-12-24", None, 1),
        interval("X02", "TR_LAW", "2014-04-11", "2016-03-16", 0.5),
        interval("X02", "TR_REG", "2016-03-17", None, 1),
        interval("X03", "TR_DECREE", "2016-10-29", None, 0.5),
        interval("X04", "TR_LAW", "2014-04-11", "2016-10-28", 1, verified="no"),
        interval("X04", "TR_DECREE", "2016-10-29", None, 0),
    )


def test_without_instrument_gives_each_interval_back_to_the_one_it_interrupted():
    alignment = coding()["alignment"]
    rest = without_instrument(alignment, "TR_DECREE").sort_values(
        ["requirement_id", "valid_from"], ignore_index=True
    )
    x01 = rest[rest["requirement_id"] == "X01"]
    # the 2014 interval now runs to the end of the decree's; the later act still follows
    assert list(x01["tr_instrument_id"]) == ["TR_LAW", "TR_LATER"]
    assert x01["valid_to"].iloc[0] == pd.Timestamp("2019-12-23")
    # a requirement the decree first answered stays, scored 0 (no Turkish provision)
    x03 = rest[rest["requirement_id"] == "X03"]
    assert list(x03["score"]) == [0.0]
    assert len(rest) == len(alignment) - 2  # X01's and X04's decree intervals go


def test_the_effect_and_the_year_s_change_are_told_apart():
    numbers = amendment_numbers(coding(), SPEC, MAIN, "TR_DECREE", "decree")
    assert numbers["decree_year"]["value"] == 2016
    # X04 is left out as unverified. On 31.12.2016 with the decree: X01 0.5, X02 1, X03 0.5;
    # without it: X01 1, X02 1, X03 0 (no provision); on 31.12.2015: 1, 0.5, 0
    assert numbers["decree_index_effect"]["value"] == pytest.approx(2.0 / 3 - 2.0 / 3)
    assert numbers["decree_year_change"]["value"] == pytest.approx(2.0 / 3 - 1.5 / 3)


def test_an_amendment_that_only_lowers_scores_shows_a_negative_effect():
    only_lowering = tables(
        interval("X01", "TR_LAW", "2014-04-11", "2016-10-28", 1),
        interval("X01", "TR_DECREE", "2016-10-29", None, 0.5),
        interval("X02", "TR_LAW", "2014-04-11", "2016-03-16", 0.5),
        interval("X02", "TR_REG", "2016-03-17", None, 1),
    )
    numbers = amendment_numbers(only_lowering, SPEC, MAIN, "TR_DECREE", "decree")
    assert numbers["decree_index_effect"]["value"] == pytest.approx(-0.25)
    assert numbers["decree_year_change"]["value"] == pytest.approx(0.0)


def test_an_instrument_outside_the_index_is_a_configuration_error():
    with pytest.raises(ValueError, match=r"indices\.amendments: decree: TR_NONE"):
        amendment_numbers(coding(), SPEC, MAIN, "TR_NONE", "decree")


def test_the_main_coding_states_what_the_decree_law_of_2016_did():
    """The real coding: the Decree-Law's scored intervals lower the index of 2016, and the
    regulations of 2016 offset the fall (the sentence of 50-harmonisation, claim
    decree_law_676_offset)."""
    from pathlib import Path

    import yaml

    from asylum_regime.harmonisation import CODED_TABLES, load_coded_inputs
    from asylum_regime.specifications import main_specification

    root = Path(__file__).resolve().parents[1]
    config = yaml.safe_load((root / "config/config.yaml").read_text(encoding="utf-8"))
    spec = config["indices"]
    schemas = {p.stem: p for p in (root / "workflow/schemas/tables").glob("*.yaml")}
    paths = {
        "eu_instruments": root / "data/raw/legal/eu_instruments.csv",
        "tr_instruments": root / "data/raw/legal/tr_instruments.csv",
        "events": root / "data/raw/policy/events.csv",
        "commission_assessments": root / "data/raw/policy/commission_assessments.csv",
        "visa_benchmarks": root / "data/raw/policy/visa_benchmarks.csv",
        "statement_implementation": root / "data/raw/policy/statement_implementation.csv",
    }
    loaded = load_coded_inputs(
        {name: paths[name] for name in CODED_TABLES},
        sorted((root / "data/raw/legal/alignment").glob("*.csv")),
        schemas,
        None,
    )
    multiverse = config["multiverse"]["indices"]
    main = main_specification("indices", multiverse["dimensions"], multiverse["main"])
    numbers = amendment_numbers(loaded, spec, main.choices, "TR_KHK_676", "decree_law_676")
    assert numbers["decree_law_676_year"]["value"] == 2016
    assert numbers["decree_law_676_index_effect"]["value"] < 0
    assert numbers["decree_law_676_year_change"]["value"] >= 0
