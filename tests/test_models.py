"""The model wrappers recover known parameters from data simulated with fixed seeds."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pandas as pd
import pytest

from asylum_regime.dejure import fit_dejure
from asylum_regime.did import (
    DidData,
    DidSetting,
    control_citizenships,
    did_event_study,
    did_sample,
    did_two_way,
    fit_did,
    fit_log_ols,
    route_shares,
    treated_citizenships,
)
from asylum_regime.did import (
    fit_specifications as fit_did_specifications,
)
from asylum_regime.its import (
    Event,
    ItsSetting,
    counterfactual_paths,
    design_matrices,
    fit_its,
    its_design,
    its_formula,
    its_negative_binomial,
    sample,
)
from asylum_regime.its import (
    fit_specifications as fit_its_specifications,
)
from asylum_regime.results import check_results
from asylum_regime.specifications import Specification, expand

LEVEL, SLOPE, TREND, ALPHA = np.log(0.2), np.log(0.8), np.log(1.3), 0.05
MONTHS = pd.date_range("2009-01-01", "2025-04-01", freq="MS")


def simulated_monthly(seed: int = 7) -> pd.DataFrame:
    """NB2 counts with a yearly trend, seasonality, a level and a slope break in April
    2016, and one month absent from the source (July 2012, as in Frontex's sea data)."""
    rng = np.random.default_rng(seed)
    years = np.arange(len(MONTHS)) / 12
    after = MONTHS >= "2016-04-01"
    since = np.where(after, (np.arange(len(MONTHS)) - np.argmax(after)) / 12, 0.0)
    season = 0.4 * np.sin(2 * np.pi * (MONTHS.month - 3) / 12)
    mu = np.exp(7 + TREND * years + season + LEVEL * after + SLOPE * since)
    counts = rng.negative_binomial(1 / ALPHA, 1 / (1 + ALPHA * mu)).astype(float)
    counts[MONTHS == "2012-07-01"] = np.nan
    return pd.DataFrame({"month": MONTHS, "detections": counts})


ITS_CONFIG = {
    "last_month": "2025-04",
    "break_month": "2016-04",
    "jap": {"start": "2015-12", "end": "2016-03"},
    "events": {"pulse_2020": {"start": "2020-03", "kind": "pulse"}},
    "knots": {"piecewise": ["2012-08", "2015-01"], "piecewise_2012": ["2012-08"]},
    "spline_df": 5,
    "averted_horizon_months": 12,
    "draws": 500,
    "seed": 1,
    "placebo": {"first_break": "2011-01", "last_break": "2014-01", "step_months": 12},
}
ITS_MAIN = Specification.of(
    "its",
    {
        "estimator": "negative_binomial",
        "hac_lags": 12,
        "trend": "linear",
        "jap": "none",
        "events": "all",
        "start": "2009-01",
        "missing_month": "missing",
    },
)


@pytest.fixture(scope="module")
def its_results():
    return fit_its(simulated_monthly(), ITS_CONFIG, ITS_MAIN)


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


def test_a_month_absent_from_the_source_is_missing_not_zero(its_results):
    its, _ = its_results
    assert its["sample"]["months_absent_from_source"] == ["2012-07"]
    assert its["sample"]["months"] == len(MONTHS) - 1
    imputed = sample(simulated_monthly(), "2009-01", "2025-04", "imputed")
    july = imputed.loc[imputed["month"] == "2012-07-01"]
    assert bool(july["imputed"].iloc[0]) and july["detections"].iloc[0] > 0


def test_counterfactual_is_the_fit_without_the_statement(its_results):
    its, paths = its_results
    averted = its["averted"]
    horizon = paths.dropna(subset=["counterfactual"])
    assert len(horizon) == ITS_CONFIG["averted_horizon_months"]
    # with a level ratio of 0.2, the counterfactual is about five times the fitted path
    assert (horizon["counterfactual"] / horizon["fitted"]).median() == pytest.approx(
        np.exp(-LEVEL), rel=0.2
    )
    assert averted["averted_low"] < averted["averted"] < averted["averted_high"]
    assert averted["counterfactual_peak"] == pytest.approx(horizon["counterfactual"].max())
    assert averted["observed_peak"] == int(paths["observed"].max())


def test_placebo_breaks_before_a_real_break_find_little(its_results):
    its, _ = its_results
    assert its["placebo"]["share_as_large"] == 0.0
    assert len(its["placebo"]["breaks"]) == 4
    assert its["placebo"]["p_value"] == pytest.approx(1 / 5)


def test_its_results_validate_and_a_broken_one_does_not(its_results):
    its, _ = its_results
    check_results(its, "its")
    broken = json.loads(json.dumps(check_results(its, "its")))
    del broken["averted"]
    with pytest.raises(jsonschema.ValidationError):
        check_results(broken, "its")


def test_the_same_fit_twice_gives_identical_numbers(its_results):
    its, _ = its_results
    again, _ = fit_its(simulated_monthly(), ITS_CONFIG, ITS_MAIN)
    assert json.dumps(check_results(again, "its"), sort_keys=True) == json.dumps(
        check_results(its, "its"), sort_keys=True
    )


def test_counterfactual_draws_are_seeded():
    setting = ItsSetting.from_config(ITS_CONFIG)
    series = sample(simulated_monthly(), "2009-01", "2025-04", "missing")
    design = its_design(series, setting, ITS_MAIN.choices)
    y, exog = design_matrices(design, its_formula("detections", setting, ITS_MAIN.choices))
    result = its_negative_binomial(y, exog, 12)
    first = counterfactual_paths(result, design, 6, 200, seed=3)[1]
    second = counterfactual_paths(result, design, 6, 200, seed=3)[1]
    assert first == second


def test_every_its_specification_recovers_the_known_break():
    """On a series with a true level ratio of 0.2 and no Joint Action Plan effect, every
    estimator, trend, plan term and sample choice finds a level fall whose interval
    covers the truth or lies below 1 (a linear trend cannot bias a pure break here)."""
    dimensions = {
        "estimator": ["negative_binomial", "poisson", "log_ols"],
        "hac_lags": [6, 12],
        "trend": ["linear", "piecewise", "spline"],
        "jap": ["none", "pulse", "level"],
        "events": ["all", "none"],
        "start": ["2009-01", "2013-01"],
        "missing_month": ["missing", "imputed"],
    }
    table = fit_its_specifications(
        simulated_monthly(), ItsSetting.from_config(ITS_CONFIG), expand("its", dimensions)
    )
    assert len(table) == 3 * 2 * 3 * 3 * 2 * 2 * 2
    assert table["specification"].is_unique
    assert (table["statement_ratio_high"] < 1).all()
    counts = table[table["estimator"] != "log_ols"]
    assert counts["statement_ratio"].median() == pytest.approx(np.exp(LEVEL), rel=0.25)
    # the plan's term exists only where a specification has it
    assert table.loc[table["jap"] == "none", "jap_ratio"].isna().all()
    assert table.loc[table["jap"] != "none", "jap_ratio"].notna().all()
    imputed = table[table["missing_month"] == "imputed"]
    assert (imputed["imputed_months"] == (imputed["start"] == "2009-01")).all()  # July 2012
    # the HAC lag changes the interval only
    pair = table[(table["estimator"] == "poisson") & (table["trend"] == "linear")]
    pair = pair[(pair["jap"] == "none") & (pair["events"] == "all")]
    pair = pair[(pair["start"] == "2009-01") & (pair["missing_month"] == "missing")]
    assert pair["statement_ratio"].iloc[0] == pytest.approx(pair["statement_ratio"].iloc[1])
    assert pair["statement_ratio_low"].iloc[0] != pytest.approx(pair["statement_ratio_low"].iloc[1])


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


def simulated_panel(seed: int = 3, shocks: float = 0.1) -> pd.DataFrame:
    """Overdispersed Poisson applicants, 40 citizenships × 14 years, a common trend,
    citizenship effects and a treatment effect of log(0.5) on the first six from 2016."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(40):
        nat = f"N{i:02d}"
        base = rng.uniform(6, 9)
        for year in YEARS:
            treated = i < 6
            log_mu = base + 0.05 * (year - 2011) + (EFFECT if treated and year >= 2016 else 0.0)
            log_mu += rng.normal(0, shocks)  # citizenship-year shocks: overdispersion
            rows.append((nat, year, int(rng.poisson(np.exp(log_mu))), int(treated)))
    return pd.DataFrame(rows, columns=["nat", "year", "applicants", "treated_flag"])


def split(panel: pd.DataFrame) -> tuple[list[str], list[str]]:
    treated = sorted(panel.loc[panel["treated_flag"] == 1, "nat"].unique())
    return treated, sorted(set(panel["nat"]) - set(treated))


@pytest.mark.parametrize("estimator", ["ppml", "log_ols"])
def test_two_way_fit_recovers_the_treatment_effect(estimator):
    """Over 30 simulated panels: unbiased, and the clustered intervals cover the truth
    about as often as six treated clusters allow (few clusters undercover)."""
    estimates, covered = [], []
    for seed in range(30):
        panel = simulated_panel(seed)
        treated, controls = split(panel)
        result = did_two_way(
            did_sample(panel, treated, controls, 2011, 2024, 2016), False, estimator
        )
        j = result.names.index("treated_post")
        estimates.append(result.coef[j])
        covered.append(result.ci[j, 0] < EFFECT < result.ci[j, 1])
    # log(1 + y) ≈ log(y) for counts in the thousands, so both estimate the log ratio
    assert np.mean(estimates) == pytest.approx(EFFECT, abs=0.02)
    assert np.mean(covered) >= 0.7


def test_log_ols_matches_statsmodels_with_clustered_errors():
    import statsmodels.formula.api as smf

    panel = simulated_panel()
    treated, controls = split(panel)
    frame = did_sample(panel, treated, controls, 2011, 2024, 2016)
    ours = fit_log_ols(
        frame["applicants"].to_numpy(),
        frame[["treated_post"]].to_numpy(dtype=float),
        [frame["nat"].to_numpy(), frame["year"].to_numpy()],
        clusters=frame["nat"].to_numpy(),
        names=["treated_post"],
    )
    theirs = smf.ols("np.log1p(applicants) ~ treated_post + C(nat) + C(year)", frame).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["nat"])[0]}
    )
    assert ours.coef[0] == pytest.approx(theirs.params["treated_post"], rel=1e-9)
    assert ours.se[0] == pytest.approx(theirs.bse["treated_post"], rel=1e-9)


def test_event_study_is_flat_before_and_at_the_effect_after():
    panel = simulated_panel()
    treated, controls = split(panel)
    sample_ = did_sample(panel, treated, controls, 2011, 2024, 2016)
    result, terms = did_event_study(sample_, reference=2015)
    assert "treated_2015" not in terms
    coef = dict(zip(result.names, result.coef, strict=True))
    se = dict(zip(result.names, result.se, strict=True))
    for year in (2011, 2012, 2013, 2014):
        assert abs(coef[f"treated_{year}"]) < 3 * se[f"treated_{year}"]
    for year in (2016, 2020, 2024):
        assert abs(coef[f"treated_{year}"] - EFFECT) < 3 * se[f"treated_{year}"]


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
    assert (
        control_citizenships(
            panel, shares, ["SYR"], [2014, 2015], 500, 0.01, {"NGA", "SYR"}, excluded={"NGA"}
        )
        == []
    )


DID_CONFIG = {
    "first_year": 2011,
    "last_year": 2024,
    "post_from_year": 2016,
    "reference_year": 2015,
    "treated_rule": {"route": "R", "type": "Sea", "from": "2009-01", "to": "2015-12"},
    "control_rule": {"min_applicants_each_pre_year": 100, "max_route_share": 0.0},
    "control_groups": {"first_two": ["N06", "N07"]},
    "honest": {"mbar": [0.5, 1.0]},
    "randomisation": {"draws": 19, "seed": 1},
}
DID_MAIN = {
    "controls": "all",
    "outcome": "eu27",
    "last_year": 2024,
    "trend": "none",
    "min_share": 0.05,
    "estimator": "ppml",
}


def did_data() -> DidData:
    # without shocks: six treated clusters make a clustered pre-trend test of a noisy
    # panel reject too often for a one-draw test
    panel = simulated_panel(shocks=0.0)
    treated, _ = split(panel)
    frontex = pd.DataFrame(
        {"route": "R", "type": "Sea", "nat": treated, "month": pd.Timestamp("2015-06-01")}
    ).assign(detections=100)
    return DidData(frontex, {"eu27": panel}, set(panel["nat"]))


def test_fit_did_end_to_end_on_a_small_frame():
    did = check_results(fit_did(did_data(), DID_CONFIG, Specification.of("did", DID_MAIN)), "did")
    treated, controls = split(simulated_panel(shocks=0.0))
    assert did["sample"]["treated"] == treated
    assert did["sample"]["controls"] == controls
    # one draw: within its sampling error (unbiasedness is tested over 30 panels above)
    assert did["estimates"]["two_way_effects"][0]["estimate"] == pytest.approx(EFFECT, abs=0.1)
    assert did["pretrend_test"]["p_value"] > 0.01
    assert did["honest"]["breakdown_mbar"] > 0


def test_did_specifications_vary_what_they_say():
    dimensions = {
        "controls": ["all", "no_first_two"],
        "outcome": ["eu27"],
        "last_year": [2019, 2024],
        "trend": ["none", "treated_linear"],
        "min_share": [0.05],
        "estimator": ["ppml", "log_ols"],
    }
    table = fit_did_specifications(
        did_data(), DidSetting.from_config(DID_CONFIG), expand("did", dimensions)
    )
    assert len(table) == 16
    assert set(table["controls"]) == {"all", "no_first_two"}  # the choice, not a count
    assert set(table.loc[table["controls"] == "no_first_two", "n_controls"]) == {32}
    ends = table.groupby(["controls", "last_year"])["observations"].first()
    assert ends[("all", 2019)] == 40 * 9 and ends[("no_first_two", 2019)] == 38 * 9
    # the effect is common and the trends parallel: every specification finds it
    assert table["did_ratio"].to_numpy() == pytest.approx(np.exp(EFFECT), rel=0.03)
    assert (table["pretrend_p"] > 0.01).all()


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
