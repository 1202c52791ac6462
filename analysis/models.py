"""The paper's regression models, as small functions over tidy frames (statsmodels).

Interrupted time series (ITS)
    Monthly Eastern Mediterranean sea detections, negative binomial (NB2, the
    dispersion estimated by maximum likelihood) with a linear trend in years,
    month-of-year effects, a level and a slope change at the EU–Turkey
    Statement and further dated events (a ``level`` step or a ``pulse`` over a
    window). Poisson and OLS on log(1 + y) with the same terms are the checks.
    Standard errors are Newey–West (HAC) with a configured lag.

Difference-in-differences (DiD)
    EU27 first-time asylum applicants by citizenship × year. Treated: the
    citizenships that each made up at least a configured share of Eastern
    Mediterranean sea detections before the Statement; controls: the other
    citizenships with enough applicants in every pre-treatment year and almost
    no presence on the route. Poisson pseudo-maximum likelihood with
    citizenship and year effects, errors clustered by citizenship, plus an
    event-study version and a joint test of the pre-treatment coefficients.

De jure against de facto
    OLS of the practice index on the legislative index and a trend, HAC errors;
    descriptive, with the number of years stated.

Every ``fit_*`` function returns plain dictionaries (estimates, standard
errors, intervals, fit statistics, sample, specification) ready for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
import yaml
from scipy import stats

from analysis.atomic import plain
from analysis.manuscript import number_entry

RESULTS_SCHEMA = (
    Path(__file__).resolve().parent.parent
    / "workflow"
    / "schemas"
    / "results"
    / "models.schema.yaml"
)


def check_results(payload: dict, kind: str) -> dict:
    """Validate a model's results (``its``, ``did`` or ``dejure``) against the results schema.

    Called before a results file is written, so that a malformed one never lands.
    """
    schema = yaml.safe_load(RESULTS_SCHEMA.read_text(encoding="utf-8"))
    checked = plain(payload)
    jsonschema.validate(checked, {**schema, "$ref": f"#/$defs/{kind}"})
    return checked


# --------------------------------------------------------------------------- helpers


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


# --------------------------------------------------------------------------- ITS


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


# --------------------------------------------------------------------------- DiD


def route_shares(frontex: pd.DataFrame, route: str, kind: str, first: str, last: str) -> pd.Series:
    """Each nationality's share of the route's detections in a window, largest first."""
    window = frontex[
        (frontex["route"] == route)
        & (frontex["type"] == kind)
        & (frontex["month"] >= month_start(first))
        & (frontex["month"] <= month_start(last))
    ]
    totals = window.groupby("nat")["detections"].sum()
    shares = (totals / totals.sum()).rename("share")
    return (
        shares.reset_index()
        .sort_values(["share", "nat"], ascending=[False, True])
        .set_index("nat")["share"]
    )


def treated_citizenships(shares: pd.Series, min_share: float) -> list[str]:
    """The rule for treatment: at least ``min_share`` of the route's detections (sorted)."""
    return sorted(shares[shares >= min_share].index)


def control_citizenships(
    panel: pd.DataFrame,
    shares: pd.Series,
    treated: list[str],
    pre_years: list[int],
    min_applicants: int,
    max_share: float,
    countries: set[str],
) -> list[str]:
    """Citizenships with ≥ ``min_applicants`` in every pre-year and ≤ ``max_share`` of the route.

    Only ``countries`` (codes of real states) qualify: Eurostat's residual codes
    for stateless, unknown or "other" citizenship are no comparison group.
    """
    pre = panel[panel["year"].isin(pre_years)]
    smallest = pre.groupby("nat")["applicants"].min()
    large_enough = set(smallest[smallest >= min_applicants].index)
    on_route = set(shares[shares > max_share].index)
    return sorted((large_enough & countries) - on_route - set(treated))


def did_sample(
    panel: pd.DataFrame, treated: list[str], controls: list[str], first: int, last: int, post: int
) -> pd.DataFrame:
    sample = panel[
        panel["nat"].isin([*treated, *controls]) & panel["year"].between(first, last)
    ].reset_index(drop=True)
    return sample.assign(
        treated=sample["nat"].isin(treated).astype(int),
        post=(sample["year"] >= post).astype(int),
    ).assign(treated_post=lambda f: f["treated"] * f["post"])


