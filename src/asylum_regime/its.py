"""Interrupted time series (ITS) of monthly sea crossings (statsmodels).

Monthly Eastern Mediterranean sea detections, modelled with month-of-year
effects, a time trend, and a change in level and in yearly growth at the
EU–Turkey Statement. Every choice a referee could make otherwise is a dimension
of the specification multiverse (``Specification`` choices):

- ``estimator``: negative binomial (NB2, dispersion by maximum likelihood),
  Poisson quasi-maximum likelihood, or least squares on log(1 + y); standard
  errors are Newey–West (HAC) throughout, which the Poisson QMLE needs (its
  Pearson dispersion is in the tens of thousands);
- ``hac_lags``: the HAC lag (it changes no estimate, only the errors);
- ``trend``: one linear trend; piecewise linear with hinges at the knots the
  config gives each piecewise option (``piecewise``: the 2012 shift from the land
  border to the sea and the 2015 surge; ``piecewise_2012``: the shift only); or a
  natural cubic regression spline of time;
- ``jap``: the Joint Action Plan left out, as a pulse over its months before the
  Statement, or as a permanent step (which multiplies the pre-Statement level the
  Statement is measured against);
- ``events``: the other dated events (the 2020 border episode, the COVID-19
  closures) in or out;
- ``start``: the first month of the sample;
- ``missing_month``: a month the source lacks (July 2012 for the sea) dropped,
  or imputed by linear interpolation of its neighbours (never set to zero).

``fit_specification`` fits one specification and returns its row of the
family's results table; ``fit_its`` the paper's main specification in detail
(every estimator, the counterfactual path, the placebo breaks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import patsy

from asylum_regime.estimates import coefficient_table, month_start, months_between
from asylum_regime.multiverse import fit_fingerprint
from asylum_regime.placebo import placebo_p_value
from asylum_regime.specifications import Specification
from paperkit.inputs import InputError
from paperkit.numbers import number_entry

ESTIMATORS = ("negative_binomial", "poisson", "log_ols")


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


@dataclass(frozen=True)
class ItsSetting:
    """The fixed parts of every ITS specification (config ``models.its``)."""

    break_month: str
    last_month: str
    jap_start: str
    jap_end: str
    events: tuple[Event, ...]
    knots: dict[str, tuple[str, ...]]  # piecewise trend option → its knots
    spline_df: int

    @classmethod
    def from_config(cls, spec: dict) -> ItsSetting:
        return cls(
            break_month=spec["break_month"],
            last_month=spec["last_month"],
            jap_start=spec["jap"]["start"],
            jap_end=spec["jap"]["end"],
            events=tuple(Event(name, **entry) for name, entry in spec["events"].items()),
            knots={name: tuple(knots) for name, knots in spec["knots"].items()},
            spline_df=spec["spline_df"],
        )

    @classmethod
    def checked(cls, spec: dict, monthly: pd.DataFrame) -> ItsSetting:
        """``from_config``, after every configured month is checked against the series
        (``month_problems``): an event dated outside it makes a column of zeros, and the
        fit fails with "Singular matrix", naming nothing."""
        setting = cls.from_config(spec)
        if problems := setting.month_problems(monthly):
            raise InputError("\n".join(problems))
        return setting

    def month_problems(self, monthly: pd.DataFrame) -> list[str]:
        """Each configured month (config ``models.its``: the break, the Joint Action Plan,
        the events, the knots) that lies outside the months the series has: from the
        first month with data to ``last_month`` or the data's last month, if earlier."""
        observed = monthly.loc[monthly["detections"].notna(), "month"]
        first, data_last = observed.min(), observed.max()
        last = min(month_start(self.last_month), data_last)
        span = (
            f"{first:%Y-%m}..{last:%Y-%m}; the data's last month is {data_last:%Y-%m}, "
            f"models.its.last_month {self.last_month}"
        )
        months = {
            "break_month": self.break_month,
            "jap.start": self.jap_start,
            "jap.end": self.jap_end,
            **{f"events.{event.name}.start": event.start for event in self.events},
            **{f"events.{e.name}.end": e.end for e in self.events if e.end is not None},
            **{
                f"knots.{name}[{index}]": knot
                for name, knots in self.knots.items()
                for index, knot in enumerate(knots)
            },
        }
        problems = []
        for key, value in months.items():
            month = month_start(value)
            if month > last or month < first:
                side = "after the last" if month > last else "before the first"
                problems.append(
                    f"config models.its.{key}: '{value}' is {side} month of the series "
                    f"({span}); date it inside the series, or remove it"
                )
        for event in self.events:
            if event.end is not None and month_start(event.end) < month_start(event.start):
                problems.append(
                    f"config models.its.events.{event.name}.end: '{event.end}' is before its "
                    f"start '{event.start}'; correct one of them"
                )
        return problems


