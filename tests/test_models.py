"""The model wrappers recover known parameters from data simulated with fixed seeds."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pandas as pd
import pytest

from asylum_regime.dejure import fit_dejure
from asylum_regime.did import (
    control_citizenships,
    did_event_study,
    did_ppml,
    did_sample,
    fit_did,
    route_shares,
    treated_citizenships,
)
from asylum_regime.its import (
    Event,
    counterfactual_paths,
    fit_its,
    its_design,
    its_negative_binomial,
)
from asylum_regime.results import check_results

LEVEL, SLOPE, TREND, ALPHA = np.log(0.2), np.log(0.8), np.log(1.3), 0.05
MONTHS = pd.date_range("2009-01-01", "2025-04-01", freq="MS")


def simulated_monthly(seed: int = 7) -> pd.DataFrame:
    """NB2 counts with a yearly trend, seasonality, a level and a slope break in April 2016."""
    rng = np.random.default_rng(seed)
    years = np.arange(len(MONTHS)) / 12
    after = MONTHS >= "2016-04-01"
    since = np.where(after, (np.arange(len(MONTHS)) - np.argmax(after)) / 12, 0.0)
    season = 0.4 * np.sin(2 * np.pi * (MONTHS.month - 3) / 12)
    mu = np.exp(7 + TREND * years + season + LEVEL * after + SLOPE * since)
    counts = rng.negative_binomial(1 / ALPHA, 1 / (1 + ALPHA * mu))
    return pd.DataFrame({"month": MONTHS, "detections": counts.astype("int64")})


ITS_SPEC = {
    "first_month": "2009-01",
    "last_month": "2025-04",
    "break_month": "2016-04",
    "hac_lags": 12,
    "events": {"pulse_2020": {"start": "2020-03", "kind": "pulse"}},
    "averted_horizon_months": 12,
    "draws": 500,
    "seed": 1,
    "specifications": {"all": ["pulse_2020"], "none": []},
    "placebo": {"first_break": "2011-01", "last_break": "2014-01", "step_months": 12},
}


@pytest.fixture(scope="module")
def its_results():
    return fit_its(simulated_monthly(), ITS_SPEC)


def test_negative_binomial_recovers_level_slope_and_dispersion(its_results):
    its, _ = its_results
    nb = {row["term"]: row for row in its["estimators"]["negative_binomial"]["estimates"]}
    assert nb["statement"]["estimate"] == pytest.approx(LEVEL, abs=0.15)
    assert nb["statement_trend"]["estimate"] == pytest.approx(SLOPE, abs=0.1)
    assert nb["statement"]["ci_low"] < LEVEL < nb["statement"]["ci_high"]
    assert its["estimators"]["negative_binomial"]["fit"]["alpha"] == pytest.approx(ALPHA, rel=0.4)
    # the irrelevant pulse is not found
    assert nb["pulse_2020"]["ci_low"] < 0 < nb["pulse_2020"]["ci_high"]


def test_checks_agree_with_the_main_estimator(its_results):
    its, _ = its_results
    for name in ("poisson", "log_ols"):
        row = next(r for r in its["estimators"][name]["estimates"] if r["term"] == "statement")
        assert row["estimate"] == pytest.approx(LEVEL, abs=0.3), name


def test_averted_crossings_match_the_known_level_drop(its_results):
    its, paths = its_results
    averted = its["averted"]
    horizon = paths.dropna(subset=["counterfactual"])
    assert len(horizon) == ITS_SPEC["averted_horizon_months"]
    # with a level ratio of 0.2, the counterfactual is about five times the fitted path
    assert (horizon["counterfactual"] / horizon["fitted"]).median() == pytest.approx(
        np.exp(-LEVEL), rel=0.2
    )
    assert averted["averted_low"] < averted["averted"] < averted["averted_high"]


def test_placebo_breaks_before_a_real_break_find_little(its_results):
    its, _ = its_results
    assert its["placebo"]["share_as_large"] == 0.0
    assert len(its["placebo"]["breaks"]) == 4


def test_its_results_validate_and_a_broken_one_does_not(its_results):
    its, _ = its_results
    check_results(its, "its")
    broken = json.loads(json.dumps(check_results(its, "its")))
    del broken["averted"]
    with pytest.raises(jsonschema.ValidationError):
        check_results(broken, "its")


def test_the_same_fit_twice_gives_identical_numbers(its_results):
    its, _ = its_results
    again, _ = fit_its(simulated_monthly(), ITS_SPEC)
    assert json.dumps(check_results(again, "its"), sort_keys=True) == json.dumps(
        check_results(its, "its"), sort_keys=True
    )


def test_counterfactual_draws_are_seeded():
    design = its_design(simulated_monthly(), "2016-04", [], "2009-01", "2025-04")
    result = its_negative_binomial(design, [], 12)
    first = counterfactual_paths(result, design, 6, 200, seed=3)[1]
    second = counterfactual_paths(result, design, 6, 200, seed=3)[1]
    assert first == second


def test_event_columns():
    months = pd.Series(pd.date_range("2020-01-01", "2020-06-01", freq="MS"))
    assert Event("x", "2020-03", "pulse").column(months).tolist() == [0, 0, 1, 0, 0, 0]
    assert Event("x", "2020-03", "pulse", "2020-04").column(months).tolist() == [0, 0, 1, 1, 0, 0]
    assert Event("x", "2020-05").column(months).tolist() == [0, 0, 0, 0, 1, 1]
    with pytest.raises(ValueError, match="kind"):
        Event("x", "2020-05", "wave").column(months)


# --------------------------------------------------------------------------- DiD

EFFECT = np.log(0.5)
YEARS = range(2011, 2025)


def simulated_panel(seed: int = 11, effect: float = EFFECT) -> pd.DataFrame:
    """Poisson counts with citizenship and year effects; treated fall by ``effect`` from 2016."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(40):
        nat = f"N{i:02d}"
        base = rng.uniform(6, 10)
        for year in YEARS:
            treated = i < 6
            log_mu = base + 0.05 * (year - 2011) + (effect if treated and year >= 2016 else 0.0)
            rows.append((nat, year, int(rng.poisson(np.exp(log_mu))), int(treated)))
    frame = pd.DataFrame(rows, columns=["nat", "year", "applicants", "treated_flag"])
    return frame


