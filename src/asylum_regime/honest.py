"""Sensitivity of an event study to violations of parallel trends (Rambachan and Roth 2023).

Standalone (numpy, scipy, pandas). Reference: Rambachan, A. and Roth, J.
(2023), "A More Credible Approach to Parallel Trends", Review of Economic
Studies 90(5), 2555-2591; and their R package HonestDiD
(github:asheshrambachan/HonestDiD, read at commit 6813f02: R/deltarm.R,
R/deltasd.R, R/flci.R), whose constraint matrices and FLCI construction are
mirrored here. tests/test_honest.py checks them against the R package's output
on its BCdata example and the FLCI its README prints for the Medicaid example.

No kept Python library does this job faithfully (December 2026): ``honestdid``
0.1.1 (PyPI), a port of the R package, needs PyTorch and CVXPY (PyPI's PyTorch
for Linux brings several gigabytes of CUDA libraries); ``diff-diff`` 3.13
computes the same identified sets and smoothness FLCI (within 2e-5), but its
Delta^RM interval is the identified set widened by the error of l' beta_post
alone (its ARP interval is switched off, "pending calibration"), narrower than
R's and than the one here.

Setup. ``beta`` stacks the event-study coefficients of the ``n_pre``
pre-periods t = -n_pre..-1 and the ``n_post`` post-periods t = 1..n_post, the
reference period t = 0 omitted (its coefficient is 0). beta = tau + delta with
tau_pre = 0: delta is the difference in trends (the violation of parallel
trends), tau the dynamic effects. The target is theta = l' tau_post (default:
the average of the post coefficients). Given a set Delta of allowed delta,

    identified set S(Delta) = { l' beta_post - l' delta_post :
                                delta in Delta, delta_pre = beta_pre }.

Restrictions (delta_0 = 0 throughout):

* relative magnitudes, Delta^RM(Mbar): for every post-period t >= 1,
  |delta_t - delta_{t-1}| <= Mbar * max_{s <= 0} |delta_s - delta_{s-1}|
  (the largest pre-period change between consecutive periods, including the
  step into the reference period). Mbar = 0 is exact parallel trends after
  treatment.
* smoothness, Delta^SD(M): |(delta_{t+1} - delta_t) - (delta_t - delta_{t-1})|
  <= M for every t. M = 0: delta exactly linear, i.e. linear extrapolation of
  the pre-trend.

Both bounds of S are linear programs (scipy.optimize.linprog, HiGHS). For
Delta^RM the set is the union over the pre-period s that attains the max and
its sign, as in HonestDiD's .compute_IDset_DeltaRM.

Confidence intervals (95% by default):

* ``flci_sd``: the fixed-length confidence interval (FLCI) of Rambachan and
  Roth (Section 4.2; Armstrong and Kolesar) for Delta^SD(M): an affine
  estimator v' beta_hat with v_post = l and pre weights chosen to minimise
  the half-length h * cv_alpha(max_bias / h), cv_alpha(b) the 1 - alpha
  quantile of |N(b, 1)|. Same optimisation as HonestDiD's findOptimalFLCI
  (there with CVXR; here with SLSQP for the inner convex problem and a 1-d
  search over the standard deviation h). Checked against the R package's
  output (test_honest.py).
* ``conservative_ci``: for either restriction, the identified-set bounds
  widened by z_{1-alpha/2} times the delta-method standard error of the
  linear combination of beta that each bound is at the estimate (gradient
  from the LP duals). For Delta^RM the interval is the union over every
  pre-period s (not only the estimated argmax) of these intervals, which
  keeps it valid when two pre-period changes are close. It covers the whole
  identified set with probability >= 1 - alpha asymptotically, hence theta
  too, so it is conservative. It is NOT the conditional / hybrid (ARP)
  interval that HonestDiD uses by default for Delta^RM, which is sharper but
  needs a grid of theta values with a conditional test at each, for each s and
  sign; on the R package's BCdata example the interval here contains R's and is
  7-17% longer (test_honest.py).
* ``breakdown_value``: the smallest Mbar (or M) at which the robust interval
  contains 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = [
    "FLCI",
    "IdentifiedSet",
    "breakdown_value",
    "conservative_ci",
    "default_l",
    "flci_sd",
    "folded_normal_quantile",
    "identified_set",
    "identified_set_rm",
    "identified_set_sd",
    "original_ci",
    "robust_ci",
    "sd_worst_case_bias",
    "sensitivity",
]


# --------------------------------------------------------------------------- helpers


def default_l(n_post: int) -> np.ndarray:
    """The average of the post-period effects."""
    return np.full(n_post, 1.0 / n_post)


def _check(beta, sigma, n_pre, n_post, l):
    beta = np.asarray(beta, dtype=float).ravel()
    if n_pre < 1 or n_post < 1 or len(beta) != n_pre + n_post:
        raise ValueError(
            f"beta has {len(beta)} entries, expected n_pre + n_post = {n_pre + n_post}"
        )
    if sigma is not None:
        sigma = np.asarray(sigma, dtype=float)
        if sigma.shape != (len(beta), len(beta)):
            raise ValueError("sigma must be square with the length of beta")
        sigma = (sigma + sigma.T) / 2.0
    l = default_l(n_post) if l is None else np.asarray(l, dtype=float).ravel()
    if len(l) != n_post:
        raise ValueError(f"l must have n_post = {n_post} entries")
    return beta, sigma, l


def original_ci(beta, sigma, n_pre, n_post, l=None, alpha=0.05) -> tuple[float, float]:
    """The usual interval for l' beta_post (exact parallel trends)."""
    beta, sigma, l = _check(beta, sigma, n_pre, n_post, l)
    est = float(l @ beta[n_pre:])
    se = math.sqrt(float(l @ sigma[n_pre:, n_pre:] @ l))
    z = stats.norm.isf(alpha / 2)
    return est - z * se, est + z * se