# --------------------------------------------------------------------------- design


def sample(monthly: pd.DataFrame, start: str, last: str, missing_month: str) -> pd.DataFrame:
    """The months ``start``..``last``; months the source lacks (``detections`` missing)
    are dropped (``missing``) or imputed by linear interpolation (``imputed``), with
    ``imputed`` marking them."""
    window = monthly[
        (monthly["month"] >= month_start(start)) & (monthly["month"] <= month_start(last))
    ].reset_index(drop=True)
    absent = window["detections"].isna()
    if missing_month == "missing":
        return window[~absent].reset_index(drop=True).assign(imputed=False)
    if missing_month == "imputed":
        filled = window["detections"].astype(float).interpolate(limit_area="inside").round()
        return window.assign(detections=filled, imputed=absent)
    raise ValueError(f"missing_month must be 'missing' or 'imputed', not {missing_month!r}")


def its_design(series: pd.DataFrame, setting: ItsSetting, choices: dict) -> pd.DataFrame:
    """The ITS design: counts, trend (years), month of year, Statement level and slope,
    the hinges of the piecewise trend, the Joint Action Plan term and the other events.

    ``statement_trend`` is the time in years since the break month (0 before it), so
    exp(coefficient) is the change in the yearly growth ratio after the break.
    """
    origin, brk = series["month"].min(), month_start(setting.break_month)
    months = series["month"]
    columns = {
        "trend": months_between(origin, months) / 12,
        "month_of_year": months.dt.month,
        "statement": (months >= brk).astype(int),
        "statement_trend": months_between(brk, months).clip(lower=0) / 12,
    }
    for knot in knots_in_sample(setting, choices):
        columns[_hinge(knot)] = months_between(month_start(knot), months).clip(lower=0) / 12
    if choices["jap"] != "none":
        kind = "pulse" if choices["jap"] == "pulse" else "level"
        columns["jap"] = Event("jap", setting.jap_start, kind, setting.jap_end).column(months)
    if choices["events"] == "all":
        columns |= {event.name: event.column(months) for event in setting.events}
    return series.assign(**columns)


def knots_in_sample(setting: ItsSetting, choices: dict) -> list[str]:
    """The knots of the piecewise trend that fall inside the sample (a knot at or before
    its first month would duplicate the linear trend)."""
    knots = setting.knots.get(choices["trend"], ())
    return [knot for knot in knots if month_start(knot) > month_start(choices["start"])]


def _hinge(knot: str) -> str:
    return "hinge_" + knot.replace("-", "_")


def its_formula(outcome: str, setting: ItsSetting, choices: dict) -> str:
    if choices["trend"] == "spline":
        trend = [f"cr(trend, df={setting.spline_df}, constraints='center')"]
    else:  # linear, or piecewise with the option's hinges
        trend = ["trend", *[_hinge(knot) for knot in knots_in_sample(setting, choices)]]
    terms = [*trend, "C(month_of_year)", "statement", "statement_trend"]
    if choices["jap"] != "none":
        terms.append("jap")
    if choices["events"] == "all":
        terms += [event.name for event in setting.events]
    return f"{outcome} ~ " + " + ".join(terms)


def formula_inputs(design: pd.DataFrame, formula: str) -> pd.DataFrame:
    """The columns of ``design`` that ``formula`` names, with a fresh index: exact
    numbers (counts, dummies, months over 12) from which patsy builds the regressors."""
    named = [name for name in design.columns if re.search(rf"\b{re.escape(name)}\b", formula)]
    return design[named].reset_index(drop=True)


def effect_terms(setting: ItsSetting, choices: dict) -> list[str]:
    """The terms whose ratios the results report."""
    terms = ["statement", "statement_trend"]
    if choices["jap"] != "none":
        terms.append("jap")
    if choices["events"] == "all":
        terms += [event.name for event in setting.events]
    return terms


