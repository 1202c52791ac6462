"""De jure against de facto: OLS of the practice index on the legislative index and a
trend, HAC errors; descriptive, with the number of years stated."""

from __future__ import annotations

import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from asylum_regime.estimates import coefficient_table


def fit_dejure(indices: pd.DataFrame, hac_lags: int) -> dict:
    """Practice on legislation and a trend, over the years in which practice is defined."""
    sample = indices.dropna(subset=["legislative", "practice"]).reset_index(drop=True)
    sample = sample.assign(trend=sample["year"] - sample["year"].min())
    result = smf.ols("practice ~ legislative + trend", sample).fit(
        cov_type="HAC", cov_kwds={"maxlags": hac_lags, "use_correction": True}, use_t=True
    )
    correlation = stats.pearsonr(sample["legislative"], sample["practice"])
    return {
        "model": "de jure against de facto (OLS, descriptive)",
        "specification": {
            "formula": "practice ~ legislative + trend",
            "covariance": f"HAC (Newey–West), {hac_lags} lag(s), small-sample t",
        },
        "sample": {
            "first_year": int(sample["year"].min()),
            "last_year": int(sample["year"].max()),
            "years": len(sample),
        },
        "estimates": coefficient_table(result, ["legislative", "trend"], exponentiate=False),
        "fit": {"n": int(result.nobs), "r_squared": float(result.rsquared)},
        "correlation": {
            "pearson_r": float(correlation.statistic),
            "p_value": float(correlation.pvalue),
        },
        "ranges": {
            name: float(sample[name].max() - sample[name].min())
            for name in ("legislative", "practice")
        },
    }