def test_ppml_recovers_the_treatment_effect():
    panel = simulated_panel()
    treated = sorted(panel.loc[panel["treated_flag"] == 1, "nat"].unique())
    controls = sorted(set(panel["nat"]) - set(treated))
    sample = did_sample(panel, treated, controls, 2011, 2024, 2016)
    result = did_ppml(sample)
    assert result.params["treated_post"] == pytest.approx(EFFECT, abs=0.05)
    low, high = result.conf_int().loc["treated_post"]
    assert low < EFFECT < high


def test_event_study_is_flat_before_and_at_the_effect_after():
    panel = simulated_panel()
    treated = sorted(panel.loc[panel["treated_flag"] == 1, "nat"].unique())
    sample = did_sample(panel, treated, sorted(set(panel["nat"]) - set(treated)), 2011, 2024, 2016)
    result, terms = did_event_study(sample, reference=2015)
    assert "treated_2015" not in terms
    for year in (2011, 2012, 2013, 2014):
        assert abs(result.params[f"treated_{year}"]) < 0.05
    for year in (2016, 2020, 2024):
        assert result.params[f"treated_{year}"] == pytest.approx(EFFECT, abs=0.06)


def frontex_frame() -> pd.DataFrame:
    rows = [
        ("Eastern Mediterranean Route", "Sea", "SYR", "2015-01-01", 600),
        ("Eastern Mediterranean Route", "Sea", "AFG", "2015-01-01", 300),
        ("Eastern Mediterranean Route", "Sea", "IRN", "2015-01-01", 80),
        ("Eastern Mediterranean Route", "Sea", "MAR", "2015-01-01", 20),
        ("Eastern Mediterranean Route", "Sea", "NGA", "2017-01-01", 900),  # after the window
        ("Central Mediterranean Route", "Sea", "NGA", "2015-01-01", 5000),  # another route
        ("Eastern Mediterranean Route", "Land", "TUR", "2015-01-01", 700),  # another type
    ]
    frame = pd.DataFrame(rows, columns=["route", "type", "nat", "month", "detections"])
    return frame.assign(month=pd.to_datetime(frame["month"]))


