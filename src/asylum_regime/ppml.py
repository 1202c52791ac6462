"""Poisson pseudo-maximum likelihood with absorbed fixed effects (PPML-HDFE).

A standalone estimator for the paper's difference-in-differences: the Poisson
model ``E[y | X, FE] = exp(X b + a_1[g_1] + ... + a_D[g_D])`` with any number of
fixed-effect dimensions, fitted without ever forming the dummy columns, and
cluster-robust (CR1) or heteroskedasticity-robust standard errors. Pure numpy /
scipy; deterministic (fixed iteration order, sequential reductions).

Algorithm (as in Correia, Guimarães & Zylkin 2020, ``ppmlhdfe``, and pyfixest's
``fepois``)
    IRLS. Each step is a weighted least-squares regression of the working
    variable z = eta + (y - mu) / mu on X and the fixed effects, weights mu. By
    Frisch–Waugh–Lovell, z and X are first "demeaned": their weighted
    projection on the fixed-effect space is removed, and b comes from the small
    regression of demeaned z on demeaned X. The new linear predictor is
    eta = z - (residual of that regression), which already contains the fixed
    effects.

    Demeaning is the method of alternating projections: Gauss–Seidel over the
    fixed-effect dimensions on the normal equations D'WD a = D'Wv, one block
    (dimension) at a time. It runs in the space of the fixed-effect
    coefficients (as fixest does): the cross-tabulated weights between two
    dimensions (a sparse G_d x G_e matrix) are summed once per IRLS step, so a
    sweep costs the number of non-empty cells, not the number of observations.
    The sweeps are accelerated by conjugate gradients, with a symmetric
    Gauss–Seidel sweep (forward, then backward) as the preconditioner: reghdfe's
    and ppmlhdfe's default ("cg" with the symmetric Kaczmarz transform). The
    alternative ``demean_method="irons-tuck"`` extrapolates plain sweeps as
    fixest and pyfixest do; it is as fast on well-connected panels but needs
    orders of magnitude more sweeps on poorly connected ones (a chain of units
    and firms). Both are warm-started from the previous IRLS step's
    coefficients (ppmlhdfe's trick: projecting, with the new weights, a
    variable demeaned with the old weights gives the same projection).

Separation
    Observations in a fixed-effect group whose outcome sums to zero have no
    finite maximum likelihood estimate of that group's effect (its mean goes to
    zero). They are dropped before fitting, repeatedly until none is left, and
    reported (``n_dropped``, ``dropped_by_dimension``). They do not affect the
    coefficients of the remaining model. Separation by a combination of fixed
    effects or by the regressors is not removed; it shows as a slow (linear)
    fall of the deviance, the affected means going to zero. Those observations
    (y = 0, mean < 1e-9 x mean outcome) are counted in ``n_near_zero`` with a
    warning; the coefficients converge to those of the fit without them.

Covariance
    The sandwich of the coefficient block is computed with the demeaned
    regressors: bread (X~' W X~)^-1 with W = mu (times weights), meat the outer
    products of cluster sums of scores x~_i (y_i - mu_i). By the partitioned
    inverse this is exactly the coefficient block of the full sandwich that
    statsmodels computes with dummy columns. The CR1 factor is statsmodels'
    ``G / (G - 1) * (N - 1) / (N - K)`` with K the number of columns of the
    dummy design (regressors + intercept + sum of (levels - 1) over the
    fixed-effect dimensions) by default; see ``fe_dof`` for alternatives.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy import linalg, special

__all__ = ["PPMLResult", "WaldResult", "fit_ppml", "wald_test"]

# Tolerance of the demeaning: the largest weighted group mean of a demeaned
# variable (Irons–Tuck: the change of a fixed-effect coefficient per sweep),
# relative to the largest absolute value of the variable.
INNER_TOL = 1e-13
INNER_MAX_ITER = 20_000  # CG iterations (Irons–Tuck: twice as many sweeps) per solve
INNER_MAX_RESTARTS = 10


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PPMLResult:
    """Estimates of ``fit_ppml``; arrays over the regressors unless stated.

    ``mu`` and ``eta`` have the length of the input with NaN at the dropped
    observations; ``kept`` marks the observations used.
    """

    coef: np.ndarray
    cov: np.ndarray
    se: np.ndarray
    z: np.ndarray
    p: np.ndarray
    ci: np.ndarray  # (k, 2), 95% normal intervals
    names: list[str]
    loglik: float
    deviance: float
    nobs: int  # observations used
    n_dropped: int  # observations dropped (all-zero fixed-effect groups)
    dropped_by_dimension: list[int]  # all-zero groups dropped per dimension
    n_near_zero: int  # y = 0 observations with fitted mean < 1e-9 * mean(y): possible separation
    n_clusters: int | None
    iterations: int
    converged: bool
    mu: np.ndarray
    eta: np.ndarray
    kept: np.ndarray
    fe_levels: list[int]  # levels of each dimension in the estimation sample
    k_correction: int  # K in (N - 1) / (N - K)
    correction: float  # factor multiplying the sandwich
    vcov_type: str  # "CR1" or "HC0"/"HC1"
    inner_iterations: int  # demeaning sweeps, in total
    history: list[float] = field(default_factory=list)  # deviance per IRLS step

    def table(self) -> str:
        """A plain-text coefficient table."""
        lines = [f"{'':<16}{'coef':>12}{'se':>12}{'z':>9}{'p':>9}{'[0.025':>11}{'0.975]':>11}"]
        for j, name in enumerate(self.names):
            lines.append(
                f"{name:<16}{self.coef[j]:>12.6f}{self.se[j]:>12.6f}{self.z[j]:>9.3f}"
                f"{self.p[j]:>9.4f}{self.ci[j, 0]:>11.6f}{self.ci[j, 1]:>11.6f}"
            )
        cl = f", clusters {self.n_clusters}" if self.n_clusters is not None else ""
        lines.append(
            f"N {self.nobs} (dropped {self.n_dropped}){cl}, log-likelihood {self.loglik:.6f}, "
            f"iterations {self.iterations}, converged {self.converged}, vcov {self.vcov_type}"
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class WaldResult:
    statistic: float
    df: int
    p_value: float
    distribution: str = "chi2"


# --------------------------------------------------------------------------- helpers


def _codes(values, name: str) -> tuple[np.ndarray, int]:
    """Integer codes 0..G-1 (sorted order of the distinct values) and G."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    uniques, inverse = np.unique(arr, return_inverse=True)
    return inverse.astype(np.int64).ravel(), len(uniques)