# --------------------------------------------------------------------------- estimators
# The models are fitted on design matrices built once per design (patsy is by far the
# slowest step of a fit); every estimator and HAC lag of a design reuses them.


def _hac(lags: int) -> dict:
    return {"cov_type": "HAC", "cov_kwds": {"maxlags": lags}}


def design_matrices(design: pd.DataFrame, formula: str) -> tuple[pd.Series, pd.DataFrame]:
    """The outcome and the regressors of ``formula`` (named columns)."""
    outcome, exog = patsy.dmatrices(formula, design, return_type="dataframe")
    return outcome.iloc[:, 0], exog


def its_poisson(y: pd.Series, exog: pd.DataFrame, hac_lags: int, start=None):
    import statsmodels.api as sm  # here: the break test and the figures need no statsmodels

    return sm.GLM(y, exog, family=sm.families.Poisson()).fit(start_params=start, **_hac(hac_lags))


def its_negative_binomial(y: pd.Series, exog: pd.DataFrame, hac_lags: int, start=None):
    """NB2 by maximum likelihood, started near the optimum (Newton from zero diverges).

    A rough optimum (``_nb_start``) is polished by Newton steps with the analytic
    Hessian to machine precision: where a quasi-Newton method stops depends on the
    floating-point kernel, and without the polish estimates differed in the 7th
    digit between CPUs. With ``start`` (an optimum found before, e.g. for another
    HAC lag), only the Newton steps run.
    """
    import statsmodels.api as sm

    model = sm.NegativeBinomial(y, exog, loglike_method="nb2")
    if start is None:
        start = _nb_start(model, y, exog, hac_lags)
    result = model.fit(
        start_params=start, method="newton", maxiter=100, tol=1e-12, disp=False, **_hac(hac_lags)
    )
    if not result.mle_retvals["converged"]:
        raise RuntimeError(f"the negative binomial ITS did not converge: {list(exog.columns)}")
    return result


def _nb_start(model, y: pd.Series, exog: pd.DataFrame, hac_lags: int) -> np.ndarray:
    """A point near the NB optimum: the Poisson fit with the moment estimate of the
    dispersion, improved by BFGS (Newton from far away can diverge)."""
    poisson = its_poisson(y, exog, hac_lags)
    mu, counts = poisson.fittedvalues.to_numpy(), y.to_numpy()
    alpha = max(float(np.mean(((counts - mu) ** 2 - counts) / mu**2)), 0.01)
    start = np.r_[poisson.params.to_numpy(), alpha]
    for method in ("bfgs", "nm"):
        rough = model.fit(start_params=start, method=method, maxiter=5000, disp=False)
        if rough.mle_retvals["converged"]:
            return rough.params.to_numpy()
        start = rough.params.to_numpy()
    raise RuntimeError(f"the negative binomial ITS did not converge: {list(exog.columns)}")


def its_log_ols(y: pd.Series, exog: pd.DataFrame, hac_lags: int, start=None):
    import statsmodels.api as sm

    return sm.OLS(np.log1p(y), exog).fit(**_hac(hac_lags))


ITS_ESTIMATORS = {
    "negative_binomial": its_negative_binomial,
    "poisson": its_poisson,
    "log_ols": its_log_ols,
}


def fit_design(y: pd.Series, exog: pd.DataFrame, estimator: str, lags: list[int]) -> dict:
    """One fit per HAC lag; the first lag's optimum starts the others (same estimates)."""
    fitted, start = {}, None
    for lag in lags:
        result = ITS_ESTIMATORS[estimator](y, exog, lag, start)
        start = result.params.to_numpy()
        fitted[lag] = result
    return fitted


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


# --------------------------------------------------------------------------- the multiverse


