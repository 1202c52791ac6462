"""Asymptotic p-values and critical values of the sup-Wald (QLR) break test.

Hansen's (1997) approximation of the p-value of Andrews' (1993) sup-Wald
statistic for one break at an unknown date, and Andrews' critical values at 15%
trimming; ``asylum_regime.breaks`` reports both beside its bootstrap p-value.
"""

from __future__ import annotations

from scipy import stats

__all__ = [
    "ANDREWS_QLR_CRITICAL_VALUES",
    "HANSEN_1997_SUPF",
    "andrews_critical_values",
    "hansen_pvalue",
]


# Hansen (1997), "Approximate asymptotic p values for structural-change tests",
# JBES 15(1), 60-67, Table 2 (SupF / sup-Wald, Wald statistic in chi-square
# form, i.e. NOT divided by the number of tested parameters m):
#     p(x) = 1 - G_eta(c + m_slope * x),  G_eta = chi-square cdf with eta d.f.,
#     p = 1 when c + m_slope * x <= 0.
# Keyed by m (number of parameters tested) -> trimming pi0 -> (c, m_slope, eta).
#
# Where the numbers were read (not from the paper itself):
#   * pi0 = 0.15, m = 1..20, 25, 30, 35, 40: Mark W. Watson's GAUSS procedure
#     pval_qlr.prc ("mww, 1/27/97", "Pvalue is computed using the approximation
#     in Hansen ... JBES ... pages 60-67"), which hard-codes exactly this column
#     and evaluates cdfchic(c + m_slope * x, eta).
#   * all five trimmings for m = 1..10: a Python transcription of Hansen's
#     Table 2 ("transcribed from the rendered page 64") in a public repository
#     (qlrtst). Its pi0 = 0.15 column agrees digit for digit with Watson's.
#   * m = 1 row at all five trimmings: a third, independent Python file
#     (cusum_supf_test) that quotes the same row.
#   The m = 1, 2 rows at every trimming are checked against a simulation of the
#   limiting distribution (the sup of a squared tied-down Bessel process) in
#   tests/test_breaks.py (test_hansen_pvalues_match_the_simulated_limit), and the
#   pi0 = 0.15 column against Andrews' critical values below.
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