class _FixedEffects:
    """The fixed-effect structure of one estimation sample, and its demeaning.

    Coefficients of dimension d are a (G_d, p) array for p variables at once.
    """

    def __init__(self, codes: list[np.ndarray]):
        self.codes = codes
        self.sizes = [int(c.max()) + 1 for c in codes]
        self.n = len(codes[0])
        self.D = len(codes)
        ones = np.ones(self.n)
        obs = np.arange(self.n)
        # Indicator matrices (G_d x n): group sums of any weighted variable.
        self.indicator = [
            sp.csr_matrix((ones, (c, obs)), shape=(g, self.n))
            for c, g in zip(codes, self.sizes, strict=True)
        ]
        # Cells of each pair of dimensions: fixed sparsity, weights summed per IRLS step.
        self.pairs = {}
        for d in range(self.D):
            for e in range(d + 1, self.D):
                key = codes[d] * self.sizes[e] + codes[e]
                cells, cell_of_obs = np.unique(key, return_inverse=True)
                rows, cols = cells // self.sizes[e], cells % self.sizes[e]
                # The transpose: the same cells ordered by (col, row), stable.
                order = np.lexsort((rows, cols))
                self.pairs[d, e] = (cell_of_obs.ravel(), rows, cols, order, len(cells))
        self.weights = None
        self.unconverged = 0  # solves that stopped at the iteration limit

    def set_weights(self, w: np.ndarray) -> None:
        self.weights = w
        self.group_weight = [
            np.bincount(c, weights=w, minlength=g)
            for c, g in zip(self.codes, self.sizes, strict=True)
        ]
        self.cross = {}
        for (d, e), (cell_of_obs, rows, cols, order, ncells) in self.pairs.items():
            cw = np.bincount(cell_of_obs, weights=w, minlength=ncells)
            de = sp.csr_matrix((cw, (rows, cols)), shape=(self.sizes[d], self.sizes[e]))
            ed = sp.csr_matrix(
                (cw[order], (cols[order], rows[order])), shape=(self.sizes[e], self.sizes[d])
            )
            self.cross[d, e], self.cross[e, d] = de, ed

    def _sweep_first(self, rhs, alphas):
        """Coefficients of dimension 0 given the others (the first half-step)."""
        r = rhs[0].copy()
        for e in range(1, self.D):
            r -= self.cross[0, e] @ alphas[e - 1]
        return r / self.group_weight[0][:, None]

    def _sweep(self, rhs, state: list[np.ndarray]) -> list[np.ndarray]:
        """One Gauss–Seidel sweep; the state is the coefficients of dimensions 1..D-1."""
        a0 = self._sweep_first(rhs, state)
        full = [a0, *state]
        for d in range(1, self.D):
            r = rhs[d].copy()
            for e in range(self.D):
                if e != d:
                    r -= self.cross[d, e] @ full[e]
            full[d] = r / self.group_weight[d][:, None]
        return full[1:]

    def solve(self, V: np.ndarray, start: list[np.ndarray] | None, tol: float, method: str = "cg"):
        """Fixed-effect coefficients of the weighted projection of each column of V.

        ``method`` "cg": conjugate gradients preconditioned by a symmetric
        Gauss–Seidel sweep (reghdfe / ppmlhdfe's default acceleration of
        alternating projections); "irons-tuck": Gauss–Seidel sweeps with Irons &
        Tuck extrapolation (fixest / pyfixest). Returns (coefficients per
        dimension, number of sweeps; a CG iteration counts as two sweeps).
        """
        wV = V * self.weights[:, None]
        rhs = [S @ wV for S in self.indicator]
        if self.D == 1:
            return [rhs[0] / self.group_weight[0][:, None]], 1
        scale = np.abs(V).max(axis=0)
        scale[scale == 0] = 1.0
        threshold = tol * scale
        if method == "cg":
            return self._solve_cg(rhs, start, threshold)
        if method == "irons-tuck":
            return self._solve_irons_tuck(rhs, start, threshold)
        raise ValueError("method must be 'cg' or 'irons-tuck'")

    # -- conjugate gradients on D'WD a = D'Wv, symmetric Gauss–Seidel preconditioner

    def _matvec(self, x: list[np.ndarray]) -> list[np.ndarray]:
        out = []
        for d in range(self.D):
            r = x[d] * self.group_weight[d][:, None]
            for e in range(self.D):
                if e != d:
                    r += self.cross[d, e] @ x[e]
            out.append(r)
        return out

    def _precondition(self, r: list[np.ndarray]) -> list[np.ndarray]:
        """(Dg + L)^-1 Dg (Dg + U)^-1 r: a forward and a backward Gauss–Seidel sweep."""
        y = []
        for d in range(self.D):
            t = r[d].copy()
            for e in range(d):
                t -= self.cross[d, e] @ y[e]
            y.append(t / self.group_weight[d][:, None])
        z = [None] * self.D
        for d in reversed(range(self.D)):
            if d == self.D - 1:
                z[d] = y[d]
                continue
            t = self.cross[d, d + 1] @ z[d + 1]
            for e in range(d + 2, self.D):
                t += self.cross[d, e] @ z[e]
            z[d] = y[d] - t / self.group_weight[d][:, None]
        return z

    @staticmethod
    def _dot(a: list[np.ndarray], b: list[np.ndarray]) -> np.ndarray:
        total = np.einsum("ij,ij->j", a[0], b[0])
        for x, y in zip(a[1:], b[1:], strict=True):
            total = total + np.einsum("ij,ij->j", x, y)
        return total

    def _residual_ok(self, r: list[np.ndarray], threshold: np.ndarray) -> np.ndarray:
        """Per column: every group's weighted mean of the demeaned variable within tolerance."""
        worst = np.zeros(r[0].shape[1])
        for d in range(self.D):
            worst = np.maximum(worst, np.abs(r[d] / self.group_weight[d][:, None]).max(axis=0))
        return worst <= threshold

    def _solve_cg(self, rhs, start, threshold):
        p_cols = rhs[0].shape[1]
        x = (
            [np.zeros((g, p_cols)) for g in self.sizes]
            if start is None
            else [a.copy() for a in start]
        )
        sweeps = 0
        iterations = 0
        for _restart in range(INNER_MAX_RESTARTS):
            # (Re)start from the true residual: the recursive one drifts.
            ax = self._matvec(x)
            r = [b - a for b, a in zip(rhs, ax, strict=True)]
            sweeps += 1
            ok = self._residual_ok(r, threshold)
            if ok.all():
                return x, sweeps
            z = self._precondition(r)
            direction = [zz.copy() for zz in z]
            rz = self._dot(r, z)
            while iterations < INNER_MAX_ITER:
                iterations += 1
                ad = self._matvec(direction)
                sweeps += 2
                dad = self._dot(direction, ad)
                step = np.divide(rz, dad, out=np.zeros(p_cols), where=(dad > 0) & ~ok)
                for d in range(self.D):
                    x[d] += direction[d] * step
                    r[d] -= ad[d] * step
                ok = ok | self._residual_ok(r, threshold)
                if ok.all():
                    break
                z = self._precondition(r)
                rz_new = self._dot(r, z)
                beta = np.divide(rz_new, rz, out=np.zeros(p_cols), where=(rz > 0) & ~ok)
                for d in range(self.D):
                    direction[d] = z[d] + direction[d] * beta
                rz = rz_new
            if iterations >= INNER_MAX_ITER:
                break
        self.unconverged += 1
        return x, sweeps

    # -- Gauss–Seidel sweeps with Irons–Tuck extrapolation

    def _solve_irons_tuck(self, rhs, start, threshold):
        p = rhs[0].shape[1]
        if start is None:
            state = [np.zeros((g, p)) for g in self.sizes[1:]]
        else:
            state = [a.copy() for a in start[1:]]

        def flat(parts):
            return np.concatenate(parts, axis=0) if len(parts) > 1 else parts[0]

        def split(x):
            out, at = [], 0
            for g in self.sizes[1:]:
                out.append(x[at : at + g])
                at += g
            return out

        def done(a, b):
            return bool(np.all(np.abs(a - b).max(axis=0) <= threshold))

        x = flat(state)
        sweeps = 0
        while True:
            gx = flat(self._sweep(rhs, split(x)))
            sweeps += 1
            if done(x, gx):
                x = gx
                break
            ggx = flat(self._sweep(rhs, split(gx)))
            sweeps += 1
            if done(gx, ggx):
                x = ggx
                break
            if sweeps >= 2 * INNER_MAX_ITER:
                self.unconverged += 1
                x = ggx
                break
            # Irons–Tuck extrapolation, one step length per column.
            delta_g = ggx - gx
            delta2 = delta_g - (gx - x)
            ssq = np.einsum("ij,ij->j", delta2, delta2)
            vprod = np.einsum("ij,ij->j", delta_g, delta2)
            step = np.divide(vprod, ssq, out=np.zeros(p), where=ssq > 0)
            x = ggx - delta_g * step
        state = split(x)
        return [self._sweep_first(rhs, state), *state], sweeps

    def demean(self, V: np.ndarray, alphas: list[np.ndarray]) -> np.ndarray:
        """V minus its fitted fixed effects, sum_d alphas[d][codes[d]]."""
        out = V.copy()
        for c, a in zip(self.codes, alphas, strict=True):
            out -= a[c]
        return out


