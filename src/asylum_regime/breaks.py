"""Structural break at an unknown date in a count regression (Andrews' sup-Wald test).

Standalone (numpy, scipy; pandas only for labels), for the paper's interrupted
time series (ITS) robustness analysis.

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
      number of shift terms and the trimming (``asylum_regime.break_tables``
      says where they were read and how they are checked);
    * parametric bootstrap: simulate B series from the no-break fitted
      model, run the same test on each (same candidates, same fit), and
      compute p = (1 + #{supW* >= supW}) / (1 + B). This is the honest
      option for a short, overdispersed series, where the asymptotic
      distribution is a poor guide. It also covers a base design with a
      linear trend, which Andrews' theory does not (it assumes
      stationary regressors). With B draws the p-value is itself an
      estimate: ``monte_carlo_interval`` gives the range in which the
      p-value of unlimited draws lies.

The ``fit`` callable: ``fit(y, X) -> FitResult`` (or any object with
``params``, ``cov`` and ``mu``; ``alpha`` for NB2). The default and the
paper's are the fitters of ``asylum_regime.count_fits`` (``make_fitter``),
whose ``many`` method fits every bootstrap series at once.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from asylum_regime.break_tables import andrews_critical_values, hansen_pvalue
from asylum_regime.count_fits import FitResult, _solve_each, make_fitter

__all__ = [
    "BreakTest",
    "monte_carlo_interval",
    "shift_columns",
    "sup_wald_break",
    "trimmed_candidates",
]


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
