"""Tests of ppml.fit_ppml against known parameters and statsmodels GLM with dummies.

The real panel comes from the shared build (the `built` fixture).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st

from asylum_regime.ppml import _FixedEffects, fit_ppml, wald_test
from tests.ppml_panels import (
    EFFECT,
    PUBLISHED,
    REFERENCE_YEAR,
    did_sample,
    replicate,
    three_way_panel,
    two_way_panel,
)

COEF_RTOL = 1e-8
SE_RTOL = 1e-6


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def sm_cluster(formula, data, groups, **fit):
    """statsmodels GLM Poisson with dummies and cluster errors, exactly as the paper calls it."""
    model = smf.glm(formula, data, family=sm.families.Poisson())
    return model.fit(cov_type="cluster", cov_kwds={"groups": groups}, **fit)


def assert_matches(ours, theirs, terms, coef_rtol=COEF_RTOL, se_rtol=SE_RTOL):
    assert ours.converged
    assert rel(ours.coef, theirs.params[terms]) < coef_rtol
    assert rel(ours.se, theirs.bse[terms]) < se_rtol
    assert rel(ours.z, theirs.tvalues[terms]) < se_rtol
    assert np.allclose(ours.p, theirs.pvalues[terms], rtol=1e-5, atol=1e-12)
    ci = theirs.conf_int().loc[terms].to_numpy()
    assert np.allclose(ours.ci, ci, rtol=1e-6, atol=1e-9)
    assert ours.nobs == int(theirs.nobs)
    assert abs(ours.loglik - theirs.llf) < 1e-8 * abs(theirs.llf)
    assert ours.k_correction == theirs.model.exog.shape[1]
    mu = ours.mu[ours.kept]
    assert rel(mu, theirs.fittedvalues.to_numpy()) < 1e-6


# --------------------------------------------------------------------------- the paper's panel


@pytest.fixture(scope="module")
def paper(built):
    sample = did_sample(built / "data" / "processed")
    sample = sample.assign(nat_code=pd.factorize(sample["nat"])[0])
    return sample


def test_paper_sample_is_the_papers(paper):
    assert len(paper) == PUBLISHED["observations"] == 644
    assert paper["nat"].nunique() == PUBLISHED["clusters"]
    assert int(paper["applicants"].sum()) == PUBLISHED["applicants"]


@pytest.mark.parametrize(
    "name, formula, terms",
    [
        ("two_way_effects", "applicants ~ treated_post + C(nat) + C(year)", ["treated_post"]),
        (
            "group_trend",
            "applicants ~ treated_post + C(nat) + C(year) + treated:trend",
            ["treated_post", "treated:trend"],
        ),
    ],
)
def test_paper_did_matches_statsmodels(paper, name, formula, terms):
    theirs = sm_cluster(formula, paper, paper["nat_code"].to_numpy())
    X = np.column_stack([paper["treated_post"], paper["treated"] * paper["trend"]])[:, : len(terms)]
    ours = fit_ppml(
        paper["applicants"], X, [paper["nat"], paper["year"]], paper["nat"], names=terms
    )
    assert_matches(ours, theirs, terms)
    assert ours.n_clusters == 46 and ours.n_dropped == 0
    # ... and the paper's published results (rounded to 6 significant digits there).
    row = PUBLISHED[name]
    assert ours.coef[0] == pytest.approx(row["estimate"], rel=1e-5)
    assert ours.se[0] == pytest.approx(row["std_error"], rel=1e-5)
    assert ours.p[0] == pytest.approx(row["p_value"], rel=1e-5)


def test_paper_event_study_and_pretrend_wald(paper):
    years = sorted(paper["year"].unique())
    reference = REFERENCE_YEAR
    terms = [f"treated_{y}" for y in years if y != reference]
    design = paper.assign(
        **{f"treated_{y}": paper["treated"] * (paper["year"] == y) for y in years}
    )
    theirs = sm_cluster(
        "applicants ~ C(nat) + C(year) + " + " + ".join(terms),
        design,
        design["nat_code"].to_numpy(),
    )
    ours = fit_ppml(
        design["applicants"],
        design[terms].to_numpy(),
        [design["nat"], design["year"]],
        design["nat"],
        names=terms,
    )
    assert len(terms) >= 11
    assert_matches(ours, theirs, terms)
    assert rel(ours.cov, theirs.cov_params().loc[terms, terms]) < 1e-5
    pre = PUBLISHED["pretrend"]["terms"]
    theirs_w = theirs.wald_test(", ".join(f"{t} = 0" for t in pre), scalar=True)
    ours_w = wald_test(ours, pre)
    assert ours_w.df == len(pre) == 4
    assert ours_w.statistic == pytest.approx(float(theirs_w.statistic), rel=SE_RTOL)
    assert ours_w.p_value == pytest.approx(float(theirs_w.pvalue), rel=1e-5)
    assert ours_w.statistic == pytest.approx(PUBLISHED["pretrend"]["statistic"], rel=1e-5)
    assert ours_w.p_value == pytest.approx(PUBLISHED["pretrend"]["p_value"], rel=1e-5)


def test_wald_general_restriction_matches_statsmodels(paper):
    design = paper.assign(tt=paper["treated"] * paper["trend"])
    theirs = sm_cluster(
        "applicants ~ treated_post + tt + C(nat) + C(year)", design, design["nat_code"].to_numpy()
    )
    ours = fit_ppml(
        design["applicants"],
        design[["treated_post", "tt"]].to_numpy(),
        [design["nat"], design["year"]],
        design["nat"],
        names=["treated_post", "tt"],
    )
    names = list(theirs.params.index)
    R_full = np.zeros((2, len(names)))
    R_full[0, names.index("treated_post")] = 1.0
    R_full[0, names.index("tt")] = -2.0
    R_full[1, names.index("tt")] = 1.0
    q = np.array([0.1, -0.05])
    theirs_w = theirs.wald_test((R_full, q), scalar=True)
    ours_w = wald_test(ours, np.array([[1.0, -2.0], [0.0, 1.0]]), q)
    assert ours_w.statistic == pytest.approx(float(theirs_w.statistic), rel=SE_RTOL)
    assert ours_w.p_value == pytest.approx(float(theirs_w.pvalue), rel=1e-5, abs=1e-300)


def test_replicated_paper_panel_matches_statsmodels(paper):
    data = replicate(paper.drop(columns="nat_code"), 3)
    groups = pd.factorize(data["nat"])[0]
    theirs = sm_cluster("applicants ~ treated_post + C(nat) + C(year)", data, groups)
    ours = fit_ppml(
        data["applicants"],
        data[["treated_post"]],
        [data["nat"], data["year"]],
        data["nat"],
        names=["treated_post"],
    )
    assert_matches(ours, theirs, ["treated_post"])
    assert ours.n_clusters == 46 + 2 * 41


# --------------------------------------------------------------------------- simulated panels


def test_simulated_two_way_matches_statsmodels_cluster_and_hc0():
    p = two_way_panel(n_units=50, n_periods=12, n_treated=10, post_from=6, dispersion=0.4, seed=7)
    data = pd.DataFrame(p)
    X = data[["treated_post", "post"]].assign(post=data["post"] * data["unit"] % 3)
    data["z2"] = X["post"]
    terms = ["treated_post", "z2"]
    theirs = sm_cluster("y ~ treated_post + z2 + C(unit) + C(period)", data, p["unit"])
    ours = fit_ppml(
        p["y"], data[terms].to_numpy(), [p["unit"], p["period"]], p["unit"], names=terms
    )
    assert_matches(ours, theirs, terms)
    hc = smf.glm(
        "y ~ treated_post + z2 + C(unit) + C(period)", data, family=sm.families.Poisson()
    ).fit(cov_type="HC0")
    ours_hc = fit_ppml(p["y"], data[terms].to_numpy(), [p["unit"], p["period"]], None, names=terms)
    assert ours_hc.vcov_type == "HC0" and ours_hc.n_clusters is None
    assert rel(ours_hc.coef, hc.params[terms]) < COEF_RTOL
    assert rel(ours_hc.se, hc.bse[terms]) < SE_RTOL


def test_var_weights_match_statsmodels():
    p = two_way_panel(n_units=30, n_periods=10, n_treated=8, dispersion=0.3, seed=11)
    data = pd.DataFrame(p)
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "cov_type not fully supported with var_weights"
        theirs = smf.glm(
            "y ~ treated_post + C(unit) + C(period)",
            data,
            family=sm.families.Poisson(),
            var_weights=w,
        ).fit(cov_type="cluster", cov_kwds={"groups": p["unit"]})
    ours = fit_ppml(
        p["y"],
        p["treated_post"],
        [p["unit"], p["period"]],
        p["unit"],
        weights=w,
        names=["treated_post"],
    )
    assert_matches(ours, theirs, ["treated_post"])


def test_recovers_known_effect_exactly_without_noise():
    """With y equal to the true means, PPML returns the true parameter."""
    p = two_way_panel(n_units=200, n_periods=20, n_treated=50, post_from=10, seed=3, unit_sd=1.5)
    r = fit_ppml(p["mu"], p["treated_post"], [p["unit"], p["period"]], p["unit"])
    assert r.converged
    assert r.coef[0] == pytest.approx(EFFECT, rel=1e-9)
    assert rel(r.mu, p["mu"]) < 1e-9


def test_recovers_known_effect_large_panel():
    p = two_way_panel(
        n_units=400, n_periods=20, n_treated=100, post_from=10, dispersion=0.5, seed=0
    )
    r = fit_ppml(p["y"], p["treated_post"], [p["unit"], p["period"]], p["unit"])
    assert r.converged
    assert abs(r.coef[0] - EFFECT) < 0.1
    assert abs(r.coef[0] - EFFECT) < 3 * r.se[0]


def test_bias_and_coverage_over_seeds():
    """Over 60 overdispersed panels: mean estimate near log(1.5), 95% CI coverage near 95%."""
    estimates, covered = [], []
    for seed in range(60):
        p = two_way_panel(
            n_units=80, n_periods=12, n_treated=20, post_from=6, dispersion=0.5, seed=1000 + seed
        )
        r = fit_ppml(p["y"], p["treated_post"], [p["unit"], p["period"]], p["unit"])
        assert r.converged
        estimates.append(r.coef[0])
        covered.append(r.ci[0, 0] <= EFFECT <= r.ci[0, 1])
    estimates = np.array(estimates)
    bias = estimates.mean() - EFFECT
    assert abs(bias) < 3 * estimates.std(ddof=1) / np.sqrt(len(estimates))
    assert 0.85 <= np.mean(covered) <= 1.0


# --------------------------------------------------------------------------- separation


def test_all_zero_groups_dropped_and_equal_statsmodels_on_the_rest(paper):
    zero_nat = paper[paper["nat"] == "AGO"].assign(nat="ZZZ", applicants=0)
    data = pd.concat([paper, zero_nat], ignore_index=True)
    # Also a control citizenship with zeros only in some years (kept: not separated).
    data.loc[(data["nat"] == "ARM") & (data["year"] < 2013), "applicants"] = 0
    ours = fit_ppml(
        data["applicants"],
        data[["treated_post"]],
        [data["nat"], data["year"]],
        data["nat"],
        names=["treated_post"],
    )
    assert ours.n_dropped == 14
    assert ours.dropped_by_dimension == [1, 0]
    assert not ours.kept[data["nat"].to_numpy() == "ZZZ"].any()
    assert np.isnan(ours.mu[~ours.kept]).all()
    rest = data[ours.kept].reset_index(drop=True)
    theirs = sm_cluster(
        "applicants ~ treated_post + C(nat) + C(year)", rest, pd.factorize(rest["nat"])[0]
    )
    assert_matches(ours, theirs, ["treated_post"])
    assert ours.n_clusters == 46


def test_separation_in_two_dimensions_three_way():
    p = three_way_panel(
        n_nat=15, n_dest=6, n_months=12, n_treated=4, post_from=6, seed=2, zero_nats=2
    )
    p["y"][p["dest"] == 0] = 0.0  # a destination with no applicant at all
    data = pd.DataFrame(p)
    ours = fit_ppml(
        p["y"],
        p["treated_post"],
        [p["nat"], p["dest"], p["month"]],
        p["nat"],
        names=["treated_post"],
    )
    assert ours.dropped_by_dimension == [2, 1, 0]
    assert ours.n_dropped == 2 * 6 * 12 + 13 * 12
    rest = data[ours.kept].reset_index(drop=True)
    theirs = sm_cluster(
        "y ~ treated_post + C(nat) + C(dest) + C(month)", rest, rest["nat"].to_numpy()
    )
    assert_matches(ours, theirs, ["treated_post"])


# --------------------------------------------------------------------------- three dimensions


def test_three_way_unbalanced_matches_statsmodels():
    p = three_way_panel(n_nat=30, n_dest=8, n_months=20, n_treated=6, post_from=10, seed=5)
    keep = np.random.default_rng(5).uniform(size=len(p["y"])) < 0.4
    data = pd.DataFrame({k: v[keep] for k, v in p.items()}).reset_index(drop=True)
    data["x2"] = np.random.default_rng(6).normal(size=len(data))
    terms = ["treated_post", "x2"]
    theirs = sm_cluster(
        "y ~ treated_post + x2 + C(nat) + C(dest) + C(month)", data, data["nat"].to_numpy()
    )
    ours = fit_ppml(
        data["y"],
        data[terms].to_numpy(),
        [data["nat"], data["dest"], data["month"]],
        data["nat"],
        names=terms,
    )
    assert_matches(ours, theirs, terms)


def test_three_way_large_recovers_effect():
    p = three_way_panel(n_nat=120, n_dest=20, n_months=60, n_treated=30, post_from=30, seed=9)
    r = fit_ppml(p["y"], p["treated_post"], [p["nat"], p["dest"], p["month"]], p["nat"])
    assert r.converged and r.nobs == 120 * 20 * 60 and r.n_clusters == 120
    assert r.k_correction == 1 + 1 + 119 + 19 + 59
    assert abs(r.coef[0] - EFFECT) < 3 * r.se[0]


@pytest.mark.parametrize("method", ["cg", "irons-tuck"])
def test_demeaning_equals_exact_projection(method):
    """Alternating projections reach the exact weighted projection (sparse least squares)."""
    rng = np.random.default_rng(4)
    n = 3000
    codes = [rng.integers(0, 50, n), rng.integers(0, 12, n), rng.integers(0, 7, n)]
    codes = [np.unique(c, return_inverse=True)[1] for c in codes]
    w = rng.gamma(0.5, 20.0, n)  # very uneven weights
    V = rng.normal(size=(n, 3))
    fe = _FixedEffects(codes)
    fe.set_weights(w)
    alphas, _ = fe.solve(V, None, 1e-13, method)
    ours = fe.demean(V, alphas)
    D = sp.hstack([sp.csr_matrix((np.ones(n), (np.arange(n), c))) for c in codes]).tocsr()
    sw = np.sqrt(w)
    for j in range(V.shape[1]):
        sol = spla.lsqr(sp.diags(sw) @ D, sw * V[:, j], atol=1e-15, btol=1e-15, iter_lim=100000)[0]
        exact = V[:, j] - D @ sol
        assert np.max(np.abs(ours[:, j] - exact)) < 1e-9
        # the residual is W-orthogonal to every fixed-effect dummy
        assert np.max(np.abs(D.T @ (w * ours[:, j]))) < 1e-8 * np.sum(w)


def chain_panel(n_units=60, seed=0, intercept=1.0):
    """Unit i observed in firms i and i + 1 only: a path graph, the hard case for
    alternating projections; its all-zero unit × firm cells are separated by the
    combination of unit and firm effects (not by either alone)."""
    rng = np.random.default_rng(seed)
    rows = [(i, f, t) for i in range(n_units) for f in (i, i + 1) for t in range(4)]
    data = pd.DataFrame(rows, columns=["unit", "firm", "t"])
    data["x"] = rng.normal(size=len(data))
    a, b = rng.normal(size=n_units), rng.normal(size=n_units + 1)
    data["y"] = rng.poisson(np.exp(intercept + a[data["unit"]] + b[data["firm"]] + 0.3 * data["x"]))
    return data


@pytest.mark.parametrize("method, n_units", [("cg", 60), ("irons-tuck", 20)])
def test_chain_graph_matches_statsmodels(method, n_units):
    """A path graph: Irons–Tuck needs thousands of sweeps here (kept short), CG ~ n_units."""
    data = chain_panel(n_units=n_units, intercept=4.0)
    assert (data.groupby(["unit", "firm"])["y"].sum() > 0).all()  # connected, not separated
    theirs = sm_cluster(
        "y ~ x + C(unit) + C(firm) + C(t)", data, data["unit"].to_numpy(), tol=1e-12
    )
    ours = fit_ppml(
        data["y"],
        data[["x"]],
        [data["unit"], data["firm"], data["t"]],
        data["unit"],
        names=["x"],
        demean_method=method,
    )
    assert ours.n_near_zero == 0
    assert_matches(ours, theirs, ["x"])


def test_separation_by_a_combination_of_effects_is_flagged():
    """Zero cells of a path graph: the estimate converges to the fit without them; a warning."""
    data = chain_panel()
    with pytest.warns(RuntimeWarning, match="probably separated"):
        ours = fit_ppml(
            data["y"], data[["x"]], [data["unit"], data["firm"], data["t"]], data["unit"]
        )
    cell = data.groupby(["unit", "firm"])["y"].transform("sum")
    n_zero_cells = int((cell == 0).sum())
    assert ours.n_near_zero + ours.n_dropped == n_zero_cells > 0
    rest = data[cell > 0]
    clean = fit_ppml(rest["y"], rest[["x"]], [rest["unit"], rest["firm"], rest["t"]], rest["unit"])
    assert ours.converged and clean.n_near_zero == 0
    assert ours.coef[0] == pytest.approx(clean.coef[0], rel=1e-7)


# --------------------------------------------------------------------------- options and edges


def test_fe_dof_options(paper):
    args = (
        paper["applicants"],
        paper[["treated_post"]],
        [paper["nat"], paper["year"]],
        paper["nat"],
    )
    dummies = fit_ppml(*args)
    nested = fit_ppml(*args, fe_dof="nested")
    none = fit_ppml(*args, fe_dof="none")
    raw = fit_ppml(*args, small_sample=False)
    N, G = 644, 46
    assert dummies.k_correction == 1 + 1 + 45 + 13
    assert nested.k_correction == 1 + 14  # nat is nested in the clusters, year is not
    assert none.k_correction == 1
    assert raw.correction == 1.0 and raw.vcov_type == "CR0"
    for r in (dummies, nested, none):
        factor = G / (G - 1) * (N - 1) / (N - r.k_correction)
        assert r.correction == pytest.approx(factor)
        assert r.se[0] == pytest.approx(raw.se[0] * np.sqrt(factor), rel=1e-12)
        assert np.array_equal(r.coef, dummies.coef)


def test_one_dimension_and_clusters_other_than_fe():
    p = two_way_panel(n_units=40, n_periods=10, n_treated=10, seed=8)
    data = pd.DataFrame(p)
    data["x"] = data["period"].astype(float)
    region = p["unit"] % 7
    theirs = sm_cluster("y ~ treated_post + x + C(unit)", data, region)
    ours = fit_ppml(
        p["y"],
        data[["treated_post", "x"]].to_numpy(),
        [p["unit"]],
        region,
        names=["treated_post", "x"],
    )
    assert_matches(ours, theirs, ["treated_post", "x"])
    assert ours.n_clusters == 7


def test_collinear_regressor_is_an_error(paper):
    with pytest.raises(ValueError, match="collinear with the fixed effects"):
        fit_ppml(
            paper["applicants"],
            paper[["treated_post", "treated"]],
            [paper["nat"], paper["year"]],
            paper["nat"],
            names=["treated_post", "treated"],
        )


def test_deterministic_bytes():
    p = three_way_panel(n_nat=50, n_dest=10, n_months=24, n_treated=10, post_from=12, seed=12)
    runs = [
        fit_ppml(p["y"], p["treated_post"], [p["nat"], p["dest"], p["month"]], p["nat"])
        for _ in range(2)
    ]
    for attr in ("coef", "cov", "se", "mu", "eta"):
        assert getattr(runs[0], attr).tobytes() == getattr(runs[1], attr).tobytes()
    assert runs[0].loglik == runs[1].loglik and runs[0].history == runs[1].history


def test_input_validation():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    fe = [np.array([0, 0, 1, 1])]
    with pytest.raises(ValueError):
        fit_ppml(-y, np.ones((4, 1)), fe, None)
    with pytest.raises(ValueError):
        fit_ppml(y, np.ones((3, 1)), fe, None)
    with pytest.raises(ValueError):
        fit_ppml(y, np.arange(4.0), [], None)
    with pytest.raises(ValueError):
        fit_ppml(y, np.arange(4.0), fe, None, weights=np.zeros(4))


# --------------------------------------------------------------------------- property


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(min_value=1e-6, max_value=1e6, allow_nan=False), seed=st.integers(0, 10_000))
def test_coefficients_invariant_to_scale_of_y(scale, seed):
    """PPML: y → c·y shifts only the fixed effects; coefficients (and robust SEs) unchanged."""
    p = two_way_panel(n_units=20, n_periods=8, n_treated=5, post_from=4, dispersion=0.5, seed=seed)
    X = np.column_stack([p["treated_post"], np.random.default_rng(seed).normal(size=len(p["y"]))])
    base = fit_ppml(p["y"], X, [p["unit"], p["period"]], p["unit"])
    scaled = fit_ppml(scale * p["y"], X, [p["unit"], p["period"]], p["unit"])
    assert base.converged and scaled.converged
    assert base.n_dropped == scaled.n_dropped
    np.testing.assert_allclose(scaled.coef, base.coef, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(scaled.se, base.se, rtol=1e-6)
    np.testing.assert_allclose(scaled.mu, scale * base.mu, rtol=1e-6)