def fit_specifications(
    monthly: pd.DataFrame, setting: ItsSetting, specifications: list[Specification]
) -> pd.DataFrame:
    """The results row of each specification: the Statement's level and slope ratios with
    their 95% intervals and p-values, and the sample. Specifications that differ only in
    the estimator and the HAC lag share one design; those that differ only in the HAC lag
    share one optimum."""
    designs: dict[tuple, list[Specification]] = {}
    for specification in specifications:
        designs.setdefault(specification.key("hac_lags", "estimator"), []).append(specification)
    rows = []
    for group in designs.values():
        choices = group[0].choices
        series = sample(monthly, choices["start"], setting.last_month, choices["missing_month"])
        design = its_design(series, setting, choices)
        formula = its_formula("detections", setting, choices)
        y, exog = design_matrices(design, formula)
        # What is fitted: the formula and the columns it reads (a hinge outside the
        # sample, or a missing month outside it, leaves both as they are). Not the design
        # matrix itself: the spline basis patsy derives from the trend differs in the last
        # bit between BLAS kernels, and its fingerprint with it.
        data = (formula, formula_inputs(design, formula))
        fitted = {
            estimator: fit_design(
                y,
                exog,
                estimator,
                sorted({s["hac_lags"] for s in group if s["estimator"] == estimator}),
            )
            for estimator in sorted({s["estimator"] for s in group})
        }
        terms = effect_terms(setting, choices)
        for specification in group:
            result = fitted[specification["estimator"]][specification["hac_lags"]]
            table = {
                row["term"]: row for row in coefficient_table(result, terms, exponentiate=True)
            }
            # A term a specification leaves out has no ratio (missing in the table).
            others = {
                name: _ratio_columns(name, table[name]) if name in table else _missing(name)
                for name in ("jap", *(event.name for event in setting.events))
            }
            rows.append(
                {
                    "specification": specification.ident,
                    **specification.choices,
                    **_ratio_columns("statement", table["statement"]),
                    **_ratio_columns("slope", table["statement_trend"]),
                    **{key: value for columns in others.values() for key, value in columns.items()},
                    "months": int(result.nobs),
                    "imputed_months": int(design["imputed"].sum()),
                    "fit": fit_fingerprint(
                        *data, specification["estimator"], specification["hac_lags"]
                    ),
                }
            )
    return pd.DataFrame(rows).sort_values("specification", ignore_index=True)


def _missing(prefix: str) -> dict:
    return {f"{prefix}_{key}": float("nan") for key in ("ratio", "ratio_low", "ratio_high", "p")}


def _ratio_columns(prefix: str, row: dict) -> dict:
    return {
        f"{prefix}_ratio": row["ratio"],
        f"{prefix}_ratio_low": row["ratio_low"],
        f"{prefix}_ratio_high": row["ratio_high"],
        f"{prefix}_p": row["p_value"],
    }


# --------------------------------------------------------------------------- the main specification


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
            "imputed": design["imputed"],
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
        # The test of credibility: a path without the Statement above every month
        # ever observed extrapolates the surge rather than describing a world.
        "counterfactual_peak": float(counterfactual[horizon].max()),
        "observed_peak": int(np.nanmax(design["detections"].to_numpy(dtype=float))),
        "draws": draws,
        "seed": seed,
    }
    return paths, summary


def placebo_breaks(
    design: pd.DataFrame, formula: str, hac_lags: int, first: str, last: str, step: int
) -> pd.DataFrame:
    """Re-estimate the NB model on pre-Statement months only, with fake breaks.

    A break every ``step`` months from ``first`` to ``last``; terms that never
    vary before the real break are dropped. Returns the level coefficient of each
    fake break; a fake break the design cannot tell apart from its trend (one month
    before a hinge, with the month between absent from the source) is left out.
    """
    before = design[design["statement"] == 0].reset_index(drop=True)
    outcome, terms = formula.split(" ~ ")
    kept = [
        term
        for term in terms.split(" + ")
        if term in ("statement", "statement_trend")
        or term not in before.columns
        or before[term].nunique() > 1
    ]
    rows = []
    for fake in pd.date_range(month_start(first), month_start(last), freq=f"{step}MS"):
        placebo = before.assign(
            statement=(before["month"] >= fake).astype(int),
            statement_trend=months_between(fake, before["month"]).clip(lower=0) / 12,
        )
        # A hinge of the trend at the fake break is the fake slope change itself.
        terms_here = [term for term in kept if term != _hinge(fake.strftime("%Y-%m"))]
        y, exog = design_matrices(placebo, f"{outcome} ~ " + " + ".join(terms_here))
        if np.linalg.matrix_rank(exog.to_numpy()) < exog.shape[1]:
            continue
        result = its_negative_binomial(y, exog, hac_lags)
        rows.append(
            {
                "break_month": fake.strftime("%Y-%m"),
                "estimate": float(result.params["statement"]),
                "std_error": float(result.bse["statement"]),
                "p_value": float(result.pvalues["statement"]),
            }
        )
    return pd.DataFrame(rows)


