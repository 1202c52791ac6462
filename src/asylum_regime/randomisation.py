"""Randomisation inference over which units are treated (Fisher's sharp null).

Under the null that the treatment changed no unit's outcome, every assignment of
the same number of treated units among the units was as likely as the one that
happened, so the estimate under the actual assignment is compared with the
estimates under reassigned ones. It needs no asymptotics in the number of
treated clusters, which is the weakness of cluster-robust errors with few
treated clusters (Conley and Taber 2011; MacKinnon and Webb 2020).

``reassignment_p_value`` is estimator-agnostic: it takes the units, the treated
ones and a ``statistic`` that refits the model for any treated set. When the
assignments are few it enumerates all of them (an exact p-value); otherwise it
draws ``draws`` assignments at random (p = (1 + #{|T*| >= |T|}) / (1 + draws)).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["reassignment_p_value"]


def reassignment_p_value(
    units: Sequence,
    treated: Sequence,
    statistic: Callable[[frozenset], float],
    draws: int,
    seed: int,
) -> dict:
    """Two-sided randomisation p-value of ``statistic`` over reassignments of the
    treated units.

    ``units``: every unit that could have been treated; ``treated``: those that
    were; ``statistic(treated_set)``: the estimate when ``treated_set`` is treated
    (a refit). With at most ``draws`` distinct assignments all are enumerated and
    p is the share of them (the actual one included) whose |statistic| is at least
    the actual one's; otherwise ``draws`` assignments are drawn without replacement
    of units (with replacement of assignments) from ``seed``, and the actual one is
    counted once more, so p cannot fall below 1 / (draws + 1).
    """
    units = sorted(units)
    actual = frozenset(treated)
    if not actual <= set(units):
        raise ValueError(f"treated units not among the units: {sorted(actual - set(units))}")
    if not 0 < len(actual) < len(units):
        raise ValueError("need at least one treated and one untreated unit")
    if draws < 1:
        raise ValueError(f"draws must be a positive integer, not {draws!r}")
    observed = float(statistic(actual))
    assignments = math.comb(len(units), len(actual))
    tolerance = 1e-9 * max(1.0, abs(observed))  # a refit of the same assignment ties
    if assignments <= draws:
        estimates = np.array(
            [statistic(frozenset(subset)) for subset in itertools.combinations(units, len(actual))]
        )
        as_large = int(np.sum(np.abs(estimates) >= abs(observed) - tolerance))
        p_value, method = as_large / assignments, "exact"
        n = assignments
    else:
        rng = np.random.default_rng(seed)
        estimates = np.array(
            [
                statistic(frozenset(rng.choice(units, size=len(actual), replace=False).tolist()))
                for _ in range(draws)
            ]
        )
        as_large = int(np.sum(np.abs(estimates) >= abs(observed) - tolerance))
        p_value, method = (1 + as_large) / (1 + draws), "sampled"
        n = draws
    return {
        "statistic": observed,
        "p_value": p_value,
        "method": method,
        "reassignments": n,
        "possible_assignments": assignments,
        "as_large": as_large,
        "smallest_attainable_p": 1 / assignments if method == "exact" else 1 / (1 + draws),
        "seed": seed,
        "estimates": estimates,
    }
