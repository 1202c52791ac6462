"""Structural break at an unknown date in a count regression, and placebo p-values.

Standalone (numpy, scipy; pandas only for labels). Two tools for the paper's
interrupted time series (ITS) robustness analysis:

``sup_wald_break``
    Andrews (1993) sup-Wald test, also called the Quandt likelihood ratio
    (QLR) test, for one break at an unknown date in a Poisson or NB2
    regression. For every candidate break index k in the trimmed middle of
    the sample, a level-shift regressor 1{t >= k} (and optionally a
    slope-shift regressor (t - k)+) is added to the base design. The model
    is refitted and the Wald statistic of the shift terms is computed with
    the covariance that the ``fit`` callable returns (HAC, HC0 or model
    based). The test statistic is the largest Wald statistic over the
    candidates. Two p-values are available:

    * asymptotic: Hansen's (1997) approximation
      p = P(chi2_eta > c + m * supW), with coefficients (c, m, eta) for the
      number of shift terms and the trimming (see ``HANSEN_1997_SUPF``
      below and NOTES.md for where they were read and how they were
      checked);
    * parametric bootstrap: simulate B series from the no-break fitted
      model, run the same test on each (same candidates, same fit), and
      compute p = (1 + #{supW* >= supW}) / (1 + B). This is the honest
      option for a short, overdispersed series, where the asymptotic
      distribution is a poor guide. It also covers a base design with a
      linear trend, which Andrews' theory does not (it assumes
      stationary regressors). With B draws the p-value is itself an
      estimate: ``monte_carlo_interval`` gives the range in which the
      p-value of unlimited draws lies.

``placebo_p_value``
    The permutation-style p-value (1 + #{|placebo| >= |real|}) / (1 + n) of
    a real estimate against placebo estimates, and the share of placebos
    that are nominally significant.

The ``fit`` callable: ``fit(y, X) -> FitResult`` (or any object with
``params``, ``cov`` and ``mu``; ``alpha`` for NB2). ``poisson_fit`` and
``negbin_fit`` are fast numpy fitters (Newton's method, analytic
derivatives). ``make_fitter`` fixes their options. Both were checked against
statsmodels (GLM Poisson and NegativeBinomial with HAC covariance) in
test_breaks.py.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy import special, stats

__all__ = [
    "ANDREWS_QLR_CRITICAL_VALUES",
    "HANSEN_1997_SUPF",
    "BreakTest",
    "FitResult",
    "PoissonFitter",
    "andrews_critical_values",
    "hansen_pvalue",
    "make_fitter",
    "negbin_fit",
    "placebo_p_value",
    "poisson_fit",
    "poisson_fit_many",
    "shift_columns",
    "sup_wald_break",
    "trimmed_candidates",
]

# --------------------------------------------------------------------------- tables

# Hansen (1997), "Approximate asymptotic p values for structural-change tests",
# JBES 15(1), 60-67, Table 2 (SupF / sup-Wald, Wald statistic in chi-square
# form, i.e. NOT divided by the number of tested parameters m):
#     p(x) = 1 - G_eta(c + m_slope * x),  G_eta = chi-square cdf with eta d.f.,
#     p = 1 when c + m_slope * x <= 0.
# Keyed by m (number of parameters tested) -> trimming pi0 -> (c, m_slope, eta).
#
# Where the numbers were read (I could not read the paper itself):
#   * pi0 = 0.15, m = 1..20, 25, 30, 35, 40: Mark W. Watson's GAUSS procedure
#     pval_qlr.prc ("mww, 1/27/97", "Pvalue is computed using the approximation
#     in Hansen ... JBES ... pages 60-67"), which hard-codes exactly this column
#     and evaluates cdfchic(c + m_slope * x, eta).
#   * all five trimmings for m = 1..10: a Python transcription of Hansen's
#     Table 2 ("transcribed from the rendered page 64") in a public repository
#     (qlrtst). Its pi0 = 0.15 column agrees digit for digit with Watson's.
#   * m = 1 row at all five trimmings: a third, independent Python file
#     (cusum_supf_test) that quotes the same row.
#   The pi0 = 0.15 column for m = 1, 2 and the pi0 = 0.05/0.25/0.35 entries for
#   m = 1, 2 were checked against my own simulation of the limiting
#   distribution (verify_hansen.py, NOTES.md).
HANSEN_1997_SUPF: dict[int, dict[float, tuple[float, float, float]]] = {
    1: {
        0.01: (-1.79, 1.17, 4.5),
        0.05: (-1.39, 1.07, 3.6),
        0.15: (-0.99, 1.02, 3.0),
        0.25: (-0.73, 0.98, 2.5),
        0.35: (-0.50, 0.96, 2.1),
    },
    2: {
        0.01: (-3.06, 1.18, 6.1),
        0.05: (-2.38, 1.11, 5.4),
        0.15: (-1.65, 1.06, 4.7),
        0.25: (-1.16, 1.02, 4.1),
        0.35: (-0.78, 0.97, 3.5),
    },
    3: {
        0.01: (-4.09, 1.21, 7.8),
        0.05: (-3.31, 1.10, 6.5),
        0.15: (-2.05, 1.13, 6.8),
        0.25: (-1.61, 1.03, 5.5),
        0.35: (-1.06, 1.01, 4.9),
    },
    4: {
        0.01: (-5.33, 1.21, 8.9),
        0.05: (-4.08, 1.14, 8.2),
        0.15: (-2.52, 1.11, 8.0),
        0.25: (-1.91, 1.04, 7.0),
        0.35: (-1.45, 0.97, 5.7),
    },
    5: {
        0.01: (-6.39, 1.18, 9.4),
        0.05: (-4.84, 1.15, 9.3),
        0.15: (-3.46, 1.07, 8.3),
        0.25: (-2.63, 1.02, 7.5),
        0.35: (-1.82, 1.00, 7.0),
    },
    6: {
        0.01: (-7.08, 1.26, 11.8),
        0.05: (-5.37, 1.19, 11.2),
        0.15: (-4.05, 1.08, 9.5),
        0.25: (-2.94, 1.05, 9.0),
        0.35: (-1.79, 1.03, 8.6),
    },
    7: {
        0.01: (-8.49, 1.17, 11.1),
        0.05: (-6.21, 1.21, 12.6),
        0.15: (-4.42, 1.10, 11.0),
        0.25: (-3.23, 1.05, 10.1),
        0.35: (-2.21, 1.01, 9.3),
    },
    8: {
        0.01: (-9.20, 1.17, 12.2),
        0.05: (-7.24, 1.13, 11.9),
        0.15: (-5.36, 1.08, 11.3),
        0.25: (-3.65, 1.06, 11.4),
        0.35: (-1.69, 1.10, 12.2),
    },
    9: {
        0.01: (-10.22, 1.14, 12.3),
        0.05: (-8.07, 1.11, 12.4),
        0.15: (-5.43, 1.10, 13.1),
        0.25: (-4.38, 1.01, 11.3),
        0.35: (-2.83, 1.00, 11.1),
    },
    10: {
        0.01: (-11.01, 1.14, 13.3),
        0.05: (-8.84, 1.11, 13.2),
        0.15: (-6.47, 1.06, 12.8),
        0.25: (-4.97, 1.01, 12.0),
        0.35: (-2.92, 1.05, 13.0),
    },
}
for _m, _row in {
    11: (-6.79, 1.04, 13.5),
    12: (-7.80, 1.02, 13.6),
    13: (-7.93, 1.07, 15.9),
    14: (-8.54, 1.05, 16.1),
    15: (-9.05, 1.05, 17.2),
    16: (-9.13, 1.09, 19.3),
    17: (-10.45, 1.05, 18.3),
    18: (-10.63, 1.05, 19.5),
    19: (-12.14, 0.90, 14.9),
    20: (-12.14, 0.97, 18.3),
    25: (-14.16, 1.05, 25.0),
    30: (-17.06, 1.03, 27.8),
    35: (-20.09, 0.98, 28.4),
    40: (-21.65, 1.05, 36.7),
}.items():
    HANSEN_1997_SUPF[_m] = {0.15: _row}

# Andrews' QLR critical values, 15% trimming, F form (sup-Wald / q), columns
# 10%, 5%, 1%, q = 1..20: gretl lib/src/compare.c (QLR_critvals: "Taken from
# Stock and Watson, Introduction to Econometrics (Addison-Wesley, 2003), based
# on Andrews"). Multiply by q for the Wald (chi-square) form used here.
ANDREWS_QLR_CRITICAL_VALUES: dict[int, tuple[float, float, float]] = {
    1: (7.12, 8.68, 12.16),
    2: (5.00, 5.86, 7.78),
    3: (4.09, 4.71, 6.02),
    4: (3.59, 4.09, 5.12),
    5: (3.26, 3.66, 4.53),
    6: (3.02, 3.37, 4.12),
    7: (2.84, 3.15, 3.82),
    8: (2.69, 2.98, 3.57),
    9: (2.58, 2.84, 3.38),
    10: (2.48, 2.71, 3.23),
    11: (2.40, 2.62, 3.09),
    12: (2.33, 2.54, 2.97),
    13: (2.27, 2.46, 2.87),
    14: (2.21, 2.40, 2.78),
    15: (2.16, 2.34, 2.71),
    16: (2.12, 2.29, 2.64),
    17: (2.08, 2.25, 2.58),
    18: (2.05, 2.20, 2.53),
    19: (2.01, 2.17, 2.48),
    20: (1.99, 2.13, 2.43),
}


def hansen_pvalue(statistic: float, m: int, trim: float = 0.15) -> float:
    """Hansen's (1997) approximate asymptotic p-value of a sup-Wald statistic.

    ``statistic`` is in chi-square form (not divided by ``m``); ``m`` is the
    number of parameters tested; ``trim`` the symmetric trimming pi0, one of
    0.01, 0.05, 0.15, 0.25, 0.35 (only 0.15 for m > 10).
    """
    table = HANSEN_1997_SUPF.get(int(m))
    if table is None:
        raise ValueError(f"no Hansen (1997) coefficients for m = {m}")
    key = next((t for t in table if abs(t - trim) < 1e-9), None)
    if key is None:
        raise ValueError(f"no Hansen (1997) coefficients for m = {m}, trim = {trim}")
    c, slope, eta = table[key]
    x = c + slope * float(statistic)
    return 1.0 if x <= 0 else float(stats.chi2.sf(x, eta))


def andrews_critical_values(m: int) -> dict[float, float]:
    """Andrews' 10/5/1% critical values of sup-Wald (chi-square form), 15% trimming."""
    row = ANDREWS_QLR_CRITICAL_VALUES[int(m)]
    return {level: m * value for level, value in zip((0.10, 0.05, 0.01), row, strict=True)}


