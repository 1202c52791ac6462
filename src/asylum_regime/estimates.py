"""Coefficient tables and month arithmetic shared by the models."""

from __future__ import annotations

import numpy as np
import pandas as pd


def month_start(value: str) -> pd.Timestamp:
    """'2016-04' or '2016-04-01' as the first day of that month."""
    return pd.Timestamp(str(value)[:7] + "-01")


def months_between(start: pd.Timestamp, months: pd.Series) -> pd.Series:
    return (months.dt.year - start.year) * 12 + (months.dt.month - start.month)


def coefficient_table(result, terms: list[str], exponentiate: bool) -> list[dict]:
    """Estimate, SE, z/t, p and 95% interval of ``terms``; ratios too when ``exponentiate``."""
    interval = result.conf_int(alpha=0.05)
    rows = []
    for term in terms:
        estimate, low, high = (
            float(result.params[term]),
            float(interval.loc[term, 0]),
            float(interval.loc[term, 1]),
        )
        row = {
            "term": term,
            "estimate": estimate,
            "std_error": float(result.bse[term]),
            "statistic": float(result.tvalues[term]),
            "p_value": float(result.pvalues[term]),
            "ci_low": low,
            "ci_high": high,
        }
        if exponentiate:
            row |= {"ratio": np.exp(estimate), "ratio_low": np.exp(low), "ratio_high": np.exp(high)}
        rows.append(row)
    return rows