def test_treated_rule_takes_the_route_share_threshold():
    shares = route_shares(
        frontex_frame(), "Eastern Mediterranean Route", "Sea", "2009-01", "2015-12"
    )
    assert shares.to_dict() == pytest.approx({"SYR": 0.6, "AFG": 0.3, "IRN": 0.08, "MAR": 0.02})
    assert treated_citizenships(shares, 0.05) == ["AFG", "IRN", "SYR"]
    assert treated_citizenships(shares, 0.02) == ["AFG", "IRN", "MAR", "SYR"]


def test_control_rule_needs_size_in_every_pre_year_and_absence_from_the_route():
    shares = route_shares(
        frontex_frame(), "Eastern Mediterranean Route", "Sea", "2009-01", "2015-12"
    )
    panel = pd.DataFrame(
        [
            (nat, year, applicants)
            for nat, sizes in {
                "NGA": [900, 900],  # large, not on the route in the window: control
                "GEO": [900, 100],  # too small in one pre-year
                "MAR": [900, 900],  # on the route (2%)
                "SYR": [900, 900],  # treated
                "XXA": [900, 900],  # not a country code
            }.items()
            for year, applicants in zip((2014, 2015), sizes, strict=True)
        ],
        columns=["nat", "year", "applicants"],
    )
    controls = control_citizenships(
        panel, shares, ["SYR"], [2014, 2015], 500, 0.01, {"NGA", "GEO", "MAR", "SYR"}
    )
    assert controls == ["NGA"]


def test_fit_did_end_to_end_on_a_small_frame():
    panel = simulated_panel()
    treated = sorted(panel.loc[panel["treated_flag"] == 1, "nat"].unique())
    months = pd.Timestamp("2015-06-01")
    frontex = pd.DataFrame(
        {
            "route": "R",
            "type": "Sea",
            "nat": treated,
            "month": months,
            "detections": 100,
        }
    )
    spec = {
        "first_year": 2011,
        "last_year": 2024,
        "post_from_year": 2016,
        "reference_year": 2015,
        "treated_rule": {
            "route": "R",
            "type": "Sea",
            "from": "2009-01",
            "to": "2015-12",
            "min_share": 0.05,
        },
        "control_rule": {"min_applicants_each_pre_year": 100, "max_route_share": 0.0},
    }
    did = check_results(fit_did(frontex, panel, set(panel["nat"]), spec), "did")
    assert did["sample"]["treated"] == treated
    assert len(did["sample"]["controls"]) == 34
    assert did["estimates"]["two_way_effects"][0]["estimate"] == pytest.approx(EFFECT, abs=0.05)
    assert did["pretrend_test"]["p_value"] > 0.01


# --------------------------------------------------------------------------- de jure vs de facto


def test_dejure_recovers_the_slope_on_simulated_indices():
    rng = np.random.default_rng(5)
    years = np.arange(2000, 2026)
    # legislation moves in uneven steps, so it is not collinear with the trend
    legislative = np.clip(np.cumsum(rng.uniform(0, 0.08, len(years))) * rng.uniform(0.7, 1.3), 0, 1)
    practice = 0.1 + 0.5 * legislative + rng.normal(0, 0.01, len(years))
    practice[years < 2016] = np.nan
    indices = pd.DataFrame({"year": years, "legislative": legislative, "practice": practice})
    dejure = check_results(fit_dejure(indices, hac_lags=1), "dejure")
    slope = next(row for row in dejure["estimates"] if row["term"] == "legislative")
    assert dejure["sample"]["years"] == 10
    assert slope["estimate"] == pytest.approx(0.5, abs=0.15)
    assert dejure["correlation"]["pearson_r"] > 0.8