def _spd_solve(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Solve A X = B for a small symmetric positive definite A (Cholesky, equilibrated)."""
    d = 1.0 / np.sqrt(np.diag(A))
    factor = linalg.cho_factor(A * d[:, None] * d[None, :], lower=True)
    scaled = B * (d[:, None] if B.ndim == 2 else d)
    return linalg.cho_solve(factor, scaled) * (d[:, None] if B.ndim == 2 else d)


def _wls(Xt: np.ndarray, zt: np.ndarray, w: np.ndarray, names=None) -> np.ndarray:
    """Weighted least squares of zt on Xt (both demeaned), by the normal equations.

    With ``names``, first check that the regressors are not collinear.
    """
    if Xt.shape[1] == 0:
        return np.zeros(0)
    WX = Xt * w[:, None]
    gram = WX.T @ Xt
    if names is not None:
        _check_collinear(gram, names)
    return _spd_solve(gram, WX.T @ zt)


def _deviance(y, mu, wts) -> float:
    return float(2.0 * np.sum(wts * (special.xlogy(y, y) - special.xlogy(y, mu) - (y - mu))))


def _drop_separated(y, codes, wts):
    """Observations to keep: repeatedly drop fixed-effect groups whose outcome sums to 0."""
    keep = np.ones(len(y), dtype=bool)
    dropped = [0] * len(codes)
    while True:
        changed = False
        for d, c in enumerate(codes):
            sums = np.bincount(c[keep], weights=(y * wts)[keep], minlength=int(c.max()) + 1)
            present = np.bincount(c[keep], minlength=int(c.max()) + 1) > 0
            zero = present & (sums <= 0)
            if zero.any():
                dropped[d] += int(zero.sum())
                keep &= ~zero[c]
                changed = True
        if not changed:
            return keep, dropped


def _nested(fe_codes: np.ndarray, clusters: np.ndarray) -> bool:
    """Every group of the fixed effect lies within one cluster."""
    g = int(fe_codes.max()) + 1
    lo = np.full(g, np.iinfo(np.int64).max)
    hi = np.full(g, -1)
    np.minimum.at(lo, fe_codes, clusters)
    np.maximum.at(hi, fe_codes, clusters)
    return bool(np.all(lo == hi))


# --------------------------------------------------------------------------- estimator


def fit_ppml(
    y,
    X,
    fixed_effects,
    clusters=None,
    *,
    weights=None,
    tol: float = 1e-10,
    max_iter: int = 200,
    names: list[str] | None = None,
    fe_dof: str = "dummies",
    small_sample: bool = True,
    inner_tol: float = INNER_TOL,
    demean_method: str = "cg",
) -> PPMLResult:
    """Poisson PML of y on X with absorbed fixed effects and robust covariance.

    Parameters
    ----------
    y : (n,) non-negative outcome.
    X : (n, k) regressors of interest (no constant: the fixed effects absorb it).
    fixed_effects : list of (n,) arrays of group codes (any hashable-sortable
        values), one per dimension, at least one.
    clusters : (n,) cluster codes, or None for heteroskedasticity-robust errors.
    weights : (n,) positive weights, as statsmodels GLM ``var_weights``
        (the log-likelihood and scores of observation i are multiplied by w_i).
    tol : IRLS stops when |dev - dev_prev| / (0.1 ybar + |dev|) < tol, with ybar
        the (weighted) mean outcome: ppmlhdfe's and pyfixest's criterion, whose
        floor 0.1 is here in units of the outcome so that rescaling y changes
        nothing (rates as well as counts).
    max_iter : IRLS iterations at most.
    names : names of the regressors (default x0, x1, ...).
    fe_dof : how the fixed effects count in K of the (N - 1) / (N - K) factor.
        "dummies" (default): as statsmodels with an intercept and C() dummies,
        1 + sum_d (G_d - 1) — the default reproduces statsmodels' GLM with
        dummy columns (and pyfixest with ``ssc(k_fixef="full")``).
        "nested": dimensions nested within the clusters are not counted, the
        others as sum of levels - (their number - 1): pyfixest's default
        (``k_fixef="nonnested"``; fixest's ``fixef.K="nested"``).
        "none": K = k (only the regressors).
    small_sample : False switches the finite-sample factor off
        (statsmodels' ``use_correction=False``): CR0 or HC0.
    inner_tol : tolerance of the demeaning: every group's weighted mean of a
        demeaned variable (for "irons-tuck": the change of the fixed-effect
        coefficients per sweep), relative to the variable's largest absolute value.
    demean_method : "cg" (default; conjugate gradients accelerating symmetric
        Gauss–Seidel sweeps, as reghdfe / ppmlhdfe) or "irons-tuck"
        (Gauss–Seidel sweeps with Irons–Tuck extrapolation, as fixest / pyfixest).

    Heteroskedasticity-robust errors (clusters=None) are HC0, which is what
    statsmodels GLM returns for cov_type "HC0" and for "HC1" alike (GLM results
    have no HC1 factor). For an N/(N-K)-type factor pass one cluster per
    observation, ``clusters=np.arange(n)``: CR1 with G = N.
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    n = len(y)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.shape[0] != n:
        raise ValueError("X must have as many rows as y")
    k = X.shape[1]
    names = list(names) if names is not None else [f"x{j}" for j in range(k)]
    if len(names) != k:
        raise ValueError("names must have one entry per column of X")
    if not np.all(np.isfinite(y)) or np.any(y < 0):
        raise ValueError("y must be finite and non-negative")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite")
    if isinstance(fixed_effects, np.ndarray) and fixed_effects.ndim == 1:
        fixed_effects = [fixed_effects]
    if len(fixed_effects) < 1:
        raise ValueError("at least one fixed-effect dimension is needed")
    codes = []
    for d, fe in enumerate(fixed_effects):
        c, _ = _codes(fe, f"fixed_effects[{d}]")
        if len(c) != n:
            raise ValueError(f"fixed_effects[{d}] must have length n")
        codes.append(c)
    wts = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if len(wts) != n or not np.all(np.isfinite(wts)) or np.any(wts <= 0):
        raise ValueError("weights must be finite and positive, one per observation")
    if clusters is not None:
        cl_raw = np.asarray(clusters)
        if len(cl_raw) != n:
            raise ValueError("clusters must have length n")
    if fe_dof not in ("dummies", "nested", "none"):
        raise ValueError("fe_dof must be 'dummies', 'nested' or 'none'")

    # ---- separation by the fixed effects
    kept, dropped_by_dimension = _drop_separated(y, codes, wts)
    n_dropped = int(n - kept.sum())
    if not kept.any():
        raise ValueError("every observation is in an all-zero fixed-effect group")
    ys, Xs, ws = y[kept], X[kept], wts[kept]
    codes = [_codes(c[kept], "fe")[0] for c in codes]
    fe = _FixedEffects(codes)
    N = len(ys)

    # ---- IRLS
    V = np.empty((N, 1 + k))  # [working variable, regressors], reused
    V[:, 1:] = Xs
    mean_y = np.sum(ws * ys) / np.sum(ws)
    floor = 0.1 * mean_y
    mu = (ys + mean_y) / 2.0
    eta = np.log(mu)
    alphas = None
    dev_prev = None
    history: list[float] = []
    converged = False
    beta = np.zeros(k)
    inner_total = 0
    it = 0
    for it in range(1, max_iter + 1):
        w = ws * mu
        z = eta + (ys - mu) / mu
        fe.set_weights(w)
        V[:, 0] = z
        alphas, sweeps = fe.solve(V, alphas, inner_tol, demean_method)
        inner_total += sweeps
        Vt = fe.demean(V, alphas)
        zt, Xt = Vt[:, 0], Vt[:, 1:]
        beta = _wls(Xt, zt, w, names if it == 1 else None)
        eta_new = z - (zt - Xt @ beta)
        mu_new = np.exp(np.minimum(eta_new, 700.0))
        dev = _deviance(ys, mu_new, ws)
        # Step halving if the deviance rises (rarely needed from this start).
        halvings = 0
        while dev_prev is not None and dev > dev_prev * (1 + 1e-12) + 1e-12 and halvings < 30:
            eta_new = (eta + eta_new) / 2.0
            mu_new = np.exp(np.minimum(eta_new, 700.0))
            dev = _deviance(ys, mu_new, ws)
            halvings += 1
        eta, mu = eta_new, mu_new
        history.append(dev)
        if dev_prev is not None and abs(dev - dev_prev) / (floor + abs(dev)) < tol:
            converged = True
            break
        dev_prev = dev

    if not converged:
        change = (
            abs(history[-1] - history[-2]) / (floor + abs(history[-1]))
            if len(history) > 1
            else float("nan")
        )
        warnings.warn(
            f"PPML did not converge in {max_iter} iterations (relative deviance change "
            f"{change:.3g}); separation by the regressors is one cause",
            RuntimeWarning,
            stacklevel=2,
        )

    # Separation that the all-zero-group rule cannot see (by a combination of
    # fixed effects, or by the regressors) drives some means of y = 0
    # observations to zero: flag them (ppmlhdfe's "mu" diagnostic), drop nothing.
    n_near_zero = int(np.sum((ys == 0) & (mu < 1e-9 * mean_y)))
    if n_near_zero:
        warnings.warn(
            f"{n_near_zero} observation(s) with y = 0 have fitted means below 1e-9 times the "
            "mean outcome: they are probably separated (by a combination of fixed effects or "
            "by the regressors); see 'Separation' in asylum_regime.ppml's docstring",
            RuntimeWarning,
            stacklevel=2,
        )

    # ---- covariance at the final means: demean X with the final weights
    w = ws * mu
    fe.set_weights(w)
    ax, sweeps = fe.solve(
        Xs, None if alphas is None else [a[:, 1:] for a in alphas], inner_tol, demean_method
    )
    inner_total += sweeps
    Xt = fe.demean(Xs, ax)
    if fe.unconverged:
        warnings.warn(
            f"the demeaning stopped at its iteration limit {fe.unconverged} time(s) before "
            f"reaching inner_tol={inner_tol:g}; results may be inaccurate",
            RuntimeWarning,
            stacklevel=2,
        )

    bread = _spd_solve(Xt.T @ (Xt * w[:, None]), np.eye(k)) if k else np.zeros((0, 0))
    bread = (bread + bread.T) / 2.0
    scores = Xt * (ws * (ys - mu))[:, None]
    fe_levels = list(fe.sizes)

    if clusters is not None:
        cl, G = _codes(cl_raw[kept], "clusters")
        if G < 2:
            raise ValueError("cluster-robust errors need at least two clusters")
        sums = np.zeros((G, k))
        np.add.at(sums, cl, scores)  # sequential, deterministic
        meat = sums.T @ sums
        vcov_type = "CR1" if small_sample else "CR0"
    else:
        cl, G = None, None
        meat = scores.T @ scores
        vcov_type = "HC0"

    if fe_dof == "dummies":
        k_fe = 1 + sum(g - 1 for g in fe_levels)
    elif fe_dof == "nested":
        counted = [
            g for c, g in zip(codes, fe_levels, strict=True) if cl is None or not _nested(c, cl)
        ]
        # pyfixest's "nonnested": sum of levels of the dimensions not nested in
        # the clusters, minus one per such dimension after the first (plus one
        # when every dimension is nested, as pyfixest counts it).
        k_fe = sum(counted) - (len(counted) - 1)
    else:
        k_fe = 0
    K = k + k_fe
    if clusters is not None and small_sample:
        correction = G / (G - 1.0) * (N - 1.0) / (N - K)
    else:
        correction = 1.0
    cov = bread @ meat @ bread * correction
    cov = (cov + cov.T) / 2.0
    se = np.sqrt(np.diag(cov))
    zstat = beta / se
    p = 2.0 * special.ndtr(-np.abs(zstat))  # = 2 scipy.stats.norm.sf(|z|)
    q = special.ndtri(0.975)  # = scipy.stats.norm.ppf(0.975)
    ci = np.column_stack([beta - q * se, beta + q * se])
    loglik = float(np.sum(ws * (special.xlogy(ys, mu) - mu - special.gammaln(ys + 1.0))))

    mu_full = np.full(n, np.nan)
    mu_full[kept] = mu
    eta_full = np.full(n, np.nan)
    eta_full[kept] = eta
    return PPMLResult(
        coef=beta,
        cov=cov,
        se=se,
        z=zstat,
        p=p,
        ci=ci,
        names=names,
        loglik=loglik,
        deviance=history[-1] if history else float("nan"),
        nobs=N,
        n_dropped=n_dropped,
        dropped_by_dimension=dropped_by_dimension,
        n_near_zero=n_near_zero,
        n_clusters=G,
        iterations=it,
        converged=converged,
        mu=mu_full,
        eta=eta_full,
        kept=kept,
        fe_levels=fe_levels,
        k_correction=K,
        correction=correction,
        vcov_type=vcov_type,
        inner_iterations=inner_total,
        history=history,
    )


def _check_collinear(gram: np.ndarray, names) -> None:
    """Raise if a regressor is (numerically) absorbed by the fixed effects or by the others.

    ``gram`` is X~' W X~ of the demeaned regressors; a column is absorbed by the
    fixed effects when its demeaned norm is ~0 on the scale of the others or of
    machine precision times its size.
    """
    norms = np.sqrt(np.diag(gram))
    absorbed = norms <= 1e-9 * max(norms.max(), np.finfo(float).tiny)
    if absorbed.any():
        bad = [names[j] for j in np.flatnonzero(absorbed)]
        raise ValueError(f"regressor(s) collinear with the fixed effects: {bad}")
    ev = np.linalg.eigvalsh(gram / np.outer(norms, norms))
    if ev[0] <= 1e-12 * ev[-1]:
        raise ValueError("the regressors are collinear (after absorbing the fixed effects)")


# --------------------------------------------------------------------------- tests


def wald_test(result: PPMLResult, R, r=None) -> WaldResult:
    """Wald test of R b = r with the result's (robust) covariance; chi2 with q df.

    R: (q, k) matrix, or a list of regressor names / indices (then each is
    tested = 0, like statsmodels' ``wald_test("a = 0, b = 0", scalar=True)``).
    The statistic uses the pseudo-inverse of R V R' as statsmodels does.
    """
    k = len(result.coef)
    if isinstance(R, (list, tuple)) and all(isinstance(t, (str, int, np.integer)) for t in R):
        rows = np.zeros((len(R), k))
        for i, t in enumerate(R):
            rows[i, result.names.index(t) if isinstance(t, str) else int(t)] = 1.0
        R = rows
    R = np.atleast_2d(np.asarray(R, dtype=np.float64))
    if R.shape[1] != k:
        raise ValueError("R must have one column per coefficient")
    r = np.zeros(R.shape[0]) if r is None else np.asarray(r, dtype=np.float64).ravel()
    diff = R @ result.coef - r
    stat = float(diff @ np.linalg.pinv(R @ result.cov @ R.T) @ diff)
    df = R.shape[0]
    return WaldResult(stat, df, float(special.chdtrc(df, stat)))  # = scipy.stats.chi2.sf