# --------------------------------------------------------------------------- fitters


@dataclass(frozen=True)
class FitResult:
    """What a ``fit`` callable returns: coefficients, their covariance, fitted means.

    ``alpha`` is the NB2 dispersion (Var = mu + alpha mu^2); None for Poisson.
    """

    params: np.ndarray
    cov: np.ndarray
    mu: np.ndarray
    alpha: float | None = None
    converged: bool = True
    loglike: float = float("nan")


def _bartlett_meat(scores: np.ndarray, lags: int) -> np.ndarray:
    """Newey-West long-run covariance of per-observation scores (Bartlett weights).

    S = sum_t s_t s_t' + sum_{j=1..L} (1 - j/(L+1)) sum_t (s_t s_{t-j}' + s_{t-j} s_t'),
    no small-sample factor (statsmodels' default for GLM and discrete models).
    """
    meat = scores.T @ scores
    for j in range(1, lags + 1):
        gamma = scores[j:].T @ scores[:-j]
        meat += (1.0 - j / (lags + 1.0)) * (gamma + gamma.T)
    return meat


def _sandwich(hessian_inv: np.ndarray, scores: np.ndarray, cov: str, lags: int) -> np.ndarray:
    """Covariance from the inverse negative Hessian and the per-observation scores."""
    if cov in ("model", "nonrobust"):
        return hessian_inv
    if cov == "hc0":
        meat = scores.T @ scores
    elif cov == "hac":
        meat = _bartlett_meat(scores, lags)
    else:
        raise ValueError(f"cov must be 'model', 'hc0' or 'hac', not {cov!r}")
    return hessian_inv @ meat @ hessian_inv