def fit_its(monthly: pd.DataFrame, config: dict, main: Specification) -> tuple[dict, pd.DataFrame]:
    """The paper's main ITS specification in detail: every estimator with its choices,
    the counterfactual path of the negative binomial, and the placebo breaks."""
    setting = ItsSetting.checked(config, monthly)
    choices = main.choices
    series = sample(monthly, choices["start"], setting.last_month, choices["missing_month"])
    design = its_design(series, setting, choices)
    formula = its_formula("detections", setting, choices)
    terms = effect_terms(setting, choices)
    lags = choices["hac_lags"]
    y, exog = design_matrices(design, formula)
    fitted = {name: ITS_ESTIMATORS[name](y, exog, lags) for name in ESTIMATORS}
    estimators = {
        name: {
            "estimates": coefficient_table(result, terms, exponentiate=True),
            "fit": its_fit_statistics(result, name),
        }
        for name, result in fitted.items()
    }
    main_fit = (
        fitted[choices["estimator"]]
        if choices["estimator"] != "log_ols"
        else fitted["negative_binomial"]
    )
    paths, averted = counterfactual_paths(
        main_fit, design, config["averted_horizon_months"], config["draws"], config["seed"]
    )
    placebo = placebo_breaks(
        design,
        formula,
        lags,
        config["placebo"]["first_break"],
        config["placebo"]["last_break"],
        config["placebo"]["step_months"],
    )
    real = float(main_fit.params["statement"])
    placebo_test = placebo_p_value(real, placebo["estimate"], placebo["p_value"])
    absent = monthly[monthly["detections"].isna()]["month"].dt.strftime("%Y-%m").tolist()
    return (
        {
            "model": "interrupted time series",
            "outcome": "monthly detections, Eastern Mediterranean route, sea",
            "specification": {
                "id": main.ident,
                "choices": choices,
                "formula": formula,
                "break_month": setting.break_month,
                "jap": {"start": setting.jap_start, "end": setting.jap_end},
                "events": {event.name: vars(event) for event in setting.events},
                "knots": list(knots_in_sample(setting, choices)),
                "covariance": f"HAC (Newey–West), {lags} lags",
                "hac_lags": lags,
            },
            "sample": {
                "first_month": design["month"].min().strftime("%Y-%m"),
                "last_month": design["month"].max().strftime("%Y-%m"),
                "months": len(design),
                "months_after_break": int(design["statement"].sum()),
                "detections": int(design["detections"].sum()),
                "months_absent_from_source": absent,
                "months_imputed": int(design["imputed"].sum()),
            },
            "estimators": estimators,
            "averted": averted,
            "placebo": {
                "breaks": placebo.to_dict(orient="records"),
                "first_break": placebo["break_month"].min(),
                "last_break": placebo["break_month"].max(),
                "share_as_large": placebo_test["share_as_large"],
                "share_significant": placebo_test["share_significant"],
                # the Statement's rank among the placebos and itself (1: largest), and the
                # p-value it gives, which cannot be below 1 / (placebos + 1)
                "rank": placebo_test["n_as_large"] + 1,
                "p_value": placebo_test["p_value"],
                "smallest_attainable_p": placebo_test["smallest_attainable_p"],
            },
        },
        paths,
    )


# ------------------------------------------------------------------- break at an unknown date