DID_FORMULAS = {
    "two_way_effects": "applicants ~ treated_post + C(nat) + C(year)",
    # A linear trend of the treated group: the check when pre-trends are not parallel.
    "group_trend": "applicants ~ treated_post + C(nat) + C(year) + treated:trend",
}


def did_ppml(sample: pd.DataFrame, formula: str = DID_FORMULAS["two_way_effects"]):
    """PPML with citizenship and year effects; errors clustered by citizenship."""
    groups = pd.factorize(sample["nat"])[0]
    design = sample.assign(trend=sample["year"] - sample["year"].min())
    return smf.glm(formula, design, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )


def event_study_terms(years: list[int], reference: int) -> list[str]:
    return [f"treated_{year}" for year in years if year != reference]


def did_event_study(sample: pd.DataFrame, reference: int):
    """PPML with treated × year interactions (``reference`` year omitted)."""
    years = sorted(sample["year"].unique())
    terms = event_study_terms(years, reference)
    design = sample.assign(
        **{f"treated_{year}": sample["treated"] * (sample["year"] == year) for year in years}
    )
    groups = pd.factorize(design["nat"])[0]
    formula = "applicants ~ C(nat) + C(year) + " + " + ".join(terms)
    result = smf.glm(formula, design, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    return result, terms


def fit_did(frontex: pd.DataFrame, panel: pd.DataFrame, countries: set[str], spec: dict) -> dict:
    rule = spec["treated_rule"]
    shares = route_shares(frontex, rule["route"], rule["type"], rule["from"], rule["to"])
    treated = treated_citizenships(shares, rule["min_share"])
    pre_years = list(range(spec["first_year"], spec["post_from_year"]))
    controls = control_citizenships(
        panel,
        shares,
        treated,
        pre_years,
        spec["control_rule"]["min_applicants_each_pre_year"],
        spec["control_rule"]["max_route_share"],
        countries,
    )
    sample = did_sample(
        panel, treated, controls, spec["first_year"], spec["last_year"], spec["post_from_year"]
    )
    fitted = {name: did_ppml(sample, formula) for name, formula in DID_FORMULAS.items()}
    main = fitted["two_way_effects"]
    event, terms = did_event_study(sample, spec["reference_year"])
    pre_terms = [f"treated_{year}" for year in pre_years if year != spec["reference_year"]]
    pretrend = event.wald_test(", ".join(f"{t} = 0" for t in pre_terms), scalar=True)
    event_rows = coefficient_table(event, terms, exponentiate=True)
    for row in event_rows:
        row["year"] = int(row["term"].removeprefix("treated_"))
    return {
        "model": "difference-in-differences, Poisson pseudo-maximum likelihood",
        "outcome": "EU27 first-time asylum applicants by citizenship and year (Eurostat)",
        "specification": {
            "formulas": DID_FORMULAS,
            "covariance": "clustered by citizenship",
            "post_from_year": spec["post_from_year"],
            "reference_year": spec["reference_year"],
            "treated_rule": rule,
            "control_rule": spec["control_rule"],
        },
        "sample": {
            "first_year": spec["first_year"],
            "last_year": spec["last_year"],
            "treated": treated,
            "controls": controls,
            "treated_route_share": float(shares.loc[treated].sum()),
            "route_shares": {nat: float(shares.loc[nat]) for nat in treated},
            "observations": len(sample),
            "clusters": int(sample["nat"].nunique()),
            "applicants": int(sample["applicants"].sum()),
        },
        "estimates": {
            name: coefficient_table(result, ["treated_post"], exponentiate=True)
            for name, result in fitted.items()
        },
        "fit": {
            "n": int(main.nobs),
            "log_likelihood": float(main.llf),
            "pseudo_r_squared": float(main.pseudo_rsquared(kind="cs")),
        },
        "event_study": event_rows,
        "pretrend_test": {
            "terms": pre_terms,
            "statistic": float(pretrend.statistic),
            "df": len(pre_terms),
            "distribution": pretrend.distribution,
            "p_value": float(pretrend.pvalue),
        },
    }


# --------------------------------------------------------------------------- de jure vs de facto


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
        "mean_gap": float((sample["legislative"] - sample["practice"]).mean()),
        "ranges": {
            name: float(sample[name].max() - sample[name].min())
            for name in ("legislative", "practice")
        },
    }


# --------------------------------------------------------------------------- numbers for the text