def folded_normal_quantile(p: float, mean: float) -> float:
    """The p-quantile of |N(mean, 1)|: c with Phi(c - mean) - Phi(-c - mean) = p.

    HonestDiD (.qfoldednormal) approximates it with 10^6 simulated draws; here
    it is solved exactly.
    """
    b = abs(float(mean))

    def coverage(c):
        return stats.norm.cdf(c - b) - stats.norm.cdf(-c - b) - p

    hi = b + stats.norm.isf((1 - p) / 2) + 1.0
    return float(optimize.brentq(coverage, 0.0, hi, xtol=1e-14))


# --------------------------------------------------------------------------- constraints


def _second_difference_rows(n_pre: int, n_post: int, post_only: bool) -> np.ndarray:
    """Rows of (delta_{t-1} - 2 delta_t + delta_{t+1}), t = -n_pre+1..n_post-1, delta_0 dropped.

    As HonestDiD's .create_A_SD (before stacking with its negative); with
    ``post_only`` the rows that involve no post-period are left out.
    """
    width = n_pre + n_post + 1  # with t = 0
    rows = np.zeros((n_pre + n_post - 1, width))
    for r in range(n_pre + n_post - 1):
        rows[r, r : r + 3] = (1.0, -2.0, 1.0)
    rows = np.delete(rows, n_pre, axis=1)
    if post_only:
        rows = rows[np.any(rows[:, n_pre:] != 0, axis=1)]
    return rows


def _rm_rows(n_pre: int, n_post: int, mbar: float, s: int, positive: bool, post_only: bool):
    """A with A delta <= 0 iff delta in Delta^RM_{s,sign}(Mbar), as HonestDiD's .create_A_RM.

    |delta_r - delta_{r-1}| <= (delta_s - delta_{s-1}) * sign for pre-period
    changes (those ending at r <= 0) and <= Mbar * (...) for post-period ones.
    s in {-(n_pre-1), ..., 0}.
    """
    width = n_pre + n_post + 1
    first_diff = np.zeros((n_pre + n_post, width))
    for r in range(n_pre + n_post):
        first_diff[r, r : r + 2] = (-1.0, 1.0)
    v = np.zeros(width)
    v[n_pre + s - 1 : n_pre + s + 1] = (-1.0, 1.0)  # delta_s - delta_{s-1}
    if not positive:
        v = -v
    bound = np.vstack([np.tile(v, (n_pre, 1)), np.tile(mbar * v, (n_post, 1))])
    A = np.vstack([first_diff - bound, -first_diff - bound])
    A = A[np.sum(A * A, axis=1) > 1e-10]
    A = np.delete(A, n_pre, axis=1)
    if post_only:
        A = A[np.any(A[:, n_pre:] != 0, axis=1)]
    return A


