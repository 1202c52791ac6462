"""Difference-in-differences (DiD) of asylum applications in the EU.

First-time asylum applicants in the EU27 by citizenship × year. Treated: the
citizenships that each made up at least a share (``min_share``) of Eastern
Mediterranean sea detections before the Statement; controls: the other
citizenships with enough applicants in every pre-treatment year and almost no
presence on the route. Poisson pseudo-maximum likelihood with citizenship and
year effects absorbed (``asylum_regime.ppml``: the cost grows with the panel,
not with its square), errors clustered by citizenship; an event-study version
with a joint test of the pre-treatment coefficients, relative to a fixed
reference year (the pooled ratio and the joint pre-trend test do not depend on
which pre-year is the reference, so it is no choice of the multiverse).

The specification multiverse varies the choices a referee questions:
``controls`` (all, or without Türkiye (its post-2016 applications followed the
coup attempt), the Western Balkans (own 2015 surge and safe-country rules),
Ukraine and Russia (2022), or all three), ``outcome`` (applicants in the EU27,
or in the EU27 without Greece, where people who crossed and were not returned
applied), ``last_year`` (the sample ends in 2019, before the pandemic and the
war in Ukraine, or runs to the last year), ``trend`` (a linear trend of the
treated group, or none), the treatment threshold ``min_share``, and the
``estimator`` (PPML, or least squares on log(1 + applicants) with the same
effects and clustering, the estimator PPML was designed to replace: Santos
Silva and Tenreyro 2006).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from asylum_regime.estimates import month_start
from asylum_regime.multiverse import fit_fingerprint
from asylum_regime.ppml import PPMLResult, fit_ppml, wald_test
from asylum_regime.randomisation import reassignment_p_value
from asylum_regime.series import eu_applicants_panel
from asylum_regime.specifications import Specification
from paperkit.numbers import number_entry


@dataclass(frozen=True)
class DidSetting:
    """The fixed parts of every DiD specification (config ``models.did``)."""

    first_year: int
    last_year: int
    post_from_year: int
    reference_year: int
    route: str
    kind: str
    route_from: str
    route_to: str
    min_applicants: int
    max_route_share: float
    control_groups: dict

    @classmethod
    def from_config(cls, spec: dict) -> DidSetting:
        return cls(
            first_year=spec["first_year"],
            last_year=spec["last_year"],
            post_from_year=spec["post_from_year"],
            reference_year=spec["reference_year"],
            route=spec["treated_rule"]["route"],
            kind=spec["treated_rule"]["type"],
            route_from=spec["treated_rule"]["from"],
            route_to=spec["treated_rule"]["to"],
            min_applicants=spec["control_rule"]["min_applicants_each_pre_year"],
            max_route_share=spec["control_rule"]["max_route_share"],
            control_groups=spec["control_groups"],
        )

    @property
    def pre_years(self) -> list[int]:
        return list(range(self.first_year, self.post_from_year))

    def excluded(self, controls: str) -> set[str]:
        """The citizenships a ``controls`` choice leaves out of the control group."""
        if controls == "all":
            return set()
        if controls == "no_three":
            return {code for group in self.control_groups.values() for code in group}
        return set(self.control_groups[controls.removeprefix("no_")])


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
    excluded: set[str] = frozenset(),
) -> list[str]:
    """Citizenships with ≥ ``min_applicants`` in every pre-year and ≤ ``max_share`` of the
    route, but for ``excluded``.

    Only ``countries`` (codes of real states) qualify: Eurostat's residual codes
    for stateless, unknown or "other" citizenship are no comparison group.
    """
    pre = panel[panel["year"].isin(pre_years)]
    smallest = pre.groupby("nat")["applicants"].min()
    large_enough = set(smallest[smallest >= min_applicants].index)
    on_route = set(shares[shares > max_share].index)
    return sorted((large_enough & countries) - on_route - set(treated) - set(excluded))


def did_sample(
    panel: pd.DataFrame, treated: list[str], controls: list[str], first: int, last: int, post: int
) -> pd.DataFrame:
    sample = panel[
        panel["nat"].isin([*treated, *controls]) & panel["year"].between(first, last)
    ].reset_index(drop=True)
    return sample.assign(
        treated=sample["nat"].isin(treated).astype(int),
        post=(sample["year"] >= post).astype(int),
        trend=sample["year"] - sample["year"].min(),
    ).assign(treated_post=lambda f: f["treated"] * f["post"])


OUTCOME = {"ppml": "applicants", "log_ols": "log(1 + applicants)"}


@dataclass(frozen=True)
class LinearResult:
    """Least-squares estimates of the regressors (fixed effects dummied out), with a
    cluster-robust covariance: what ``coefficient_rows`` and ``wald_test`` read."""

    coef: np.ndarray
    cov: np.ndarray
    se: np.ndarray
    z: np.ndarray
    p: np.ndarray
    ci: np.ndarray
    names: list[str]
    nobs: int


def fit_log_ols(
    applicants: np.ndarray, regressors: np.ndarray, effects: list, clusters: np.ndarray, names
) -> LinearResult:
    """OLS of log(1 + applicants) on the regressors and dummies of each fixed effect,
    with CR1 errors clustered by ``clusters`` (statsmodels' ``cov_type="cluster"``:
    G/(G − 1) · (N − 1)/(N − K)) and normal intervals, as PPML reports them."""
    dummies = [
        pd.get_dummies(pd.Categorical(values), drop_first=index > 0).to_numpy(dtype=float)
        for index, values in enumerate(effects)
    ]
    design = np.column_stack([regressors, *dummies])
    outcome = np.log1p(np.asarray(applicants, dtype=float))
    bread = np.linalg.pinv(design.T @ design)
    coef = bread @ design.T @ outcome
    residual = outcome - design @ coef
    groups = pd.factorize(clusters)[0]
    scores = np.zeros((groups.max() + 1, design.shape[1]))
    np.add.at(scores, groups, design * residual[:, None])
    n, k, g = len(outcome), np.linalg.matrix_rank(design), len(scores)
    cov = bread @ (scores.T @ scores) @ bread * g / (g - 1) * (n - 1) / (n - k)
    width = regressors.shape[1]
    coef, cov = coef[:width], cov[:width, :width]
    se = np.sqrt(np.diag(cov))
    z = coef / se
    margin = special.ndtri(0.975) * se
    return LinearResult(
        coef=coef,
        cov=cov,
        se=se,
        z=z,
        p=2 * special.ndtr(-np.abs(z)),
        ci=np.column_stack([coef - margin, coef + margin]),
        names=list(names),
        nobs=n,
    )


def fit_two_way(
    sample: pd.DataFrame, regressors: pd.DataFrame, estimator: str = "ppml"
) -> PPMLResult | LinearResult:
    """Applicants on ``regressors`` with citizenship and year effects, errors clustered
    by citizenship: by PPML (effects absorbed) or by least squares on the log."""
    fit = {"ppml": fit_ppml, "log_ols": fit_log_ols}[estimator]
    arguments = (
        sample["applicants"].to_numpy(),
        regressors.to_numpy(dtype=float),
        [sample["nat"].to_numpy(), sample["year"].to_numpy()],
    )
    return fit(*arguments, clusters=sample["nat"].to_numpy(), names=list(regressors.columns))


def did_two_way(sample: pd.DataFrame, trend: bool = False, estimator: str = "ppml"):
    """Applicants on treated × post (and a treated-group trend), with citizenship and
    year effects; errors clustered by citizenship (PPML unless ``estimator`` says)."""
    names = ["treated_post", *(["treated_trend"] if trend else [])]
    regressors = sample.assign(treated_trend=sample["treated"] * sample["trend"])[names]
    return fit_two_way(sample, regressors, estimator)


def event_study_terms(years: list[int], reference: int) -> list[str]:
    return [f"treated_{year}" for year in years if year != reference]


def did_event_study(sample: pd.DataFrame, reference: int, estimator: str = "ppml"):
    """Treated × year interactions (``reference`` year omitted), PPML unless
    ``estimator`` says otherwise."""
    years = sorted(sample["year"].unique())
    terms = event_study_terms(years, reference)
    regressors = pd.DataFrame(
        {term: sample["treated"] * (sample["year"] == int(term[8:])) for term in terms}
    )
    return fit_two_way(sample, regressors, estimator), terms


def coefficient_rows(result: PPMLResult, terms: list[str]) -> list[dict]:
    """Estimate, SE, z, p and 95% interval of ``terms``, with their ratios (exp)."""
    rows = []
    for term in terms:
        j = result.names.index(term)
        estimate, low, high = result.coef[j], result.ci[j, 0], result.ci[j, 1]
        rows.append(
            {
                "term": term,
                "estimate": float(estimate),
                "std_error": float(result.se[j]),
                "statistic": float(result.z[j]),
                "p_value": float(result.p[j]),
                "ci_low": float(low),
                "ci_high": float(high),
                "ratio": float(np.exp(estimate)),
                "ratio_low": float(np.exp(low)),
                "ratio_high": float(np.exp(high)),
            }
        )
    return rows


@dataclass(frozen=True)
class DidData:
    """What every DiD specification is fitted from: route detections and the two panels."""

    frontex: pd.DataFrame
    panels: dict[str, pd.DataFrame]  # outcome choice → citizenship × year panel
    countries: set[str]

    @classmethod
    def load(cls, frontex: pd.DataFrame, eu_asyapp: pd.DataFrame, countries: pd.DataFrame):
        """The panels of the two outcomes (applicants in the EU27, and in the EU27 without
        Greece) and the codes of real states (those with an ISO-2 code)."""
        members = sorted(countries.loc[countries["eu"], "iso3"])
        panels = {
            "eu27": eu_applicants_panel(eu_asyapp, members),
            "eu27_without_greece": eu_applicants_panel(
                eu_asyapp, [code for code in members if code != "GRC"]
            ),
        }
        return cls(frontex, panels, set(countries.dropna(subset=["iso2"])["iso3"]))


def specification_sample(
    data: DidData, setting: DidSetting, choices: dict
) -> tuple[pd.DataFrame, list[str], list[str], pd.Series]:
    shares = route_shares(
        data.frontex, setting.route, setting.kind, setting.route_from, setting.route_to
    )
    treated = treated_citizenships(shares, choices["min_share"])
    panel = data.panels[choices["outcome"]]
    controls = control_citizenships(
        panel,
        shares,
        treated,
        setting.pre_years,
        setting.min_applicants,
        setting.max_route_share,
        data.countries,
        setting.excluded(choices["controls"]),
    )
    sample = did_sample(
        panel, treated, controls, setting.first_year, choices["last_year"], setting.post_from_year
    )
    return sample, treated, controls, shares


def pretrend_test(event: PPMLResult, setting: DidSetting, reference: int) -> dict:
    terms = [f"treated_{year}" for year in setting.pre_years if year != reference]
    test = wald_test(event, terms)
    return {
        "terms": terms,
        "statistic": test.statistic,
        "df": test.df,
        "distribution": "chi2",
        "p_value": test.p_value,
    }


def fit_specifications(
    data: DidData, setting: DidSetting, specifications: list[Specification]
) -> pd.DataFrame:
    """The results row of each specification: the treated × post ratio, its interval and
    p-value, the pre-trend test of its event study, and the sample."""
    rows = []
    for specification in specifications:
        choices = specification.choices
        sample, treated, controls, _ = specification_sample(data, setting, choices)
        estimator = choices["estimator"]
        [row] = coefficient_rows(
            did_two_way(sample, choices["trend"] == "treated_linear", estimator), ["treated_post"]
        )
        event, _terms = did_event_study(sample, setting.reference_year, estimator)
        test = pretrend_test(event, setting, setting.reference_year)
        rows.append(
            {
                "specification": specification.ident,
                **choices,
                "did_ratio": row["ratio"],
                "did_ratio_low": row["ratio_low"],
                "did_ratio_high": row["ratio_high"],
                "did_p": row["p_value"],
                "pretrend_chi2": test["statistic"],
                "pretrend_p": test["p_value"],
                "n_treated": len(treated),
                "n_controls": len(controls),
                "observations": len(sample),
                # what is fitted: the panel, the estimator and the group trend
                "fit": fit_fingerprint(
                    sample.sort_values(sorted(sample.columns)).reset_index(drop=True)[
                        sorted(sample.columns)
                    ],
                    estimator,
                    choices["trend"],
                ),
            }
        )
    return pd.DataFrame(rows).sort_values("specification", ignore_index=True)


def fit_did(data: DidData, config: dict, main: Specification) -> dict:
    """The paper's main DiD specification in detail: the ratio with and without a
    treated-group trend, the event study and its pre-trend test."""
    setting = DidSetting.from_config(config)
    choices = main.choices
    estimator = choices["estimator"]
    sample, treated, controls, shares = specification_sample(data, setting, choices)
    fits = {trend: did_two_way(sample, trend, estimator) for trend in (False, True)}
    estimates = {
        "two_way_effects": coefficient_rows(fits[False], ["treated_post"]),
        "group_trend": coefficient_rows(fits[True], ["treated_post"]),
    }
    main_fit = fits[choices["trend"] == "treated_linear"]
    event, terms = did_event_study(sample, setting.reference_year, estimator)
    event_rows = coefficient_rows(event, terms)
    for row in event_rows:
        row["year"] = int(row["term"].removeprefix("treated_"))
    return {
        "model": "difference-in-differences, "
        + {"ppml": "Poisson pseudo-maximum likelihood", "log_ols": "least squares on the log"}[
            estimator
        ],
        "outcome": "first-time asylum applicants by citizenship and year (Eurostat)",
        "specification": {
            "id": main.ident,
            "choices": choices,
            "formulas": {
                "two_way_effects": f"{OUTCOME[estimator]} ~ treated_post | nat + year",
                "group_trend": f"{OUTCOME[estimator]} ~ treated_post + treated:trend | nat + year",
            },
            "covariance": "clustered by citizenship (CR1)",
            "post_from_year": setting.post_from_year,
            "reference_year": setting.reference_year,
            "treated_rule": {
                "route": setting.route,
                "type": setting.kind,
                "from": setting.route_from,
                "to": setting.route_to,
                "min_share": choices["min_share"],
            },
            "control_rule": {
                "min_applicants_each_pre_year": setting.min_applicants,
                "max_route_share": setting.max_route_share,
                "excluded": sorted(setting.excluded(choices["controls"])),
            },
        },
        "sample": {
            "first_year": setting.first_year,
            "last_year": setting.last_year,
            "treated": treated,
            "controls": controls,
            "treated_route_share": float(shares.loc[treated].sum()),
            "route_shares": {nat: float(shares.loc[nat]) for nat in treated},
            "observations": len(sample),
            "clusters": int(sample["nat"].nunique()),
            "applicants": int(sample["applicants"].sum()),
        },
        "estimates": estimates,
        "fit": {"n": int(main_fit.nobs)}
        | ({"log_likelihood": float(main_fit.loglik)} if estimator == "ppml" else {}),
        "event_study": event_rows,
        "pretrend_test": pretrend_test(event, setting, setting.reference_year),
        "honest": honest_bounds(event, terms, setting.reference_year, config["honest"]),
        "randomisation": randomisation_test(
            sample, choices["trend"] == "treated_linear", estimator, **config["randomisation"]
        ),
    }


def randomisation_test(
    sample: pd.DataFrame, trend: bool, estimator: str, draws: int, seed: int
) -> dict:
    """Randomisation inference for the DiD: the treated citizenships reassigned at
    random among all the sample's citizenships (as many as were treated), the model
    refitted each time with its fixed effects and estimator, and the actual
    treated × post coefficient ranked among the reassigned ones.

    With five treated clusters, cluster-robust errors are unreliable; this p-value
    asks instead how unusual the actual estimate is among those of citizenships
    picked without regard to the route. Neither pyfixest's ``ritest`` (it draws a
    cluster-constant treatment, which the citizenship effects absorb, not treated ×
    post) nor ``wildboottest`` (least squares only) fits a PPML difference-in-
    differences, so the permutation runs over the paper's own estimator.
    """
    units = sorted(sample["nat"].unique())
    treated = sorted(sample.loc[sample["treated"] == 1, "nat"].unique())

    def statistic(assigned: frozenset) -> float:
        reassigned = sample.assign(treated=sample["nat"].isin(assigned).astype(int))
        reassigned = reassigned.assign(treated_post=reassigned["treated"] * reassigned["post"])
        return float(did_two_way(reassigned, trend, estimator).coef[0])

    result = reassignment_p_value(units, treated, statistic, draws, seed)
    estimates = result.pop("estimates")
    return result | {
        "treated": treated,
        "units": len(units),
        "share_reassigned_below_zero": float(np.mean(estimates < 0)),
    }


def honest_bounds(event: PPMLResult, terms: list[str], reference: int, spec: dict) -> dict:
    """Sensitivity of the event study to violations of parallel trends (Rambachan and
    Roth 2023): for the average post-period log ratio, the identified set and robust 95%
    interval when the post-period violations may be up to Mbar times the largest
    pre-period one (relative magnitudes), and the breakdown Mbar at which the interval
    first contains 0. Defined when the reference year is the last pre-treatment year."""
    from asylum_regime import honest

    years = [int(term.removeprefix("treated_")) for term in terms]
    n_pre = sum(year < reference for year in years)
    n_post = len(years) - n_pre
    beta, sigma = event.coef, event.cov
    l = honest.default_l(n_post)  # noqa: E741 (the paper's notation)
    estimate = float(l @ beta[n_pre:])
    low, high = honest.original_ci(beta, sigma, n_pre, n_post, l)
    rows = honest.sensitivity(beta, sigma, n_pre, n_post, "RM", spec["mbar"], l)
    breakdown = honest.breakdown_value(beta, sigma, n_pre, n_post, "RM", l)
    return {
        "target": "average of the post-period log ratios",
        "estimate": estimate,
        "ci_low": float(low),
        "ci_high": float(high),
        "relative_magnitudes": [
            {
                "mbar": float(row["M"]),
                "set_low": float(row["id_lb"]),
                "set_high": float(row["id_ub"]),
                "ci_low": float(row["ci_lb"]),
                "ci_high": float(row["ci_ub"]),
            }
            for row in rows.to_dict(orient="records")
        ],
        "breakdown_mbar": float(breakdown["value"]),
        "interval": "conservative (identified-set bounds ± 1.96 standard errors)",
    }


def rule_numbers(spec: dict) -> dict[str, dict]:
    """The treatment and control rules as numbers the text can quote (config ``models.did``)."""
    rule = spec["treated_rule"]
    return {
        "did_min_applicants": number_entry(
            spec["control_rule"]["min_applicants_each_pre_year"],
            "count",
            "Controls: first-time applicants in every pre-Statement year, at least.",
        ),
        "did_route_from": number_entry(
            rule["from"] + "-01", "month", "Treatment rule: route shares measured from."
        ),
        "did_route_to": number_entry(
            rule["to"] + "-01", "month", "Treatment rule: route shares measured to."
        ),
    }
