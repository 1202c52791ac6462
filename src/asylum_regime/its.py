"""Interrupted time series (ITS) of monthly sea crossings (statsmodels).

Monthly Eastern Mediterranean sea detections, negative binomial (NB2, the
dispersion estimated by maximum likelihood) with a linear trend in years,
month-of-year effects, a level and a slope change at the EU–Turkey Statement
and further dated events (a ``level`` step or a ``pulse`` over a window).
Poisson and OLS on log(1 + y) with the same terms are the checks. Standard
errors are Newey–West (HAC) with a configured lag. ``fit_its`` returns plain
dictionaries (estimates, standard errors, intervals, fit statistics, sample,
specification) ready for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from asylum_regime.estimates import coefficient_table, month_start, months_between


@dataclass(frozen=True)
class Event:
    """A dated event entering the ITS: a ``level`` step from ``start`` or a ``pulse``."""

    name: str
    start: str
    kind: str = "level"
    end: str | None = None

    def column(self, months: pd.Series) -> pd.Series:
        start = month_start(self.start)
        if self.kind == "level":
            return (months >= start).astype(int)
        if self.kind == "pulse":
            end = month_start(self.end or self.start)
            return ((months >= start) & (months <= end)).astype(int)
        raise ValueError(f"event {self.name}: kind must be 'level' or 'pulse', not {self.kind!r}")


def its_design(
    monthly: pd.DataFrame, break_month: str, events: list[Event], first: str, last: str
) -> pd.DataFrame:
    """The ITS design: counts, trend (years), month of year, Statement level/slope, events.

    ``statement_trend`` is the time in years since the break month (0 before it),
    so exp(coefficient) is the change in the yearly growth ratio after the break.
    """
    window = monthly[
        (monthly["month"] >= month_start(first)) & (monthly["month"] <= month_start(last))
    ].reset_index(drop=True)
    origin, brk = window["month"].min(), month_start(break_month)
    return window.assign(
        trend=months_between(origin, window["month"]) / 12,
        month_of_year=window["month"].dt.month,
        statement=(window["month"] >= brk).astype(int),
        statement_trend=months_between(brk, window["month"]).clip(lower=0) / 12,
        **{event.name: event.column(window["month"]) for event in events},
    )


def its_formula(outcome: str, events: list[Event]) -> str:
    terms = ["trend", "C(month_of_year)", "statement", "statement_trend"]
    return f"{outcome} ~ " + " + ".join(terms + [event.name for event in events])


def its_poisson(design: pd.DataFrame, events: list[Event], hac_lags: int):
    return smf.glm(its_formula("detections", events), design, family=sm.families.Poisson()).fit(
        cov_type="HAC", cov_kwds={"maxlags": hac_lags}
    )


def its_negative_binomial(design: pd.DataFrame, events: list[Event], hac_lags: int):
    """NB2 by maximum likelihood, started from the Poisson fit (Newton from zero diverges).

    BFGS finds the optimum; Newton steps with the analytic Hessian then polish it
    to machine precision. BFGS alone stops where its tolerance allows, and where
    that is depends on the floating-point kernel: without the polish, estimates
    differed in the 7th digit between CPUs.
    """
    start = its_poisson(design, events, hac_lags).params.to_numpy()
    model = smf.negativebinomial(its_formula("detections", events), design, loglike_method="nb2")
    rough = model.fit(start_params=np.r_[start, 1.0], method="bfgs", maxiter=2000, disp=False)
    result = model.fit(
        start_params=rough.params.to_numpy(),
        method="newton",
        maxiter=100,
        tol=1e-12,
        disp=False,
        cov_type="HAC",
        cov_kwds={"maxlags": hac_lags},
    )
    if not (rough.mle_retvals["converged"] and result.mle_retvals["converged"]):
        raise RuntimeError("the negative binomial ITS did not converge")
    return result


def its_log_ols(design: pd.DataFrame, events: list[Event], hac_lags: int):
    return smf.ols(its_formula("np.log1p(detections)", events), design).fit(
        cov_type="HAC", cov_kwds={"maxlags": hac_lags}
    )


ITS_ESTIMATORS = {
    "negative_binomial": its_negative_binomial,
    "poisson": its_poisson,
    "log_ols": its_log_ols,
}


def linear_predictor_columns(result) -> list[str]:
    """The coefficient names of the mean (NB results also carry ``alpha``)."""
    return [name for name in result.params.index if name != "alpha"]


def counterfactual_paths(
    result, design: pd.DataFrame, horizon_months: int, draws: int, seed: int
) -> tuple[pd.DataFrame, dict]:
    """Fitted and no-Statement paths, and the crossings averted over ``horizon_months``.

    The counterfactual sets the Statement level and slope terms to zero and keeps
    everything else. Averted crossings = counterfactual − fitted, summed over the
    first ``horizon_months`` from the break; the interval comes from ``draws``
    coefficient vectors drawn from their estimated (HAC) sampling distribution.
    The counterfactual path is reported over the same horizon only: further out
    it extrapolates the pre-2016 trend, which no reader should take as a forecast.
    """
    names = linear_predictor_columns(result)
    exog = pd.DataFrame(result.model.exog, columns=names)
    counterfactual_exog = exog.assign(statement=0.0, statement_trend=0.0)
    beta = result.params[names].to_numpy()
    cov = result.cov_params().loc[names, names].to_numpy()
    rng = np.random.default_rng(seed)
    sampled = rng.multivariate_normal(beta, cov, size=draws, method="svd")
    fitted = np.exp(exog.to_numpy() @ beta)
    counterfactual = np.exp(counterfactual_exog.to_numpy() @ beta)
    sampled_cf = np.exp(counterfactual_exog.to_numpy() @ sampled.T)
    sampled_fit = np.exp(exog.to_numpy() @ sampled.T)
    after = design["statement"].to_numpy() == 1
    horizon = after & (np.cumsum(after) <= horizon_months)
    averted = (sampled_cf - sampled_fit)[horizon].sum(axis=0)
    paths = pd.DataFrame(
        {
            "month": design["month"],
            "observed": design["detections"],
            "fitted": fitted,
            "counterfactual": np.where(horizon, counterfactual, np.nan),
            "counterfactual_low": np.where(horizon, np.quantile(sampled_cf, 0.025, axis=1), np.nan),
            "counterfactual_high": np.where(
                horizon, np.quantile(sampled_cf, 0.975, axis=1), np.nan
            ),
        }
    )
    summary = {
        "horizon_months": horizon_months,
        "averted": float((counterfactual - fitted)[horizon].sum()),
        "averted_low": float(np.quantile(averted, 0.025)),
        "averted_high": float(np.quantile(averted, 0.975)),
        "observed_in_horizon": int(design["detections"].to_numpy()[horizon].sum()),
        "draws": draws,
        "seed": seed,
    }
    return paths, summary


def placebo_breaks(
    design: pd.DataFrame, events: list[Event], hac_lags: int, first: str, last: str, step: int
) -> pd.DataFrame:
    """Re-estimate the NB model on pre-Statement months only, with fake breaks.

    A break every ``step`` months from ``first`` to ``last``; events that never
    vary before the real break are dropped. Returns the level coefficient of
    each fake break.
    """
    before = design[design["statement"] == 0].reset_index(drop=True)
    kept = [event for event in events if before[event.name].nunique() > 1]
    rows = []
    for fake in pd.date_range(month_start(first), month_start(last), freq=f"{step}MS"):
        placebo = before.assign(
            statement=(before["month"] >= fake).astype(int),
            statement_trend=months_between(fake, before["month"]).clip(lower=0) / 12,
        )
        result = its_negative_binomial(placebo, kept, hac_lags)
        rows.append(
            {
                "break_month": fake.strftime("%Y-%m"),
                "estimate": float(result.params["statement"]),
                "std_error": float(result.bse["statement"]),
                "p_value": float(result.pvalues["statement"]),
            }
        )
    return pd.DataFrame(rows)


def fit_its(monthly: pd.DataFrame, spec: dict) -> tuple[dict, pd.DataFrame]:
    """Every ITS estimate the paper reports: main model, checks, specifications, placebo."""
    events = [Event(name, **entry) for name, entry in spec["events"].items()]
    design = its_design(
        monthly, spec["break_month"], events, spec["first_month"], spec["last_month"]
    )
    terms = ["statement", "statement_trend", *[event.name for event in events]]
    fitted = {
        name: estimator(design, events, spec["hac_lags"])
        for name, estimator in ITS_ESTIMATORS.items()
    }
    estimators = {
        name: {
            "estimates": coefficient_table(result, terms, exponentiate=True),
            "fit": its_fit_statistics(result, name),
        }
        for name, result in fitted.items()
    }
    main = fitted["negative_binomial"]
    paths, averted = counterfactual_paths(
        main, design, spec["averted_horizon_months"], spec["draws"], spec["seed"]
    )
    specifications = []
    known = {event.name for event in events}
    for label, names in spec["specifications"].items():
        if unknown := sorted(set(names) - known):
            raise ValueError(
                f"config models.its.specifications.{label}: no event named "
                f"{', '.join(unknown)} in models.its.events ({', '.join(sorted(known))})"
            )
        chosen = [event for event in events if event.name in names]
        for estimator_name, estimator in ITS_ESTIMATORS.items():
            result = estimator(design, chosen, spec["hac_lags"])
            row = coefficient_table(result, ["statement"], exponentiate=True)[0]
            specifications.append({"specification": label, "estimator": estimator_name, **row})
    placebo = placebo_breaks(
        design,
        events,
        spec["hac_lags"],
        spec["placebo"]["first_break"],
        spec["placebo"]["last_break"],
        spec["placebo"]["step_months"],
    )
    real = abs(main.params["statement"])
    return (
        {
            "model": "interrupted time series",
            "outcome": "monthly detections, Eastern Mediterranean route, sea",
            "specification": {
                "formula": its_formula("detections", events),
                "break_month": spec["break_month"],
                "events": {event.name: vars(event) for event in events},
                "covariance": f"HAC (Newey–West), {spec['hac_lags']} lags",
                "hac_lags": spec["hac_lags"],
            },
            "sample": {
                "first_month": design["month"].min().strftime("%Y-%m"),
                "last_month": design["month"].max().strftime("%Y-%m"),
                "months": len(design),
                "months_after_break": int(design["statement"].sum()),
                "detections": int(design["detections"].sum()),
            },
            "estimators": estimators,
            "averted": averted,
            "specifications": specifications,
            "placebo": {
                "breaks": placebo.to_dict(orient="records"),
                "share_as_large": float((placebo["estimate"].abs() >= real).mean()),
                "share_significant": float((placebo["p_value"] < 0.05).mean()),
            },
        },
        paths,
    )


def its_fit_statistics(result, estimator: str) -> dict:
    fit = {"n": int(result.nobs), "aic": float(result.aic)}
    if estimator == "negative_binomial":
        fit |= {"alpha": float(result.params["alpha"]), "log_likelihood": float(result.llf)}
    elif estimator == "poisson":
        fit |= {
            "log_likelihood": float(result.llf),
            "pearson_dispersion": float(result.pearson_chi2 / result.df_resid),
        }
    else:
        fit |= {"r_squared": float(result.rsquared)}
    return fit
