"""Tests of the break test (breaks.py), its tables (break_tables.py), its fitters
(count_fits.py, also against statsmodels) and the placebo p-value (placebo.py):
Hansen's table, size, power."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from asylum_regime import break_tables, count_fits, placebo
from asylum_regime import breaks as B


def seasonal_design(n, trend=False):
    m = np.arange(n) % 12
    cols = [np.ones(n), np.sin(2 * np.pi * m / 12), np.cos(2 * np.pi * m / 12)]
    if trend:
        cols.append(np.arange(n) / 12)
    return np.column_stack(cols)


# --------------------------------------------------------------------------- fitters


@pytest.fixture(scope="module")
def nb_data():
    rng = np.random.default_rng(7)
    n = 150
    X = np.column_stack([seasonal_design(n, trend=True), (np.arange(n) >= 90).astype(float)])
    mu = np.exp(X @ np.array([4.0, 0.4, -0.3, 0.1, -1.0]))
    size = 1 / 0.6
    y = rng.poisson(rng.gamma(size, mu / size))
    return y.astype(float), X


@pytest.mark.parametrize(
    "cov,sm_cov,kw",
    [
        ("model", "nonrobust", {}),
        ("hc0", "HC0", {}),
        ("hac", "HAC", {"maxlags": 12}),
    ],
)
def test_poisson_fit_matches_statsmodels(nb_data, cov, sm_cov, kw):
    y, X = nb_data
    ours = count_fits.poisson_fit(y, X, cov=cov, hac_lags=12)
    ref = sm.GLM(y, X, family=sm.families.Poisson()).fit(cov_type=sm_cov, cov_kwds=kw or None)
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.cov, ref.cov_params(), rtol=1e-7, atol=1e-12)
    assert ours.loglike == pytest.approx(ref.llf, rel=1e-10)


@pytest.mark.parametrize(
    "cov,sm_cov,kw",
    [
        ("model", "nonrobust", {}),
        ("hc0", "HC0", {}),
        ("hac", "HAC", {"maxlags": 12}),
    ],
)
def test_negbin_fit_matches_statsmodels(nb_data, cov, sm_cov, kw):
    y, X = nb_data
    ours = count_fits.negbin_fit(y, X, cov=cov, hac_lags=12)
    model = sm.NegativeBinomial(y, X, loglike_method="nb2")
    start = np.r_[sm.GLM(y, X, family=sm.families.Poisson()).fit().params, 0.5]
    rough = model.fit(start_params=start, method="bfgs", maxiter=2000, disp=False)
    ref = model.fit(
        start_params=rough.params,
        method="newton",
        tol=1e-12,
        maxiter=100,
        disp=False,
        cov_type=sm_cov,
        cov_kwds=kw or None,
    )
    assert ours.converged
    np.testing.assert_allclose(ours.params, ref.params[:-1], rtol=1e-7, atol=1e-9)
    assert ours.alpha == pytest.approx(ref.params[-1], rel=1e-7)
    np.testing.assert_allclose(ours.cov, ref.cov_params()[:-1, :-1], rtol=1e-6, atol=1e-12)


# --------------------------------------------------------------------------- tables


def test_hansen_pvalues_reproduce_andrews_critical_values():
    """At Andrews' 10/5/1% critical values (15% trimming) Hansen's p is close to 10/5/1%."""
    for m in range(1, 11):
        for level, cv in break_tables.andrews_critical_values(m).items():
            p = break_tables.hansen_pvalue(cv, m, 0.15)
            assert abs(p - level) < 0.25 * level + 0.002, (m, level, cv, p)


@pytest.fixture(scope="module")
def simulated_sup_wald():
    """The limiting null distribution of sup-Wald, m = 1 and 2 (Andrews 1993): the largest
    sum over m independent Brownian bridges B of B(r)^2 / (r (1 - r)), r in [pi0, 1 - pi0],
    on a grid of 1,000 steps, 20,000 draws (fixed seed). Returns pi0 -> m -> sups."""
    rng = np.random.default_rng(1997)
    steps, draws, chunk = 1000, 20000, 2000
    r = np.arange(1, steps + 1) / steps
    paths = {1: [], 2: []}
    with np.errstate(divide="ignore", invalid="ignore"):  # r = 1: 0 / 0, never in range
        for _ in range(draws // chunk):
            walk = np.cumsum(rng.standard_normal((2, chunk, steps)), axis=2) / np.sqrt(steps)
            squared = (walk - r * walk[..., -1:]) ** 2 / (r * (1 - r))
            paths[1].append(squared[0])
            paths[2].append(squared[0] + squared[1])
    sups = {}
    for trim in (0.01, 0.05, 0.15, 0.25, 0.35):
        first, last = math.ceil(trim * steps) - 1, math.floor((1 - trim) * steps)
        sups[trim] = {m: np.concatenate(paths[m])[:, first:last].max(axis=1) for m in (1, 2)}
    return sups


@pytest.mark.parametrize("trim", [0.01, 0.05, 0.15, 0.25, 0.35])
@pytest.mark.parametrize("m", [1, 2])
def test_hansen_pvalues_match_the_simulated_limit(simulated_sup_wald, m, trim):
    """At the simulated 90/95/99% quantiles of the limiting distribution, Hansen's (1997)
    p-value is 10/5/1% (within a quarter of the level: his approximation, and 20,000
    draws): every trimming of the m = 1, 2 rows of HANSEN_1997_SUPF."""
    sups = simulated_sup_wald[trim][m]
    for level in (0.10, 0.05, 0.01):
        p = break_tables.hansen_pvalue(float(np.quantile(sups, 1 - level)), m, trim)
        assert abs(p - level) < 0.25 * level, (m, trim, level, p)


def test_hansen_pvalue_edges():
    assert break_tables.hansen_pvalue(0.0, 1) == 1.0
    assert break_tables.hansen_pvalue(1e3, 2) < 1e-100
    with pytest.raises(ValueError):
        break_tables.hansen_pvalue(5.0, 11, trim=0.05)
    # m = 1, 15%: p = P(chi2_3 > -0.99 + 1.02 x)
    assert break_tables.hansen_pvalue(10.0, 1) == pytest.approx(stats.chi2.sf(-0.99 + 10.2, 3))


def test_trimmed_candidates():
    c = B.trimmed_candidates(196, 0.15)
    assert c[0] == 30 and c[-1] == 166
    with pytest.raises(ValueError):
        B.sup_wald_break(np.ones(100), np.ones((100, 1)), candidates=[5])


def test_shift_columns():
    Z = B.shift_columns(6, 2, "level+slope")
    np.testing.assert_array_equal(Z[:, 0], [0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(Z[:, 1], [0, 0, 0, 1, 2, 3])


# --------------------------------------------------------------------------- (a) size


def test_a_no_break_rejection_rate_near_nominal():
    """200 Poisson series without a break: Hansen-p rejection rate at 5% near 5%.

    Model-based Poisson covariance (the data are independent Poisson). With 200
    replications the Monte Carlo SE of a 5% rate is 1.5 points; the band
    [1%, 10%] is about +-3 SE.
    """
    t0 = time.process_time()  # CPU time: the work, not how busy the machine is (xdist)
    n, reps = 120, 200
    X = seasonal_design(n)
    mu = np.exp(X @ np.array([np.log(20), 0.3, -0.2]))
    rng = np.random.default_rng(2024)
    fit = count_fits.make_fitter("poisson", "model")
    p = np.array([B.sup_wald_break(rng.poisson(mu), X, fit=fit).p_asymptotic for _ in range(reps)])
    rate = float(np.mean(p < 0.05))
    elapsed = time.process_time() - t0
    print(f"\n(a) no break: rejection rate at 5% = {rate:.3f} over {reps} series ({elapsed:.1f}s)")
    assert 0.01 <= rate <= 0.10
    assert elapsed < 20


# --------------------------------------------------------------------------- (b) power, dating


@pytest.mark.parametrize("shift", ["level", "level+slope"])
def test_b_clear_break_is_dated_and_rejected(shift):
    n, k_true = 120, 70
    X = seasonal_design(n, trend=True)
    eta = X @ np.array([np.log(30), 0.3, -0.2, 0.05]) + 0.7 * (np.arange(n) >= k_true)
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(5):
        y = rng.poisson(np.exp(eta))
        res = B.sup_wald_break(y, X, fit=count_fits.make_fitter("poisson", "hac", 12), shift=shift)
        assert res.p_asymptotic < 0.01
        hits += abs(res.argmax - k_true) <= 2
    assert hits >= 4


def test_b_bootstrap_rejects_clear_break_and_is_reproducible():
    n, k_true = 96, 50
    X = seasonal_design(n)
    eta = X @ np.array([np.log(25), 0.3, -0.2]) + 0.8 * (np.arange(n) >= k_true)
    y = np.random.default_rng(3).poisson(np.exp(eta))
    fit = count_fits.make_fitter("negbin", "model")
    r1 = B.sup_wald_break(y, X, fit=fit, n_boot=19, seed=5)
    r2 = B.sup_wald_break(y, X, fit=fit, n_boot=19, seed=5)
    assert r1.p_bootstrap == r2.p_bootstrap == pytest.approx(1 / 20)
    np.testing.assert_array_equal(r1.bootstrap_statistics, r2.bootstrap_statistics)
    assert abs(r1.argmax - k_true) <= 2
    # no simulated statistic as large: the p-value of unlimited draws is below 1 - 0.025^(1/19)
    assert r1.bootstrap_exceedances == 0
    assert r1.p_bootstrap_interval == pytest.approx((0.0, 1 - 0.025 ** (1 / 19)))


@pytest.mark.parametrize(("exceedances", "draws"), [(7, 199), (26, 199), (0, 199), (199, 199)])
def test_monte_carlo_interval_is_the_exact_binomial_interval(exceedances, draws):
    exact = stats.binomtest(exceedances, draws).proportion_ci(0.95, method="exact")
    assert B.monte_carlo_interval(exceedances, draws) == pytest.approx((exact.low, exact.high))


@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_monte_carlo_interval_holds_the_share_and_narrows_with_draws(counts):
    exceedances, draws = counts
    low, high = B.monte_carlo_interval(exceedances, draws)
    assert 0 <= low <= exceedances / draws <= high <= 1
    wider = B.monte_carlo_interval(exceedances * 4, draws * 4)
    assert wider[1] - wider[0] < high - low


def test_a_bootstrap_p_value_near_the_level_is_not_settled_by_199_draws():
    # the paper's case: 7 of 199 simulated statistics as large as the observed one
    low, high = B.monte_carlo_interval(7, 199)
    assert low < 0.05 < high


def test_bootstrap_p_value_under_null_is_not_tiny():
    n = 96
    X = seasonal_design(n)
    y = np.random.default_rng(4).poisson(np.exp(X @ np.array([np.log(25), 0.3, -0.2])))
    res = B.sup_wald_break(
        y, X, fit=count_fits.make_fitter("poisson", "hac", 12), n_boot=39, seed=1
    )
    assert res.p_bootstrap > 0.05
    assert res.n_boot == 39


def test_user_fit_callable_without_start_is_accepted():
    n = 80
    X = seasonal_design(n)
    y = np.random.default_rng(9).poisson(np.exp(X @ np.array([np.log(25), 0.3, -0.2])))

    def glm(y, X):
        r = sm.GLM(y, X, family=sm.families.Poisson()).fit()
        return count_fits.FitResult(params=r.params, cov=r.cov_params(), mu=r.mu)

    a = B.sup_wald_break(y, X, candidates=range(20, 60, 5), fit=glm)
    b = B.sup_wald_break(
        y, X, candidates=range(20, 60, 5), fit=count_fits.make_fitter("poisson", "model")
    )
    np.testing.assert_allclose(a.wald, b.wald, rtol=1e-6)


@pytest.mark.parametrize("shift", ["level", "level+slope"])
def test_wald_path_with_hac_errors_equals_statsmodels(shift):
    """The break test's scan with the paper's fitter (Poisson, Newey-West with 12 lags)
    and with statsmodels' GLM (cov_type HAC, maxlags 12) as the fit callable: the same
    Wald statistic at every candidate, the same sup and date."""
    n = 120
    X = seasonal_design(n, trend=True)
    rng = np.random.default_rng(5)
    y = rng.poisson(rng.gamma(2.0, np.exp(X @ np.array([np.log(40), 0.3, -0.2, 0.05])) / 2.0))

    def glm(y, X, start=None):
        r = sm.GLM(y, X, family=sm.families.Poisson()).fit(
            start_params=start, cov_type="HAC", cov_kwds={"maxlags": 12}, tol=1e-12
        )
        return count_fits.FitResult(params=r.params, cov=r.cov_params(), mu=r.mu)

    ours = B.sup_wald_break(y, X, fit=count_fits.make_fitter("poisson", "hac", 12), shift=shift)
    theirs = B.sup_wald_break(y, X, fit=glm, shift=shift)
    np.testing.assert_allclose(ours.wald, theirs.wald, rtol=1e-6)
    assert ours.argmax == theirs.argmax


@pytest.mark.parametrize("cov", ["model", "hc0", "hac"])
def test_poisson_fit_many_fits_each_series_as_poisson_fit_does(nb_data, cov):
    y, X = nb_data
    rng = np.random.default_rng(21)
    # the observed series and five series from its Poisson fit, from two kinds of start
    fitted = count_fits.poisson_fit(y, X, cov="model").mu
    Y = np.column_stack([y, *(rng.poisson(fitted) for _ in range(5))]).astype(float)
    starts = np.vstack([np.zeros(X.shape[1]), *(rng.normal(0, 0.1, (5, X.shape[1])) + 3)])
    params, covs, converged = count_fits.poisson_fit_many(Y, X, starts, cov=cov, hac_lags=12)
    for r in range(Y.shape[1]):
        one = count_fits.poisson_fit(Y[:, r], X, cov=cov, hac_lags=12, start=starts[r])
        np.testing.assert_allclose(params[r], one.params, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(covs[r], one.cov, rtol=1e-8, atol=1e-14)
        assert converged[r] == one.converged


@pytest.mark.parametrize("shift", ["level", "level+slope"])
def test_bootstrap_fitted_together_equals_fitted_one_by_one(shift):
    """The Poisson fitter's bootstrap fits all series at once (``fit.many``); a fit
    callable without it is run series by series: the same statistics and p-value."""
    n = 96
    X = seasonal_design(n, trend=True)
    y = np.random.default_rng(8).poisson(np.exp(X @ np.array([np.log(40), 0.3, -0.2, 0.05])))
    fitter = count_fits.make_fitter("poisson", "hac", 12)
    assert hasattr(fitter, "many")

    def one_by_one(y, X, start=None):
        return fitter(y, X, start=start)

    together = B.sup_wald_break(y, X, fit=fitter, shift=shift, n_boot=19, seed=3)
    apart = B.sup_wald_break(y, X, fit=one_by_one, shift=shift, n_boot=19, seed=3)
    np.testing.assert_allclose(together.bootstrap_statistics, apart.bootstrap_statistics, rtol=1e-8)
    np.testing.assert_array_equal(together.bootstrap_argmax, apart.bootstrap_argmax)
    assert together.p_bootstrap == apart.p_bootstrap
    assert together.statistic == apart.statistic


# --------------------------------------------------------------------------- placebo


def test_placebo_p_value():
    out = placebo.placebo_p_value(
        -3.0, [1.0, -2.0, 3.5, 0.2], placebo_p_values=[0.5, 0.01, 0.001, 0.9]
    )
    assert out["p_value"] == pytest.approx((1 + 1) / (1 + 4))
    assert out["share_significant"] == pytest.approx(0.5)
    assert out["smallest_attainable_p"] == pytest.approx(0.2)
    ties = placebo.placebo_p_value(2.0, [2.0, -2.0, 1.0])
    assert ties["n_as_large"] == 2
    se = placebo.placebo_p_value(1.0, [0.1, 3.0], placebo_std_errors=[1.0, 1.0])
    assert se["share_significant"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- (c) real series