def _lp_range(l, A_ub, b_ub, beta_pre, n_pre, n_post):
    """min and max of l' delta_post over {A_ub delta <= b_ub, delta_pre = beta_pre}.

    Returns (min, max, grad_min, grad_max): the gradients of the optimal
    values with respect to beta_pre, from the duals of the equality
    constraints (HiGHS eqlin.marginals). None where the LP is infeasible.
    """
    k = n_pre + n_post
    c = np.r_[np.zeros(n_pre), l]
    A_eq = np.hstack([np.eye(n_pre), np.zeros((n_pre, n_post))])
    out = []
    for sign in (1.0, -1.0):
        res = optimize.linprog(
            sign * c,
            A_ub=A_ub,
            b_ub=b_ub,
            A_eq=A_eq,
            b_eq=beta_pre,
            bounds=[(None, None)] * k,
            method="highs",
        )
        if res.status == 0:
            out.append((sign * res.fun, sign * np.asarray(res.eqlin.marginals)))
        elif res.status == 2:  # infeasible
            out.append((None, None))
        else:
            raise RuntimeError(f"linprog failed: {res.message}")
    (lo, g_lo), (hi, g_hi) = out
    return lo, hi, g_lo, g_hi


@dataclass
class IdentifiedSet:
    """Bounds [lb, ub] of theta = l' tau_post under a restriction.

    ``grad_lb`` / ``grad_ub``: gradients of the bounds with respect to the
    whole beta at the estimate (for the delta method). ``feasible`` is False
    when no delta in Delta matches beta_pre (then lb = ub = nan).
    """

    lb: float
    ub: float
    restriction: str
    M: float
    l: np.ndarray
    feasible: bool = True
    grad_lb: np.ndarray | None = None
    grad_ub: np.ndarray | None = None
    details: dict = field(default_factory=dict)

    @property
    def width(self) -> float:
        return self.ub - self.lb


def identified_set_sd(beta, n_pre, n_post, M, l=None) -> IdentifiedSet:
    """Identified set under Delta^SD(M).

    Only the smoothness rows that involve a post-period bind once delta_pre =
    beta_pre is fixed; the pre-period-only rows restrict beta_pre alone. With
    an estimated beta_pre they may fail (e.g. M = 0 and a non-linear pre-trend),
    in which case HonestDiD's population function returns an empty set; here
    the set is computed from the post-period rows and ``details
    ['pre_consistent']`` records whether beta_pre itself satisfies Delta^SD(M).
    """
    if M < 0:
        raise ValueError("M must be >= 0")
    beta, _, l = _check(beta, None, n_pre, n_post, l)
    rows = _second_difference_rows(n_pre, n_post, post_only=True)
    A = np.vstack([rows, -rows])
    b = np.full(len(A), float(M))
    lo, hi, g_lo, g_hi = _lp_range(l, A, b, beta[:n_pre], n_pre, n_post)
    est = float(l @ beta[n_pre:])
    pre_rows = _second_difference_rows(n_pre, n_post, post_only=False)[: max(n_pre - 1, 0)]
    pre_consistent = (
        bool(np.all(np.abs(pre_rows[:, :n_pre] @ beta[:n_pre]) <= M + 1e-12))
        if len(pre_rows)
        else True
    )
    return IdentifiedSet(
        lb=est - hi,
        ub=est - lo,
        restriction="SD",
        M=float(M),
        l=l,
        grad_lb=np.r_[-g_hi, l],
        grad_ub=np.r_[-g_lo, l],
        details={"pre_consistent": pre_consistent},
    )


def _pre_changes(beta, n_pre):
    """delta_s - delta_{s-1} for s = -(n_pre-1)..0 (delta_0 = 0), as beta differences."""
    pre = np.r_[beta[:n_pre], 0.0]
    return np.diff(pre)