def _ratio_numbers(prefix: str, row: dict, what: str) -> dict[str, dict]:
    """IRR, its interval, the implied percent change and the p-value of one coefficient."""
    return {
        f"{prefix}_irr": number_entry(row["ratio"], "decimal", f"{what}: incidence-rate ratio.", 3),
        f"{prefix}_irr_low": number_entry(
            row["ratio_low"], "decimal", f"{what}: 95% CI, lower.", 3
        ),
        f"{prefix}_irr_high": number_entry(
            row["ratio_high"], "decimal", f"{what}: 95% CI, upper.", 3
        ),
        f"{prefix}_change": number_entry(
            row["ratio"] - 1, "percent", f"{what}: implied change (IRR − 1).", 1
        ),
        f"{prefix}_p": number_entry(row["p_value"], "p_value", f"{what}: p-value.", 3),
    }


def convention_numbers() -> dict[str, dict]:
    """The levels every interval and test in the paper uses."""
    return {
        "ci_level": number_entry(0.95, "percent", "Level of every confidence interval."),
        "significance_level": number_entry(0.05, "percent", "Significance level of the tests."),
    }


def its_numbers(its: dict) -> dict[str, dict]:
    nb = {row["term"]: row for row in its["estimators"]["negative_binomial"]["estimates"]}
    checks = {
        name: {row["term"]: row for row in its["estimators"][name]["estimates"]}
        for name in ("poisson", "log_ols")
    }
    specifications = [row["ratio"] for row in its["specifications"]]
    numbers = {
        **_ratio_numbers("its_statement", nb["statement"], "ITS, NB, Statement level change"),
        **_ratio_numbers("its_slope", nb["statement_trend"], "ITS, NB, Statement slope change"),
        "its_statement_fall": number_entry(
            1 - nb["statement"]["ratio"],
            "percent",
            "Fall in the level at the Statement (1 − IRR).",
            1,
        ),
        "its_poisson_irr": number_entry(
            checks["poisson"]["statement"]["ratio"], "decimal", "ITS, Poisson, Statement IRR.", 3
        ),
        "its_log_ols_ratio": number_entry(
            checks["log_ols"]["statement"]["ratio"],
            "decimal",
            "ITS, OLS on log(1+y), exp(Statement coefficient).",
            3,
        ),
        "its_spec_irr_min": number_entry(
            min(specifications), "decimal", "Smallest Statement IRR across specifications.", 3
        ),
        "its_spec_irr_max": number_entry(
            max(specifications), "decimal", "Largest Statement IRR across specifications.", 3
        ),
        "its_months": number_entry(its["sample"]["months"], "count", "Months in the ITS sample."),
        "its_first_month": number_entry(
            its["sample"]["first_month"] + "-01", "month", "First month of the ITS."
        ),
        "its_last_month": number_entry(
            its["sample"]["last_month"] + "-01", "month", "Last month of the ITS."
        ),
        "its_break_month": number_entry(
            its["specification"]["break_month"] + "-01", "month", "First month after the break."
        ),
        "its_hac_lags": number_entry(
            its["specification"]["hac_lags"],
            "count",
            "Newey–West lags.",
        ),
        "its_alpha": number_entry(
            its["estimators"]["negative_binomial"]["fit"]["alpha"],
            "decimal",
            "NB dispersion parameter alpha.",
            2,
        ),
        "its_averted": number_entry(
            its["averted"]["averted"], "count", "Crossings averted (model)."
        ),
        "its_averted_low": number_entry(its["averted"]["averted_low"], "count", "Averted, 2.5%."),
        "its_averted_high": number_entry(
            its["averted"]["averted_high"], "count", "Averted, 97.5%."
        ),
        "its_averted_horizon": number_entry(
            its["averted"]["horizon_months"], "count", "Months over which averted is summed."
        ),
        "its_observed_in_horizon": number_entry(
            its["averted"]["observed_in_horizon"], "count", "Detections observed in the horizon."
        ),
        "its_placebo_breaks": number_entry(
            len(its["placebo"]["breaks"]), "count", "Number of placebo breaks."
        ),
        "its_placebo_share_as_large": number_entry(
            its["placebo"]["share_as_large"],
            "percent",
            "Share of placebo level changes at least as large as the Statement's.",
        ),
        "its_placebo_share_significant": number_entry(
            its["placebo"]["share_significant"],
            "percent",
            "Share of placebo level changes significant at 5%.",
        ),
    }
    for event in its["specification"]["events"]:
        numbers |= _ratio_numbers(f"its_{event}", nb[event], f"ITS, NB, event {event}")
    return numbers


