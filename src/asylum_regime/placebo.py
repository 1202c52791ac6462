"""The placebo p-value of a real estimate among placebo estimates (fake break dates)."""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["placebo_p_value"]


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