def identified_set_rm(beta, n_pre, n_post, Mbar, l=None) -> IdentifiedSet:
    """Identified set under Delta^RM(Mbar): union over (s, sign) of the LP bounds.

    Each (s, sign) polyhedron includes the pre-period rows, so only the s that
    attains the largest pre-period change (and its sign) is feasible, as in
    HonestDiD's .compute_IDset_DeltaRM.
    """
    if Mbar < 0:
        raise ValueError("Mbar must be >= 0")
    beta, _, l = _check(beta, None, n_pre, n_post, l)
    est = float(l @ beta[n_pre:])
    best_lb, best_ub = (math.inf, None, None), (-math.inf, None, None)
    for s in range(-(n_pre - 1), 1):
        for positive in (True, False):
            A = _rm_rows(n_pre, n_post, Mbar, s, positive, post_only=False)
            lo, hi, g_lo, g_hi = _lp_range(l, A, np.zeros(len(A)), beta[:n_pre], n_pre, n_post)
            if lo is None or hi is None:
                continue
            if est - hi < best_lb[0]:
                best_lb = (est - hi, np.r_[-g_hi, l], (s, positive))
            if est - lo > best_ub[0]:
                best_ub = (est - lo, np.r_[-g_lo, l], (s, positive))
    if best_ub[1] is None:  # cannot happen: the argmax s is always feasible
        return IdentifiedSet(math.nan, math.nan, "RM", float(Mbar), l, feasible=False)
    changes = _pre_changes(beta, n_pre)
    return IdentifiedSet(
        lb=best_lb[0],
        ub=best_ub[0],
        restriction="RM",
        M=float(Mbar),
        l=l,
        grad_lb=best_lb[1],
        grad_ub=best_ub[1],
        details={
            "argmax_s": best_ub[2][0],
            "max_pre_change": float(np.max(np.abs(changes))),
        },
    )


def identified_set(beta, n_pre, n_post, restriction: str, M: float, l=None) -> IdentifiedSet:
    """Dispatch: restriction 'RM' (relative magnitudes, M = Mbar) or 'SD' (smoothness)."""
    r = restriction.upper()
    if r == "RM":
        return identified_set_rm(beta, n_pre, n_post, M, l)
    if r == "SD":
        return identified_set_sd(beta, n_pre, n_post, M, l)
    raise ValueError("restriction must be 'RM' or 'SD'")


# --------------------------------------------------------------------------- conservative CI


def conservative_ci(beta, sigma, n_pre, n_post, restriction: str, M: float, l=None, alpha=0.05):
    """Identified-set bounds widened by z_{1-alpha/2} x delta-method SE of each bound.

    Returns (lb, ub, details). For Delta^RM the bounds and gradients come from
    each pre-period s with the post-period rows only (|delta_t - delta_{t-1}|
    <= Mbar * sign_s * (delta_s - delta_{s-1}), sign_s the sign of the
    estimated change) and the interval is the union over s: a valid (if
    conservative) answer to the non-differentiability of the max. For Delta^SD
    the bounds are linear in beta, so the delta method is exact.
    """
    beta, sigma, l = _check(beta, sigma, n_pre, n_post, l)
    z = stats.norm.isf(alpha / 2)

    def se(g):
        return math.sqrt(max(float(g @ sigma @ g), 0.0))

    r = restriction.upper()
    if r == "SD":
        ids = identified_set_sd(beta, n_pre, n_post, M, l)
        lb, ub = ids.lb - z * se(ids.grad_lb), ids.ub + z * se(ids.grad_ub)
        return lb, ub, {"identified_set": (ids.lb, ids.ub), "pieces": None}
    if r != "RM":
        raise ValueError("restriction must be 'RM' or 'SD'")
    est = float(l @ beta[n_pre:])
    changes = _pre_changes(beta, n_pre)
    pieces = []
    for i, s in enumerate(range(-(n_pre - 1), 1)):
        positive = bool(changes[i] >= 0)
        A = _rm_rows(n_pre, n_post, M, s, positive, post_only=True)
        lo, hi, g_lo, g_hi = _lp_range(l, A, np.zeros(len(A)), beta[:n_pre], n_pre, n_post)
        if lo is None or hi is None:
            continue
        g_lb, g_ub = np.r_[-g_hi, l], np.r_[-g_lo, l]
        pieces.append(
            {
                "s": s,
                "lb": est - hi,
                "ub": est - lo,
                "ci_lb": est - hi - z * se(g_lb),
                "ci_ub": est - lo + z * se(g_ub),
            }
        )
    # the identified set is the hull of the pieces: the argmax s gives both bounds
    return (
        min(p["ci_lb"] for p in pieces),
        max(p["ci_ub"] for p in pieces),
        {
            "identified_set": (min(p["lb"] for p in pieces), max(p["ub"] for p in pieces)),
            "pieces": pieces,
        },
    )