def did_numbers(did: dict, iso2: dict[str, str]) -> dict[str, dict]:
    main = did["estimates"]["two_way_effects"][0]
    trends = did["estimates"]["group_trend"][0]
    events = {row["year"]: row for row in did["event_study"]}
    post = [row for year, row in events.items() if year >= did["specification"]["post_from_year"]]
    pre = [row for year, row in events.items() if year < did["specification"]["post_from_year"]]
    sample = did["sample"]
    return {
        **_ratio_numbers("did", main, "DiD PPML, treated × post"),
        **_ratio_numbers("did_trend", trends, "DiD PPML with a treated-group trend"),
        "did_treated": number_entry(
            [
                iso2[code]
                for code in sorted(sample["treated"], key=lambda c: -sample["route_shares"][c])
            ],
            "countries",
            "Treated citizenships, largest share of route detections first.",
        ),
        "did_n_treated": number_entry(len(sample["treated"]), "count", "Treated citizenships."),
        "did_n_controls": number_entry(len(sample["controls"]), "count", "Control citizenships."),
        "did_observations": number_entry(sample["observations"], "count", "Citizenship-years."),
        "did_treated_route_share": number_entry(
            sample["treated_route_share"],
            "percent",
            "Treated citizenships' share of route detections before the Statement.",
            1,
        ),
        "did_min_share": number_entry(
            did["specification"]["treated_rule"]["min_share"], "percent", "Treatment threshold."
        ),
        "did_pretrend_chi2": number_entry(
            did["pretrend_test"]["statistic"], "decimal", "Pre-trend Wald chi-squared.", 1
        ),
        "did_pretrend_df": number_entry(did["pretrend_test"]["df"], "count", "Pre-trend test df."),
        "did_pretrend_p": number_entry(
            did["pretrend_test"]["p_value"], "p_value", "Pre-trend p.", 3
        ),
        "did_event_post_min": number_entry(
            min(row["ratio"] for row in post), "decimal", "Smallest post-period event ratio.", 2
        ),
        "did_event_pre_max": number_entry(
            max(row["ratio"] for row in pre), "decimal", "Largest pre-period event ratio.", 2
        ),
        "did_event_post_max": number_entry(
            max(row["ratio"] for row in post), "decimal", "Largest post-period event ratio.", 2
        ),
        "did_first_year": number_entry(sample["first_year"], "year", "First DiD year."),
        "did_last_year": number_entry(sample["last_year"], "year", "Last DiD year."),
        "did_reference_year": number_entry(
            did["specification"]["reference_year"], "year", "Event-study reference year."
        ),
    }


def dejure_numbers(dejure: dict) -> dict[str, dict]:
    slope = next(row for row in dejure["estimates"] if row["term"] == "legislative")
    return {
        "dejure_slope": number_entry(slope["estimate"], "decimal", "Practice on legislation.", 2),
        "dejure_slope_low": number_entry(slope["ci_low"], "decimal", "95% CI, lower.", 2),
        "dejure_slope_high": number_entry(slope["ci_high"], "decimal", "95% CI, upper.", 2),
        "dejure_slope_p": number_entry(slope["p_value"], "p_value", "p-value of the slope.", 3),
        "dejure_r": number_entry(
            dejure["correlation"]["pearson_r"], "decimal", "Correlation of the two indices.", 2
        ),
        "dejure_r_p": number_entry(dejure["correlation"]["p_value"], "p_value", "p of r.", 3),
        "dejure_years": number_entry(
            dejure["sample"]["years"], "count", "Years in the regression."
        ),
        "dejure_mean_gap": number_entry(
            dejure["mean_gap"], "decimal", "Mean legislative − practice gap.", 2
        ),
        "dejure_legislative_range": number_entry(
            dejure["ranges"]["legislative"], "decimal", "Range of legislation in the sample.", 3
        ),
        "dejure_practice_range": number_entry(
            dejure["ranges"]["practice"], "decimal", "Range of practice in the sample.", 2
        ),
        "dejure_first_year": number_entry(dejure["sample"]["first_year"], "year", "First year."),
        "dejure_last_year": number_entry(dejure["sample"]["last_year"], "year", "Last year."),
    }
