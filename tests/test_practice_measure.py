"""The practice measure of the main specification (returns, resettlement and
disbursement; the readmission status and the visa component only as the multiverse's
alternatives) and the decoupling test fixed before its result, on small known inputs."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from asylum_regime.harmonisation import IndexParts, index_specification_row, practice_setting
from asylum_regime.indices import decoupling_test, practice_index
from asylum_regime.numbers import specification_numbers
from asylum_regime.tables import indices_annual_table
from paperkit.languages import Language
from tests.conftest import ROOT

YEARS = range(2014, 2022)


def series(values: dict[int, float]) -> pd.Series:
    """An annual series over ``YEARS``, NaN where ``values`` has no year."""
    return pd.Series({year: values.get(year, np.nan) for year in YEARS}, dtype=float)


# Legislation 0.69 until 2018, 0.67 from 2019: the law moves in one year of the window.
LAW = series({year: 0.69 if year < 2019 else 0.67 for year in YEARS})


# --------------------------------------------------------------------------- decoupling


def test_practice_rising_while_the_law_falls_does_not_contradict_decoupling():
    practice = series({2016: 0.06, 2017: 0.17, 2018: 0.21, 2019: 0.30, 2020: 0.36})
    assert decoupling_test(LAW, practice) == {
        "decoupling_law_years": 1,
        "decoupling_contradicted": False,
    }


def test_practice_falling_with_the_law_by_more_than_any_other_year_contradicts_it():
    # 2019: the law falls by 0.02 and practice by 0.18, more than its largest other
    # change (0.07 in 2017)
    practice = series({2016: 0.24, 2017: 0.31, 2018: 0.33, 2019: 0.15, 2020: 0.20})
    assert decoupling_test(LAW, practice)["decoupling_contradicted"] is True


def test_a_move_with_the_law_no_larger_than_in_a_year_the_law_stood_still_does_not():
    # practice falls in 2019 (with the law) by 0.05, but moved 0.10 in 2017
    practice = series({2016: 0.20, 2017: 0.30, 2018: 0.32, 2019: 0.27, 2020: 0.29})
    assert decoupling_test(LAW, practice)["decoupling_contradicted"] is False
    # the same size of move in the opposite direction of the law does not either
    rising = series({2016: 0.20, 2017: 0.21, 2018: 0.22, 2019: 0.40, 2020: 0.41})
    assert decoupling_test(LAW, rising)["decoupling_contradicted"] is False


def test_every_year_the_law_moved_must_show_the_pattern():
    law = series({2014: 0.6, 2015: 0.6, 2016: 0.6, 2017: 0.7, 2018: 0.7, 2019: 0.65, 2020: 0.65})
    with_both = series({2016: 0.1, 2017: 0.4, 2018: 0.41, 2019: 0.2, 2020: 0.21})
    only_one = series({2016: 0.1, 2017: 0.4, 2018: 0.41, 2019: 0.6, 2020: 0.61})
    assert decoupling_test(law, with_both) == {
        "decoupling_law_years": 2,
        "decoupling_contradicted": True,
    }
    assert decoupling_test(law, only_one)["decoupling_contradicted"] is False


def test_without_a_year_in_which_the_law_moved_the_test_cannot_fail():
    flat = series(dict.fromkeys(YEARS, 0.69))
    practice = series({2016: 0.4, 2017: 0.1, 2018: 0.5})
    assert decoupling_test(flat, practice) == {
        "decoupling_law_years": 0,
        "decoupling_contradicted": False,
    }
    # a change of the law in practice's first year has no change of practice to compare
    law = series({year: 0.5 if year < 2016 else 0.7 for year in YEARS})
    assert decoupling_test(law, practice)["decoupling_law_years"] == 0


# --------------------------------------------------------------------------- the measure

SPEC = {
    "first_year": 2014,
    "last_year": 2021,
    "half": 0.5,
    "practice": {
        "weights": {"returns": 1, "resettlement": 1, "funding": 1, "readmission": 1, "visa": 1},
        "readmission": {
            "applies": "tcn",
            "ends": {"announced_2019": "announced", "stopped_2020": "stopped"},
        },
        "statement_envelope": 6e9,
        "min_components": 3,
        "resettlement_ceiling": 72000,
    },
}
# the paper's main specification of the indices, every dimension included
MAIN = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))["multiverse"][
    "indices"
]["main"]
COMPONENTS = pd.DataFrame(
    {
        "year": list(YEARS),
        "returns": [np.nan, np.nan, 0.03, 0.02, 0.02, 0.01, 0.01, np.nan],
        "resettlement": [np.nan, np.nan, 0.04, 0.16, 0.26, 0.36, 0.40, np.nan],
        "funding": [np.nan, np.nan, 0.11, 0.31, 0.37, 0.53, 0.67, np.nan],
        "readmission": [np.nan, np.nan, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0],
        "visa": [np.nan, np.nan, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    }
)


def stub_parts(components: pd.DataFrame = COMPONENTS) -> IndexParts:
    """``IndexParts`` whose legislative, policy and component parts are given frames."""
    parts = IndexParts({}, pd.DataFrame(), SPEC)
    parts.legislative = lambda *args: pd.DataFrame({"year": list(YEARS), "index": LAW.to_list()})
    parts.policy = lambda unverified: pd.DataFrame({"year": list(YEARS), "index": 0.9})
    parts.components = lambda choices, practice_spec: components
    return parts


def test_the_main_specification_counts_the_three_acts_alone():
    _, weights = practice_setting(SPEC, MAIN)
    assert weights == {"returns": 1, "resettlement": 1, "funding": 1}
    annual = stub_parts().annual(MAIN).set_index("year")
    # neither left-out component is a column of the specification's indices
    assert "readmission" not in annual and "visa" not in annual
    # 2016: (0.03 + 0.04 + 0.11) / 3; 2020: (0.01 + 0.40 + 0.67) / 3
    assert annual.loc[2016, "practice"] == pytest.approx(0.06)
    assert annual.loc[2020, "practice"] == pytest.approx(0.36)
    assert np.isnan(annual.loc[2021, "practice"])  # two components only: undefined


def test_the_alternatives_add_the_readmission_status_and_the_visa_component():
    choices = {**MAIN, "readmission": "stopped_2020", "visa": "on"}
    practice_spec, weights = practice_setting(SPEC, choices)
    assert set(weights) == {"returns", "resettlement", "funding", "readmission", "visa"}
    assert practice_spec["readmission"]["suspended"] == "stopped"
    annual = stub_parts().annual(choices).set_index("year")
    assert annual.loc[2019, "practice"] == pytest.approx((0.01 + 0.36 + 0.53 + 1.0 + 0.0) / 5)
    assert annual.loc[2020, "readmission"] == 0.0
    # the visa component (never granted) caps the index at four fifths
    capped = practice_index(COMPONENTS.fillna(1.0).assign(visa=0.0), weights)
    assert capped["index"].max() == pytest.approx(0.8)


def test_the_specification_row_carries_the_decoupling_test():
    specification = SimpleNamespace(ident="indices-test", choices=MAIN)
    # a disbursement reported for 2021, a year without a practice index, is outside
    # the window the acts are compared over
    reported_later = COMPONENTS.assign(funding=[*COMPONENTS["funding"][:-1], 0.9])
    row = index_specification_row(stub_parts(reported_later), specification)
    assert row["decoupling_law_years"] == 1
    assert row["decoupling_contradicted"] is False  # practice rose in 2019
    # how far each act moved over the practice window 2016-2020
    assert row["funding_range"] == pytest.approx(0.67 - 0.11)
    assert row["resettlement_range"] == pytest.approx(0.40 - 0.04)
    assert row["returns_range"] == pytest.approx(0.03 - 0.01)
    assert row["returns_max"] == pytest.approx(0.03)
    announced = {**MAIN, "readmission": "announced_2019"}
    falling = COMPONENTS.assign(readmission=[np.nan, np.nan, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    row = index_specification_row(
        stub_parts(falling), SimpleNamespace(ident="indices-2019", choices=announced)
    )
    assert row["decoupling_contradicted"] is True  # the status ends in the law's year


def test_the_text_counts_the_main_components_and_reads_half_from_the_config():
    numbers = specification_numbers(SPEC, {"partial_credit": [0.25, 0.5, 0.75]}, MAIN)
    assert numbers["practice_components_total"]["value"] == 3
    assert numbers["practice_components_coded"]["value"] == 5
    assert numbers["index_half"]["value"] == 0.5
    other = specification_numbers({**SPEC, "half": 0.6}, {"partial_credit": [0.5]}, MAIN)
    assert other["index_half"]["value"] == 0.6


def test_the_annual_table_shows_the_components_the_specification_has():
    rows = stub_parts().annual(MAIN).to_dict(orient="records")
    heads = {
        name: name.capitalize()
        for name in (
            "legislative",
            "policy",
            "practice",
            "returns",
            "resettlement",
            "funding",
            "readmission",
            "visa",
        )
    }
    labels = {"year": "Year", "tables": {"annual_columns": heads, "note_annual": "Note."}}
    table = indices_annual_table(rows, labels, Language("en", "en_GB"))
    header = table.splitlines()[0]
    assert "Funding" in header and "Readmission" not in header and "Visa" not in header
    assert "| 2020 | 0.67 | 0.90 | 0.36 | 0.01 | 0.40 | 0.67 |" in table