def _poisson_kernel(y, eta, mu):
    """Poisson log-likelihood without the constant -sum(log y!)."""
    return float(y @ eta - mu.sum())


def poisson_fit(
    y,
    X,
    cov: str = "hac",
    hac_lags: int = 12,
    start=None,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> FitResult:
    """Poisson regression (log link) by Newton's method with step halving.

    ``cov``: 'model' (inverse Fisher information), 'hc0' (sandwich) or 'hac'
    (Newey-West sandwich with ``hac_lags`` Bartlett lags), as statsmodels'
    GLM(..., Poisson()).fit(cov_type='HAC', cov_kwds={'maxlags': L}).
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if start is None:  # least squares on log(y + 0.5): a start close enough for Newton
        beta = np.linalg.lstsq(X, np.log(y + 0.5), rcond=None)[0]
    else:
        beta = np.asarray(start, dtype=float).copy()
    eta = np.clip(X @ beta, -700, 700)
    mu = np.exp(eta)
    ll = _poisson_kernel(y, eta, mu)
    converged = False
    for _ in range(max_iter):
        score = X.T @ (y - mu)
        info = (X * mu[:, None]).T @ X
        step = _solve_one(info, score, _least_squares)
        t = 1.0
        while True:
            new_beta = beta + t * step
            new_eta = np.clip(X @ new_beta, -700, 700)
            new_mu = np.exp(new_eta)
            new_ll = _poisson_kernel(y, new_eta, new_mu)
            if new_ll >= ll - 1e-12 * abs(ll) or t < 1e-8:
                break
            t /= 2.0
        beta, eta, mu = new_beta, new_eta, new_mu
        change = new_ll - ll
        ll = new_ll
        if np.max(np.abs(t * step)) < tol or 0 <= change < 1e-13 * (abs(ll) + 1.0):
            converged = True
            break
    info_inv = _invert_one((X * mu[:, None]).T @ X)
    scores = X * (y - mu)[:, None]
    return FitResult(
        params=beta,
        cov=_sandwich(info_inv, scores, cov, hac_lags),
        mu=mu,
        alpha=None,
        converged=converged,
        loglike=ll - float(special.gammaln(y + 1.0).sum()),
    )


def _solve_each(a: np.ndarray, b: np.ndarray, fallback: Callable) -> np.ndarray:
    """``np.linalg.solve`` over a stack of systems; where one is singular, that system
    alone is solved by ``fallback(a_r, b_r)`` (the single fit's own fallback)."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack([_solve_one(a_r, b_r, fallback) for a_r, b_r in zip(a, b, strict=True)])


def _least_squares(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(a, b, rcond=None)[0]


def _solve_one(a: np.ndarray, b: np.ndarray, fallback: Callable) -> np.ndarray:
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        return fallback(a, b)


def _invert_each(a: np.ndarray) -> np.ndarray:
    """``np.linalg.inv`` over a stack of matrices (``pinv`` where one is singular, as
    ``poisson_fit``)."""
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return np.stack([_invert_one(a_r) for a_r in a])


def _invert_one(a: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(a)


def poisson_fit_many(
    Y,
    X,
    starts,
    cov: str = "hac",
    hac_lags: int = 12,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``poisson_fit`` of many series on one design at once: the columns of ``Y`` (n, R),
    each from its row of ``starts`` (R, k). Returns the parameters (R, k), their
    covariances (R, k, k) and whether each fit converged (R,).

    Every series takes the steps ``poisson_fit`` would take (the same Newton step, step
    halving and stopping rules, series by series); only the arithmetic is done on all of
    them together, so a result can differ from the single fit's in the last bits. The
    bootstrap of ``sup_wald_break`` fits hundreds of series on each candidate's design,
    where one fit at a time spends most of its time in Python's overhead. The covariance
    is computed as ``poisson_fit`` computes it (the whole sandwich, then any block of it):
    where a fit is nearly unidentified, another formula for the same block can give
    another Wald statistic.
    """
    Y = np.asarray(Y, dtype=float)
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    # x_t x_t' flattened: the information of every series is one matrix product
    outer = (X[:, :, None] * X[:, None, :]).reshape(n, k * k)
    params = np.array(starts, dtype=float)
    eta = np.clip(X @ params.T, -700, 700)
    mu = np.exp(eta)
    ll = np.einsum("nr,nr->r", Y, eta) - mu.sum(axis=0)
    active = np.ones(Y.shape[1], dtype=bool)
    converged = np.zeros(Y.shape[1], dtype=bool)
    for _ in range(max_iter):
        fitting = np.flatnonzero(active)
        if not len(fitting):
            break
        y, m, old = Y[:, fitting], mu[:, fitting], ll[fitting]
        score = (X.T @ (y - m)).T
        info = (m.T @ outer).reshape(len(fitting), k, k)
        step = _solve_each(info, score, _least_squares)
        t = np.ones(len(fitting))
        new_params = np.empty_like(step)
        new_eta, new_mu, new_ll = np.empty_like(y), np.empty_like(y), np.empty(len(fitting))
        pending = np.ones(len(fitting), dtype=bool)
        while pending.any():
            trying = np.flatnonzero(pending)
            trial = params[fitting[trying]] + t[trying, None] * step[trying]
            trial_eta = np.clip(X @ trial.T, -700, 700)
            trial_mu = np.exp(trial_eta)
            trial_ll = np.einsum("nr,nr->r", y[:, trying], trial_eta) - trial_mu.sum(axis=0)
            accept = (trial_ll >= old[trying] - 1e-12 * np.abs(old[trying])) | (t[trying] < 1e-8)
            done = trying[accept]
            new_params[done] = trial[accept]
            new_eta[:, done], new_mu[:, done] = trial_eta[:, accept], trial_mu[:, accept]
            new_ll[done] = trial_ll[accept]
            pending[done] = False
            t[trying[~accept]] /= 2.0
        change = new_ll - old
        params[fitting], eta[:, fitting] = new_params, new_eta
        mu[:, fitting], ll[fitting] = new_mu, new_ll
        stop = (np.max(np.abs(t[:, None] * step), axis=1) < tol) | (
            (change >= 0) & (change < 1e-13 * (np.abs(new_ll) + 1.0))
        )
        converged[fitting[stop]] = True
        active[fitting[stop]] = False
    inverse = _invert_each((mu.T @ outer).reshape(-1, k, k))
    if cov in ("model", "nonrobust"):
        return params, inverse, converged
    if cov not in ("hc0", "hac"):
        raise ValueError(f"cov must be 'model', 'hc0' or 'hac', not {cov!r}")
    # The meat of every series as one matrix product: sum over lags j (weight w_j) and
    # months t of u_t u_{t-j} x_t x_{t-j}', u the residuals y - mu (``_bartlett_meat``).
    lags = range(1, hac_lags + 1) if cov == "hac" else range(0)
    residuals = (Y - mu).T
    meat = ((residuals * residuals) @ outer).reshape(-1, k, k)
    if len(lags):
        lagged = np.concatenate(
            [(X[j:, :, None] * X[:-j, None, :]).reshape(n - j, k * k) for j in lags]
        )
        products = np.concatenate(
            [(1.0 - j / (hac_lags + 1.0)) * residuals[:, j:] * residuals[:, :-j] for j in lags],
            axis=1,
        )
        gamma = (products @ lagged).reshape(-1, k, k)
        meat += gamma + gamma.transpose(0, 2, 1)
    return params, inverse @ meat @ inverse, converged


@dataclass(frozen=True)
class PoissonFitter:
    """``poisson_fit`` with its covariance fixed (a ``fit`` callable), and the same fit of
    many series at once (``many``: ``poisson_fit_many``), which ``sup_wald_break``'s
    bootstrap uses when the fitter has it."""

    cov: str = "hac"
    hac_lags: int = 12

    def __call__(self, y, X, start=None) -> FitResult:
        return poisson_fit(y, X, cov=self.cov, hac_lags=self.hac_lags, start=start)

    def many(self, Y, X, starts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return poisson_fit_many(Y, X, starts, cov=self.cov, hac_lags=self.hac_lags)


def _nb2_parts(y, X, beta, phi):
    """NB2 log-likelihood, per-observation scores and Hessian in (beta, phi = log alpha)."""
    eta = np.clip(X @ beta, -50.0, 50.0)
    mu = np.exp(eta)
    theta = math.exp(-phi)  # size parameter 1/alpha
    tm = theta + mu
    ll = float(
        np.sum(
            special.gammaln(y + theta)
            - special.gammaln(theta)
            - special.gammaln(y + 1.0)
            + theta * (math.log(theta) - np.log(tm))
            + y * (eta - np.log(tm))
        )
    )
    d_eta = theta * (y - mu) / tm
    d_theta = (
        special.digamma(y + theta)
        - special.digamma(theta)
        + math.log(theta)
        + 1.0
        - np.log(tm)
        - (theta + y) / tm
    )
    d_phi = -theta * d_theta
    h_eta = -theta * mu * (theta + y) / tm**2
    h_theta = (
        special.polygamma(1, y + theta)
        - special.polygamma(1, theta)
        + 1.0 / theta
        - 1.0 / tm
        - (mu - y) / tm**2
    )
    h_phi = theta**2 * h_theta + theta * d_theta
    h_eta_phi = -theta * (y - mu) * mu / tm**2
    k = X.shape[1]
    hess = np.empty((k + 1, k + 1))
    hess[:k, :k] = (X * h_eta[:, None]).T @ X
    hess[:k, k] = hess[k, :k] = X.T @ h_eta_phi
    hess[k, k] = h_phi.sum()
    scores = np.column_stack([X * d_eta[:, None], d_phi])
    return ll, scores, hess, mu


def negbin_fit(
    y,
    X,
    cov: str = "hac",
    hac_lags: int = 12,
    start=None,
    tol: float = 1e-9,
    max_iter: int = 200,
) -> FitResult:
    """NB2 regression (Var = mu + alpha mu^2) by maximum likelihood.

    Newton's method on (beta, log alpha) with the analytic Hessian and step
    halving, started from the Poisson fit (or ``start`` = beta, optionally with
    log alpha appended). The covariance of beta is the beta block of the
    sandwich over all parameters (invariant to the parametrisation of alpha),
    as statsmodels' NegativeBinomial(..., loglike_method='nb2') with
    cov_type='HAC'.
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    k = X.shape[1]
    if start is not None and len(start) == k + 1:
        params = np.asarray(start, dtype=float).copy()
    else:
        beta0 = poisson_fit(y, X, cov="model", start=start).params
        mu0 = np.exp(np.clip(X @ beta0, -700, 700))
        alpha0 = max(np.sum(((y - mu0) ** 2 - y) / mu0**2) / len(y), 1e-3)
        params = np.r_[beta0, math.log(alpha0)]
    ll, scores, hess, mu = _nb2_parts(y, X, params[:k], params[k])
    converged = False
    lam = 0.0  # Levenberg damping: 0 is a pure Newton step
    for _ in range(max_iter):
        grad = scores.sum(axis=0)
        neg = -hess
        scale = np.maximum(np.abs(np.diag(neg)), 1e-12)
        accepted = False
        while lam < 1e12:
            try:
                chol = np.linalg.cholesky(neg + lam * np.diag(scale))
            except np.linalg.LinAlgError:
                lam = max(10.0 * lam, 1e-6)
                continue
            step = np.linalg.solve(chol.T, np.linalg.solve(chol, grad))
            trial = params + step
            trial[k] = np.clip(trial[k], -30.0, 10.0)
            new = _nb2_parts(y, X, trial[:k], trial[k])
            if np.isfinite(new[0]) and new[0] >= ll - 1e-12 * abs(ll):
                accepted = True
                lam = lam / 10.0 if lam > 1e-6 else 0.0
                break
            lam = max(10.0 * lam, 1e-6)
        if not accepted:
            break
        change = new[0] - ll
        params = trial
        ll, scores, hess, mu = new
        if np.max(np.abs(step)) < tol or 0 <= change < 1e-13 * (abs(ll) + 1.0):
            converged = bool(np.max(np.abs(scores.sum(axis=0))) < 1e-4 * (1.0 + abs(ll)))
            break
    neg_hess_inv = np.linalg.pinv(-hess)
    full = _sandwich(neg_hess_inv, scores, cov, hac_lags)
    return FitResult(
        params=params[:k],
        cov=full[:k, :k],
        mu=mu,
        alpha=math.exp(params[k]),
        converged=converged,
        loglike=ll,
    )


def make_fitter(family: str = "poisson", cov: str = "hac", hac_lags: int = 12) -> Callable:
    """A ``fit(y, X, start=None)`` callable: family 'poisson' or 'negbin' (NB2)."""
    if family == "poisson":
        return PoissonFitter(cov, hac_lags)
    if family in ("negbin", "nb2", "negative_binomial"):
        return partial(negbin_fit, cov=cov, hac_lags=hac_lags)
    raise ValueError(f"family must be 'poisson' or 'negbin', not {family!r}")


def _accepts_start(fit: Callable) -> bool:
    try:
        return "start" in inspect.signature(fit).parameters
    except (TypeError, ValueError):
        return False


def _call_fit(fit: Callable, y, X, start, takes_start: bool | None = None):
    if takes_start is None:
        takes_start = _accepts_start(fit)
    result = fit(y, X, start=start) if takes_start else fit(y, X)
    if not isinstance(result, FitResult):  # any object with params / cov / mu
        cov = result.cov() if callable(getattr(result, "cov", None)) else result.cov
        result = FitResult(
            params=np.asarray(result.params, dtype=float),
            cov=np.asarray(cov, dtype=float),
            mu=np.asarray(result.mu, dtype=float),
            alpha=getattr(result, "alpha", None),
        )
    return result


# --------------------------------------------------------------------------- sup-Wald


def trimmed_candidates(n: int, trim: float = 0.15) -> np.ndarray:
    """Break indices k (first observation of the new regime) with trim*n <= k <= (1-trim)*n."""
    if not 0 < trim < 0.5:
        raise ValueError("trim must be in (0, 0.5)")
    lo, hi = math.ceil(trim * n), math.floor((1 - trim) * n)
    if hi < lo:
        raise ValueError(f"no candidate left for n = {n} with trim = {trim}")
    return np.arange(lo, hi + 1)


def shift_columns(n: int, k: int, shift: str = "level", time=None) -> np.ndarray:
    """Regressors of a break at index k: level 1{t >= k}; slope (t - t_k)+ too for 'level+slope'.

    ``time`` (default 0..n-1) is the time scale of the slope term; its unit does
    not change the Wald statistic.
    """
    t = np.arange(n, dtype=float) if time is None else np.asarray(time, dtype=float)
    level = (np.arange(n) >= k).astype(float)
    if shift == "level":
        return level[:, None]
    if shift in ("level+slope", "both"):
        return np.column_stack([level, np.clip(t - t[k], 0.0, None)])
    if shift == "slope":
        return np.clip(t - t[k], 0.0, None)[:, None]
    raise ValueError(f"shift must be 'level', 'slope' or 'level+slope', not {shift!r}")


@dataclass
class BreakTest:
    """Result of ``sup_wald_break``."""

    statistic: float
    argmax: int
    argmax_label: object
    df: int
    candidates: np.ndarray
    wald: np.ndarray
    trim: float
    shift: str
    p_asymptotic: float | None
    p_asymptotic_method: str
    critical_values: dict | None
    p_bootstrap: float | None = None
    p_bootstrap_interval: tuple[float, float] | None = None
    bootstrap_exceedances: int | None = None
    n_boot: int = 0
    seed: int | None = None
    bootstrap_statistics: np.ndarray | None = None
    bootstrap_argmax: np.ndarray | None = None
    failed_candidates: list = field(default_factory=list)
    null_fit: FitResult | None = None

    def summary(self) -> dict:
        return {
            "statistic": self.statistic,
            "argmax": self.argmax,
            "argmax_label": self.argmax_label,
            "df": self.df,
            "trim": self.trim,
            "shift": self.shift,
            "n_candidates": len(self.candidates),
            "p_asymptotic": self.p_asymptotic,
            "p_asymptotic_method": self.p_asymptotic_method,
            "critical_values": self.critical_values,
            "p_bootstrap": self.p_bootstrap,
            "p_bootstrap_interval": self.p_bootstrap_interval,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "failed_candidates": len(self.failed_candidates),
        }


def _candidate_designs(X_base, candidates, shift, time) -> list[np.ndarray | None]:
    """The design of each candidate break (None where it is rank-deficient). They depend on
    the dates alone, so the observed series and every bootstrap series share them."""
    n = X_base.shape[0]
    designs: list[np.ndarray | None] = []
    for k in candidates:
        X = np.column_stack([X_base, shift_columns(n, int(k), shift, time)])
        designs.append(X if np.linalg.matrix_rank(X) == X.shape[1] else None)
    return designs


def _wald_path(y, X_base, candidates, fit, shift, time, start, designs=None):
    """Wald statistic of the shift terms at each candidate (NaN where the fit fails).

    ``designs``: the candidates' designs (``_candidate_designs``), made here if not given."""
    takes_start = _accepts_start(fit)
    k_base = X_base.shape[1]
    if designs is None:
        designs = _candidate_designs(X_base, candidates, shift, time)
    wald = np.full(len(candidates), np.nan)
    failed = []
    previous = None
    for i, k in enumerate(candidates):
        X = designs[i]
        if X is None:
            failed.append(int(k))
            previous = None
            continue
        # warm start: the previous candidate's fit (neighbouring dates fit alike), else the null fit
        s = (
            previous
            if previous is not None
            else (None if start is None else np.r_[start, np.zeros(X.shape[1] - k_base)])
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = _call_fit(fit, y, X, s, takes_start)
            b = res.params[k_base:]
            V = res.cov[k_base:, k_base:]
            w = float(b @ np.linalg.solve(V, b))
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            failed.append(int(k))
            previous = None
            continue
        if not np.isfinite(w) or not res.converged:
            failed.append(int(k))
            previous = None
            continue
        wald[i] = w
        previous = res.params
    return wald, failed


def _wald_paths_many(Y, X_base, fit, start, designs) -> np.ndarray:
    """``_wald_path`` of every column of ``Y`` at once, with ``fit.many``: the Wald
    statistic of each candidate (rows) for each series (columns), NaN where its fit
    failed. Each series is warm-started as in ``_wald_path``: from its fit at the
    previous candidate, else from its own no-break fit."""
    n_series, k_base = Y.shape[1], X_base.shape[1]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        null_params, _, _ = fit.many(Y, X_base, np.tile(start, (n_series, 1)))
        wald = np.full((len(designs), n_series), np.nan)
        previous = None  # each series' fit at the previous candidate (NaN: none)
        for i, X in enumerate(designs):
            if X is None:
                previous = None
                continue
            starts = np.column_stack([null_params, np.zeros((n_series, X.shape[1] - k_base))])
            if previous is not None:
                warm = ~np.isnan(previous[:, 0])
                starts[warm] = previous[warm]
            params, cov, converged = fit.many(Y, X, starts)
            b, V = params[:, k_base:], cov[:, k_base:, k_base:]
            w = np.einsum("ri,ri->r", b, _solve_each(V, b, _singular))
            ok = np.isfinite(w) & converged
            wald[i, ok] = w[ok]
            previous = np.where(ok[:, None], params, np.nan)
    return wald


def _singular(a, b):
    """A Wald statistic whose covariance is singular is not defined (the fit failed)."""
    return np.full(len(b), np.nan)


def _simulate_from(null: FitResult, rng: np.random.Generator) -> np.ndarray:
    if null.alpha is None or null.alpha <= 0:
        return rng.poisson(null.mu).astype(float)
    size = 1.0 / null.alpha
    return rng.poisson(rng.gamma(shape=size, scale=null.mu / size)).astype(float)


def sup_wald_break(
    y,
    X_base,
    candidates: Sequence[int] | None = None,
    fit: Callable | None = None,
    trim: float = 0.15,
    *,
    shift: str = "level",
    time=None,
    labels=None,
    n_boot: int = 0,
    seed: int = 20160318,
    simulate: Callable | None = None,
) -> BreakTest:
    """Andrews (1993) sup-Wald (QLR) test for one break at an unknown date.

    Parameters
    ----------
    y : counts, length n (time order).
    X_base : (n, p) design of the no-break model (intercept, trend, season, ...).
    candidates : break indices k to scan (first observation of the new regime);
        default: every k with trim*n <= k <= (1-trim)*n. Given candidates must
        lie in that range (a subset makes the asymptotic p-value conservative;
        the bootstrap scans the same subset, so its p-value stays exact).
    fit : ``fit(y, X, start=None) -> FitResult``; default Poisson with HAC
        (Newey-West, 12 lags) covariance, as the paper's ITS.
    trim : symmetric trimming pi0.
    shift : 'level' (m = 1), 'level+slope' (m = 2) or 'slope' (m = 1).
    time : time scale of the slope term (default 0..n-1).
    labels : optional labels (e.g. months) for reporting the argmax.
    n_boot : parametric-bootstrap replications (0: none). Each simulates a
        series from the no-break fitted model (Poisson, or NB2 when the fit
        returns alpha) and recomputes the whole sup-Wald with the same fit.
    seed : seed of the bootstrap (numpy default_rng).
    simulate : optional ``simulate(rng, null_fit) -> y*`` replacing the default.

    Returns
    -------
    BreakTest with the sup statistic, its argmax index and label, the Wald
    path, Hansen's (1997) asymptotic p-value where coefficients exist, Andrews'
    critical values (15% trimming), and the bootstrap p-value if requested.
    """
    y = np.asarray(y, dtype=float)
    X_base = np.asarray(X_base, dtype=float)
    if X_base.ndim != 2 or X_base.shape[0] != len(y):
        raise ValueError("X_base must be (n, p) with n = len(y)")
    n = len(y)
    allowed = trimmed_candidates(n, trim)
    if candidates is None:
        cand = allowed
    else:
        cand = np.unique(np.asarray(candidates, dtype=int))
        outside = cand[(cand < allowed[0]) | (cand > allowed[-1])]
        if len(outside):
            raise ValueError(
                f"candidates {outside.tolist()} lie outside the trimmed range "
                f"[{allowed[0]}, {allowed[-1]}] for trim = {trim}"
            )
    fit = fit or make_fitter("poisson", "hac", 12)
    null = _call_fit(fit, y, X_base, None)
    designs = _candidate_designs(X_base, cand, shift, time)
    wald, failed = _wald_path(y, X_base, cand, fit, shift, time, null.params, designs)
    if np.all(np.isnan(wald)):
        raise RuntimeError("no candidate break could be fitted")
    i = int(np.nanargmax(wald))
    stat = float(wald[i])
    k_star = int(cand[i])
    m = shift_columns(n, k_star, shift, time).shape[1]
    try:
        p_asy = hansen_pvalue(stat, m, trim)
        p_method = f"Hansen (1997) approximation, m = {m}, trim = {trim}"
    except ValueError as err:
        p_asy, p_method = None, f"not available ({err})"
    crit = andrews_critical_values(m) if abs(trim - 0.15) < 1e-9 and m <= 20 else None
    result = BreakTest(
        statistic=stat,
        argmax=k_star,
        argmax_label=None if labels is None else labels[k_star],
        df=m,
        candidates=cand,
        wald=wald,
        trim=trim,
        shift=shift,
        p_asymptotic=p_asy,
        p_asymptotic_method=p_method,
        critical_values=crit,
        failed_candidates=failed,
        null_fit=null,
    )
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        draw = simulate or (lambda r, f: _simulate_from(f, r))
        series = np.column_stack([np.asarray(draw(rng, null), dtype=float) for _ in range(n_boot)])
        if hasattr(fit, "many"):
            paths = _wald_paths_many(series, X_base, fit, null.params, designs)
        else:
            paths = np.column_stack(
                [
                    _wald_path(
                        y_star,
                        X_base,
                        cand,
                        fit,
                        shift,
                        time,
                        _call_fit(fit, y_star, X_base, null.params).params,
                        designs,
                    )[0]
                    for y_star in series.T
                ]
            )
        sups = np.full(n_boot, np.nan)
        where = np.full(n_boot, -1)
        fitted = ~np.all(np.isnan(paths), axis=0)
        j = np.nanargmax(np.where(np.isnan(paths), -np.inf, paths), axis=0)
        sups[fitted] = paths[j[fitted], np.flatnonzero(fitted)]
        where[fitted] = cand[j[fitted]]
        ok = np.isfinite(sups)
        exceedances = int(np.sum(sups[ok] >= stat))
        result.p_bootstrap = float((1 + exceedances) / (1 + ok.sum()))
        result.p_bootstrap_interval = monte_carlo_interval(exceedances, int(ok.sum()))
        result.bootstrap_exceedances = exceedances
        result.n_boot = int(ok.sum())
        result.seed = seed
        result.bootstrap_statistics = sups
        result.bootstrap_argmax = where
    return result


def monte_carlo_interval(exceedances: int, draws: int, level: float = 0.95) -> tuple[float, float]:
    """Where the p-value of a bootstrap with unlimited draws lies, given that ``exceedances``
    of ``draws`` simulated statistics were at least as large as the observed one: the exact
    (Clopper–Pearson) binomial interval of that share, at ``level``.

    A bootstrap p-value from B draws is an estimate of that limit; with B = 199 and a
    p-value near 0.05 the interval is several times wider than the distance to 0.05, so
    whether the test rejects at that level is not settled by the draws."""
    if not 0 <= exceedances <= draws or draws < 1:
        raise ValueError(
            f"need 0 <= exceedances <= draws and draws >= 1, not {exceedances}, {draws}"
        )
    tail = (1 - level) / 2
    low = 0.0 if exceedances == 0 else stats.beta.ppf(tail, exceedances, draws - exceedances + 1)
    high = (
        1.0
        if exceedances == draws
        else stats.beta.ppf(1 - tail, exceedances + 1, draws - exceedances)
    )
    return float(low), float(high)


# --------------------------------------------------------------------------- placebo


def placebo_p_value(
    real_estimate: float,
    placebo_estimates,
    placebo_p_values=None,
    placebo_std_errors=None,
    level: float = 0.05,
) -> dict:
    """Permutation-style p-value of a real estimate against placebo estimates.

    p = (1 + #{|placebo| >= |real|}) / (1 + n): the rank of the real estimate
    among the n placebos and itself, counting ties against it. Its smallest
    possible value is 1 / (1 + n). The share of placebos nominally significant
    at ``level`` comes from ``placebo_p_values`` or, failing those, from the
    normal test estimate / std_error.
    """
    placebo = np.asarray(placebo_estimates, dtype=float)
    placebo = placebo[np.isfinite(placebo)]
    n = len(placebo)
    if n == 0:
        raise ValueError("no placebo estimates")
    as_large = int(np.sum(np.abs(placebo) >= abs(float(real_estimate))))
    out = {
        "p_value": (1 + as_large) / (1 + n),
        "n_placebos": n,
        "n_as_large": as_large,
        "share_as_large": as_large / n,
        "smallest_attainable_p": 1 / (1 + n),
        "share_significant": None,
        "level": level,
    }
    if placebo_p_values is not None:
        p = np.asarray(placebo_p_values, dtype=float)
        out["share_significant"] = float(np.mean(p < level))
    elif placebo_std_errors is not None:
        se = np.asarray(placebo_std_errors, dtype=float)
        z = np.asarray(placebo_estimates, dtype=float) / se
        out["share_significant"] = float(np.mean(2 * stats.norm.sf(np.abs(z)) < level))
    return out