# --------------------------------------------------------------------------- FLCI (Delta^SD)


def _w_to_pre_weights(w: np.ndarray) -> np.ndarray:
    """HonestDiD's .wToLFn: pre-period weights v_1 = w_1, v_k = w_k - w_{k-1}."""
    return np.diff(np.r_[0.0, w])


def sd_worst_case_bias(v_pre, l, M: float = 1.0) -> float:
    """Worst-case bias of v_pre' beta_pre + l' beta_post for theta over Delta^SD(M), closed form.

    HonestDiD's .createObjectiveObjectForBias: with w = cumsum(v_pre), finite
    only if sum(w) = c := sum_t t l_t (the estimator is invariant to linear
    trends);
        bias = M * ( sum_{s=1..Tbar} |sum_{j=1..s} j l_{Tbar-s+j}| - |c|
                     + sum_{k=1..T} |sum_{j<=k} w_j| ).
    HonestDiD writes "- c" where this has "- |c|": the two agree when c >= 0
    (e.g. l = an average or a basis vector) but for c < 0 (e.g. l = (1, -1))
    R's objective exceeds the true worst-case bias by 2 M |c| (the last
    cumulative sum equals c, so its |c| no longer cancels). The LP check
    (sd_worst_case_bias_lp, test_honest.py) confirms the |c| form.
    """
    v_pre = np.asarray(v_pre, dtype=float)
    l = np.asarray(l, dtype=float)
    n_post = len(l)
    t = np.arange(1, n_post + 1)
    w = np.cumsum(v_pre)
    if abs(w.sum() - t @ l) > 1e-8 * max(1.0, abs(t @ l)):
        return math.inf
    const = sum(abs(np.arange(1, s + 1) @ l[n_post - s :]) for s in range(1, n_post + 1)) - abs(
        t @ l
    )
    return float(M * (const + np.abs(np.cumsum(w)).sum()))


def sd_worst_case_bias_lp(v_pre, l, M: float) -> float:
    """The same worst-case bias by linear programming over Delta^SD(M) (a check)."""
    v_pre = np.asarray(v_pre, dtype=float)
    l = np.asarray(l, dtype=float)
    n_pre, n_post = len(v_pre), len(l)
    rows = _second_difference_rows(n_pre, n_post, post_only=False)
    A = np.vstack([rows, -rows])
    b = np.full(len(A), float(M))
    res = optimize.linprog(
        -np.r_[v_pre, l], A_ub=A, b_ub=b, bounds=[(None, None)] * (n_pre + n_post), method="highs"
    )
    if res.status == 3:
        return math.inf
    return float(-res.fun)


@dataclass
class FLCI:
    """Fixed-length confidence interval for theta under Delta^SD(M)."""

    lb: float
    ub: float
    center: float
    half_length: float
    sd: float
    max_bias: float
    v: np.ndarray
    M: float
    alpha: float
    status: str = "optimal"