def break_test(monthly: pd.DataFrame, config: dict, main: Specification) -> dict:
    """Andrews' sup-Wald test for one break at an unknown date in the main specification's
    design without the Statement terms: a level shift, and a level and slope shift.

    The test is run with two fits, because where it dates the break depends on the
    estimator. Poisson QMLE with the specification's HAC errors (fast, and robust to the
    overdispersion) carries the p-value: a parametric bootstrap that simulates the series
    from the negative binomial fit without a break, because with Newey–West errors the
    asymptotic (Hansen 1997) p-values reject a true null far too often in a series this
    short (``asylum_regime.breaks``). The negative binomial fit, the main specification's
    estimator, is searched over the same candidates for where it dates the break and
    where it ranks the Statement's month; it has no bootstrap (its fits are not
    vectorised, and its draws would cost the build minutes for each shift).
    """
    from asylum_regime.breaks import sup_wald_break
    from asylum_regime.count_fits import make_fitter, negbin_fit

    setting = ItsSetting.checked(config, monthly)
    choices = main.choices
    settings = config["break_test"]
    series = sample(monthly, choices["start"], setting.last_month, choices["missing_month"])
    design = its_design(series, setting, choices)
    formula = its_formula("detections", setting, choices).replace(
        " + statement + statement_trend", ""
    )
    y, exog = design_matrices(design, formula)
    counts, regressors = y.to_numpy(), exog.to_numpy()
    null = negbin_fit(counts, regressors)
    size = 1.0 / null.alpha

    def simulate(rng, fitted):
        return rng.poisson(rng.gamma(shape=size, scale=fitted.mu / size)).astype(float)

    months = design["month"]
    labels = months.dt.strftime("%Y-%m").tolist()
    years = (months_between(months.min(), months) / 12).to_numpy()
    statement = labels.index(setting.break_month)

    def search(family: str, shift: str, n_boot: int) -> dict:
        test = sup_wald_break(
            counts,
            regressors,
            fit=make_fitter(family, "hac", choices["hac_lags"]),
            trim=settings["trim"],
            shift=shift,
            time=years,
            labels=labels,
            n_boot=n_boot,
            seed=settings["seed"],
            simulate=simulate,
        )
        return _break_summary(test, statement, setting.break_month)

    shifts = ("level", "level+slope")
    poisson = {
        shift.replace("+", "_"): search("poisson", shift, settings["bootstrap_draws"])
        for shift in shifts
    }
    negative_binomial = {shift.replace("+", "_"): search("negbin", shift, 0) for shift in shifts}
    return {
        "test": "sup-Wald (Andrews 1993) for one break at an unknown date",
        "fit": f"Poisson QMLE, HAC (Newey–West) with {choices['hac_lags']} lags",
        "bootstrap": "parametric, from the negative binomial fit without a break",
        "trim": settings["trim"],
        "seed": settings["seed"],
        "specification": main.ident,
        "shifts": poisson,
        "negative_binomial": {
            "fit": f"negative binomial (NB2), HAC (Newey–West) with {choices['hac_lags']} lags",
            "bootstrap": "none",
            "shifts": negative_binomial,
        },
    }


def _months_apart(later: str, earlier: str) -> int:
    """Calendar months from ``earlier`` to ``later`` ('YYYY-MM' labels)."""
    (y1, m1), (y0, m0) = (map(int, later.split("-")), map(int, earlier.split("-")))
    return (y1 - y0) * 12 + (m1 - m0)


def _break_summary(test, statement: int, statement_label: str) -> dict:
    """One sup-Wald search: the statistic, the month it dates the break to, the
    Statement month's Wald and rank among the candidates, and the bootstrap p-value
    (with its Monte Carlo 95% interval) when the test drew one."""
    position = list(test.candidates).index(statement)
    at_statement = float(test.wald[position])
    summary = {
        "statistic": test.statistic,
        "df": test.df,
        "argmax_month": test.argmax_label,
        # calendar months from the Statement's first full month to the dated break
        "argmax_months_from_statement": _months_apart(test.argmax_label, statement_label),
        "p_asymptotic": test.p_asymptotic,
        "wald_at_statement": at_statement,
        "rank_of_statement": int((test.wald > at_statement).sum() + 1),
        "candidates": len(test.candidates),
        "failed_candidates": len(test.failed_candidates),
    }
    if test.n_boot:
        summary |= {
            "p_bootstrap": test.p_bootstrap,
            # the range of the p-value of unlimited draws (Monte Carlo 95% interval)
            "p_bootstrap_low": test.p_bootstrap_interval[0],
            "p_bootstrap_high": test.p_bootstrap_interval[1],
            "bootstrap_exceedances": test.bootstrap_exceedances,
            "bootstrap_draws": test.n_boot,
        }
    return summary


def rule_numbers(spec: dict) -> dict[str, dict]:
    """The hinges of the piecewise trends as numbers the text can quote (config
    ``models.its.knots``): ``its_knot_1``, ``its_knot_2``, … in time order."""
    knots = sorted({knot for option in spec["knots"].values() for knot in option})
    return {
        f"its_knot_{position}": number_entry(
            knot + "-01", "month", f"Hinge {position} of the piecewise trends."
        )
        for position, knot in enumerate(knots, 1)
    }
