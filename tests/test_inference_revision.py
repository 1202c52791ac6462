"""Inference the paper can defend (issue 23, item 3): the ITS placebo test over every
admissible month with its rank and floor, the break search with both count models, and
randomisation inference for the difference-in-differences (checked against scipy's
exact permutation test on a least-squares case, and for its size under a known null).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from asylum_regime.did import did_sample, randomisation_test
from asylum_regime.its import _months_apart, break_test, fit_its
from asylum_regime.numbers import break_numbers, its_numbers, randomisation_numbers
from asylum_regime.randomisation import reassignment_p_value
from asylum_regime.specifications import Specification
from tests.test_models import ITS_CONFIG, ITS_MAIN, simulated_monthly

# --------------------------------------------------------------------------- ITS placebos

EVERY_MONTH = ITS_CONFIG | {
    "placebo": {"first_break": "2012-01", "last_break": "2013-06", "step_months": 1}
}


@pytest.fixture(scope="module")
def its_every_month():
    its, _ = fit_its(simulated_monthly(), EVERY_MONTH, ITS_MAIN)
    return its


def test_placebos_cover_every_admissible_month_and_report_rank_and_floor(its_every_month):
    placebo = its_every_month["placebo"]
    months = [row["break_month"] for row in placebo["breaks"]]
    # every month of the window: with a linear trend even July 2012, which the source
    # lacks, has a design of full rank (with the 2012 hinge of the paper's main
    # specification it would not, and is left out: test_models' placebo tests)
    window = pd.date_range("2012-01-01", "2013-06-01", freq="MS").strftime("%Y-%m")
    assert months == list(window)
    assert (placebo["first_break"], placebo["last_break"]) == ("2012-01", "2013-06")
    n = len(months)
    # the simulated break (level ratio 0.2) is larger than any placebo's
    assert placebo["rank"] == 1
    assert placebo["smallest_attainable_p"] == pytest.approx(1 / (n + 1))
    assert placebo["p_value"] == pytest.approx(1 / (n + 1))
    numbers = its_numbers(its_every_month)
    assert numbers["its_placebo_rank"]["value"] == 1
    assert numbers["its_placebo_p_floor"]["value"] == pytest.approx(1 / (n + 1))
    assert numbers["its_placebo_breaks"]["value"] == n
    assert numbers["its_placebo_first"]["value"] == "2012-01-01"


def test_a_placebo_as_large_as_the_statement_moves_its_rank():
    """The rank counts the placebos at least as large in absolute value: a placebo
    estimate set to the Statement's own size (either sign) pushes it to second."""
    from asylum_regime.placebo import placebo_p_value

    test = placebo_p_value(-2.0, [2.5, -3.0, 0.5, 1.0])
    assert test["n_as_large"] + 1 == 3
    assert test["p_value"] == pytest.approx(3 / 5)


# --------------------------------------------------------------------------- break search


def test_months_apart_counts_calendar_months():
    assert _months_apart("2016-05", "2016-04") == 1
    assert _months_apart("2012-01", "2016-04") == -51
    assert _months_apart("2016-04", "2016-04") == 0


@pytest.fixture(scope="module")
def breaks():
    config = ITS_CONFIG | {"break_test": {"trim": 0.15, "bootstrap_draws": 9, "seed": 3}}
    return break_test(simulated_monthly(), config, ITS_MAIN)


def test_break_search_runs_with_both_count_models(breaks):
    """The simulated break in level and trend is in April 2016, the configured month.
    The Poisson search dates it there; the negative binomial one a month later, with
    April next (as on the real series): its Newey–West Wald statistic is larger in May
    although its likelihood is higher in April (statsmodels' NB2 gives the same two
    statistics), so the test reports where each estimator dates the break."""
    poisson, nb = breaks["shifts"], breaks["negative_binomial"]["shifts"]
    assert poisson["level_slope"]["argmax_month"] == "2016-04"
    assert poisson["level_slope"]["argmax_months_from_statement"] == 0
    assert poisson["level_slope"]["rank_of_statement"] == 1
    assert nb["level_slope"]["argmax_month"] == "2016-05"
    assert nb["level_slope"]["argmax_months_from_statement"] == 1
    assert nb["level_slope"]["rank_of_statement"] == 2
    # only the Poisson search is bootstrapped
    assert poisson["level_slope"]["bootstrap_draws"] == 9
    assert "p_bootstrap" not in nb["level_slope"]
    assert breaks["negative_binomial"]["bootstrap"] == "none"


def test_break_numbers_name_each_estimator(breaks):
    numbers = break_numbers(breaks)
    assert numbers["break_level_slope_month"]["value"] == "2016-04-01"
    assert numbers["break_nb_level_slope_month"]["value"] == "2016-05-01"
    assert numbers["break_nb_level_slope_months_from_statement"]["value"] == 1
    assert numbers["break_nb_level_slope_statement_rank"]["value"] == 2
    assert numbers["break_level_slope_months_from_statement"]["value"] == 0
    nb = breaks["negative_binomial"]["shifts"]["level"]
    assert numbers["break_nb_level_statement_rank"]["value"] == nb["rank_of_statement"]
    assert numbers["break_nb_level_statistic"]["value"] == nb["statistic"]


# --------------------------------------------------------------------------- randomisation