def flci_sd(beta, sigma, n_pre, n_post, M, l=None, alpha=0.05, n_grid: int = 17) -> FLCI:
    """Optimal FLCI for theta = l' tau_post under Delta^SD(M) (HonestDiD's findOptimalFLCI).

    For each standard deviation h in [h_min, h_0] the worst-case bias is
    minimised over the pre-period weights subject to sd <= h (SLSQP on the
    convex problem in (w, U), U_k >= |cumsum(w)_k|); the half-length
    h * cv_alpha(M * bias(h) / h) is then minimised over h (grid, then bounded
    Brent around the best grid point). h_0 is the sd of the linear
    extrapolation from the last pre-period (the minimum-bias estimator), h_min
    the smallest sd of a trend-invariant estimator.
    """
    if M < 0:
        raise ValueError("M must be >= 0")
    beta, sigma, l = _check(beta, sigma, n_pre, n_post, l)
    T = n_pre
    t = np.arange(1, n_post + 1)
    c = float(t @ l)
    S_pre = sigma[:T, :T]
    S_cross = sigma[:T, T:] @ l
    s_post = float(l @ sigma[T:, T:] @ l)
    D = np.eye(T) - np.eye(T, k=-1)  # v_pre = D w
    Q = D.T @ S_pre @ D
    q = 2.0 * D.T @ S_cross

    def var(w):
        return float(w @ Q @ w + q @ w + s_post)

    w0 = np.r_[np.zeros(T - 1), c]
    # h_min: min var(w) s.t. sum(w) = c  (KKT system)
    kkt = np.block([[2 * Q, np.ones((T, 1))], [np.ones((1, T)), np.zeros((1, 1))]])
    sol = np.linalg.lstsq(kkt, np.r_[-q, c], rcond=None)[0]
    w_min = sol[:T]
    h0, h_min = math.sqrt(max(var(w0), 0.0)), math.sqrt(max(var(w_min), 0.0))
    const = sd_worst_case_bias(_w_to_pre_weights(w0), l, 1.0) - float(np.abs(np.cumsum(w0)).sum())

    def bias_unit(w):  # worst-case bias for M = 1
        return const + float(np.abs(np.cumsum(w)).sum())

    L = np.tril(np.ones((T, T)))

    def min_bias_given_h(h):
        """min bias_unit(w) s.t. sum w = c, var(w) <= h^2: returns (bias, w)."""
        if h >= h0 - 1e-12:
            return bias_unit(w0), w0
        if h <= h_min + 1e-12:
            return bias_unit(w_min), w_min
        # feasible start on the segment w_min -> w0 (var is convex along it)
        a, b = 0.0, 1.0
        for _ in range(60):
            mid = (a + b) / 2
            if var(w_min + mid * (w0 - w_min)) <= h * h:
                a = mid
            else:
                b = mid
        w_start = w_min + a * (w0 - w_min)
        x0 = np.r_[w_start, np.abs(L @ w_start) + 1e-9]
        cons = [
            {
                "type": "eq",
                "fun": lambda x: np.array([x[:T].sum() - c]),
                "jac": lambda x: np.r_[np.ones(T), np.zeros(T)][None, :],
            },
            {
                "type": "ineq",
                "fun": lambda x: x[T:] - L @ x[:T],
                "jac": lambda x: np.hstack([-L, np.eye(T)]),
            },
            {
                "type": "ineq",
                "fun": lambda x: x[T:] + L @ x[:T],
                "jac": lambda x: np.hstack([L, np.eye(T)]),
            },
            {
                "type": "ineq",
                "fun": lambda x: np.array([h * h - var(x[:T])]),
                "jac": lambda x: np.r_[-(2 * Q @ x[:T] + q), np.zeros(T)][None, :],
            },
        ]
        res = optimize.minimize(
            lambda x: x[T:].sum(),
            x0,
            jac=lambda x: np.r_[np.zeros(T), np.ones(T)],
            constraints=cons,
            method="SLSQP",
            options={"ftol": 1e-13, "maxiter": 1000},
        )
        w = res.x[:T]
        # project onto sum(w) = c exactly; report the bias of the weights actually used
        w = w + (c - w.sum()) / T
        return bias_unit(w), w

    def half_length(h):
        b, w = min_bias_given_h(h)
        sd = math.sqrt(max(var(w), 0.0))
        return sd * folded_normal_quantile(1 - alpha, M * b / sd) if sd > 0 else math.inf, w

    if M == 0 or h0 - h_min < 1e-12 * max(h0, 1e-300):
        w_star = w_min if M == 0 else w0
    else:
        grid = np.linspace(h_min, h0, n_grid)
        values = [half_length(h)[0] for h in grid]
        i = int(np.argmin(values))
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, n_grid - 1)]
        res = optimize.minimize_scalar(
            lambda h: half_length(h)[0],
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-10 * max(h0, 1e-300)},
        )
        h_star = res.x if res.fun <= values[i] else grid[i]
        w_star = half_length(h_star)[1]
    v_pre = _w_to_pre_weights(w_star)
    v = np.r_[v_pre, l]
    sd = math.sqrt(max(var(w_star), 0.0))
    max_bias = M * bias_unit(w_star)
    chi = sd * folded_normal_quantile(1 - alpha, max_bias / sd)
    center = float(v @ beta)
    return FLCI(
        lb=center - chi,
        ub=center + chi,
        center=center,
        half_length=chi,
        sd=sd,
        max_bias=max_bias,
        v=v,
        M=float(M),
        alpha=alpha,
    )


# --------------------------------------------------------------------------- sensitivity


def robust_ci(beta, sigma, n_pre, n_post, restriction, M, l=None, alpha=0.05, method=None):
    """Robust interval: 'flci' (default for SD) or 'conservative' (default, only one for RM)."""
    r = restriction.upper()
    method = method or ("flci" if r == "SD" else "conservative")
    if method == "flci":
        if r != "SD":
            raise ValueError("the FLCI is implemented for the smoothness restriction (SD) only")
        f = flci_sd(beta, sigma, n_pre, n_post, M, l, alpha)
        return f.lb, f.ub
    if method == "conservative":
        lb, ub, _ = conservative_ci(beta, sigma, n_pre, n_post, r, M, l, alpha)
        return lb, ub
    raise ValueError("method must be 'flci' or 'conservative'")


def sensitivity(beta, sigma, n_pre, n_post, restriction, Ms, l=None, alpha=0.05, method=None):
    """One row per M (or Mbar): identified set and robust interval."""
    rows = []
    r = restriction.upper()
    method = method or ("flci" if r == "SD" else "conservative")
    for M in Ms:
        ids = identified_set(beta, n_pre, n_post, r, M, l)
        lb, ub = robust_ci(beta, sigma, n_pre, n_post, r, M, l, alpha, method)
        rows.append(
            {
                "restriction": r,
                "M": float(M),
                "id_lb": ids.lb,
                "id_ub": ids.ub,
                "ci_lb": lb,
                "ci_ub": ub,
                "method": method,
                "pre_consistent": ids.details.get("pre_consistent", True),
            }
        )
    return pd.DataFrame(rows)


def breakdown_value(
    beta,
    sigma,
    n_pre,
    n_post,
    restriction,
    l=None,
    alpha=0.05,
    method=None,
    M_max: float | None = None,
    rtol: float = 1e-4,
) -> dict:
    """Smallest Mbar (RM) or M (SD) at which the robust interval contains 0.

    0.0 when the interval already contains 0 under exact parallel trends
    (M = 0): the conclusion is not significant to begin with. Search: a
    doubling scan from a scale (1 for Mbar; the SE of l' beta_post for M) up to
    ``M_max``, a 20-point grid below the first M whose interval contains 0,
    then bisection to ``rtol``. Assumes that once 0 is in the interval it stays
    in (the identified set grows with M; the intervals are built to widen).
    inf if 0 is still excluded at M_max.
    """
    beta, sigma, l = _check(beta, sigma, n_pre, n_post, l)
    r = restriction.upper()

    def contains_zero(M):
        lb, ub = robust_ci(beta, sigma, n_pre, n_post, r, M, l, alpha, method)
        return lb <= 0.0 <= ub

    if contains_zero(0.0):
        return {"value": 0.0, "significant_at_zero": False, "restriction": r}
    scale = 1.0 if r == "RM" else math.sqrt(float(l @ sigma[n_pre:, n_pre:] @ l))
    M_max = M_max if M_max is not None else scale * 2.0**20
    hi = scale / 8
    while not contains_zero(hi):
        if hi >= M_max:
            return {
                "value": math.inf,
                "significant_at_zero": True,
                "restriction": r,
                "searched_up_to": hi,
            }
        hi = min(hi * 2, M_max)
    grid = np.linspace(0.0, hi, 21)
    lo = 0.0
    for M in grid[1:]:
        if contains_zero(M):
            hi = M
            break
        lo = M
    while hi - lo > rtol * max(hi, 1e-12):
        mid = (lo + hi) / 2
        if contains_zero(mid):
            hi = mid
        else:
            lo = mid
    return {"value": hi, "significant_at_zero": True, "restriction": r, "bracket": (lo, hi)}