def test_reassignment_enumerates_when_assignments_are_few():
    values = {"a": 5.0, "b": 4.0, "c": 0.0, "d": 1.0, "e": -1.0}

    def gap(treated):
        inside = [values[u] for u in treated]
        outside = [values[u] for u in values if u not in treated]
        return np.mean(inside) - np.mean(outside)

    result = reassignment_p_value(list(values), ["a", "b"], gap, draws=100, seed=0)
    assert result["method"] == "exact"
    assert result["possible_assignments"] == math.comb(5, 2) == result["reassignments"]
    # {a, b} has the largest gap of the ten pairs: p = 1/10
    assert result["p_value"] == pytest.approx(1 / 10)
    assert result["smallest_attainable_p"] == pytest.approx(1 / 10)


def test_reassignment_rejects_treated_units_outside_the_units():
    with pytest.raises(ValueError, match="not among the units"):
        reassignment_p_value(["a", "b"], ["z"], lambda treated: 0.0, draws=9, seed=0)


def balanced_panel(seed: int, units: int, effect: float = 0.0) -> tuple[pd.DataFrame, list]:
    """Applicants by citizenship and year, 2012–2019, with citizenship and year effects
    and no effect of treatment unless ``effect``; the first three citizenships treated."""
    rng = np.random.default_rng(seed)
    nats = [f"N{index:02d}" for index in range(units)]
    years = np.arange(2012, 2020)
    unit_effect = rng.normal(7, 1, units)
    year_effect = rng.normal(0, 0.3, len(years))
    treated = nats[:3]
    rows = []
    for i, nat in enumerate(nats):
        for j, year in enumerate(years):
            log_mu = unit_effect[i] + year_effect[j] + rng.normal(0, 0.2)
            log_mu += effect * (nat in treated and year >= 2016)
            rows.append((nat, int(year), int(rng.poisson(np.exp(log_mu)))))
    panel = pd.DataFrame(rows, columns=["nat", "year", "applicants"])
    controls = nats[3:]
    return did_sample(panel, treated, controls, 2012, 2019, 2016), treated


def test_least_squares_randomisation_matches_scipys_exact_permutation_test():
    """In a balanced panel the two-way least-squares DiD coefficient is the difference
    between treated and control citizenships in the mean change of log(1 + y) from
    before to after; reassigning the treated citizenships is then scipy's exact
    permutation test of that difference (two-sided through its absolute value)."""
    sample, treated = balanced_panel(seed=4, units=9)
    ours = randomisation_test(sample, trend=False, estimator="log_ols", draws=1000, seed=0)
    assert ours["method"] == "exact" and ours["reassignments"] == math.comb(9, 3)

    logged = sample.assign(y=np.log1p(sample["applicants"]))
    change = logged.groupby(["nat", "post"])["y"].mean().unstack()
    change = change[1] - change[0]
    inside = change[change.index.isin(treated)].to_numpy()
    outside = change[~change.index.isin(treated)].to_numpy()

    def gap(x, y, axis=-1):
        return np.abs(np.mean(x, axis=axis) - np.mean(y, axis=axis))

    theirs = stats.permutation_test(
        (inside, outside),
        gap,
        permutation_type="independent",
        alternative="greater",
        n_resamples=np.inf,
        vectorized=True,
    )
    assert ours["statistic"] == pytest.approx(np.mean(inside) - np.mean(outside), rel=1e-9)
    assert ours["p_value"] == pytest.approx(theirs.pvalue, rel=1e-12)


def test_randomisation_numbers_read_the_results():
    test = {
        "p_value": 0.15,
        "reassignments": 999,
        "as_large": 149,
        "units": 38,
        "smallest_attainable_p": 0.001,
        "share_reassigned_below_zero": 0.36,
    }
    numbers = randomisation_numbers(test)
    assert numbers["did_ri_p"]["value"] == 0.15
    assert numbers["did_ri_draws"]["value"] == 999
    assert numbers["did_ri_floor"]["value"] == 0.001
    assert numbers["did_ri_units"]["value"] == 38


@pytest.mark.slow
def test_ppml_randomisation_rejects_a_true_null_at_about_alpha():
    """Size under a known null: 200 panels without a treatment effect, 39 reassignments
    each (so p ≤ 0.05 is exactly 2 of 40 ranks), the paper's PPML; the rejection rate
    lies within three binomial standard errors of 0.05. A real effect is found."""
    alpha, simulations = 0.05, 200
    rejections = 0
    for seed in range(simulations):
        sample, _ = balanced_panel(seed, units=14)
        test = randomisation_test(sample, trend=False, estimator="ppml", draws=39, seed=seed)
        rejections += test["p_value"] <= alpha
    rate = rejections / simulations
    assert abs(rate - alpha) < 3 * math.sqrt(alpha * (1 - alpha) / simulations), rate
    # and it has power: an effect of log(0.5) is detected in most panels
    found = sum(
        randomisation_test(
            balanced_panel(seed, units=14, effect=math.log(0.5))[0], False, "ppml", 39, seed
        )["p_value"]
        <= alpha
        for seed in range(20)
    )
    assert found >= 15, found


def test_did_results_carry_the_randomisation_test():
    from asylum_regime.did import fit_did
    from tests.test_models import DID_CONFIG, DID_MAIN, did_data

    did = fit_did(did_data(), DID_CONFIG, Specification.of("did", DID_MAIN))
    test = did["randomisation"]
    assert test["reassignments"] == DID_CONFIG["randomisation"]["draws"]
    assert test["units"] == len(did["sample"]["treated"]) + len(did["sample"]["controls"])
    assert test["treated"] == did["sample"]["treated"]
    # the simulated effect is large: no reassignment comes near it
    assert test["p_value"] == pytest.approx(1 / (DID_CONFIG["randomisation"]["draws"] + 1))
